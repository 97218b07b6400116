import { describe, expect, it } from 'vitest';
import {
  acceptsTraffic,
  ENGINE_STATUS_GROUPS,
  EngineStatus,
  hasLiveProcess,
  isSupervised,
  isTerminal,
  mayServeAgain,
} from './engine-status.js';

const members = (predicate: (status: EngineStatus) => boolean) => EngineStatus.options.filter(predicate);

describe('engine status groups', () => {
  it.each([
    ['acceptsTraffic', acceptsTraffic, ['RUNNING']],
    ['isSupervised', isSupervised, ['STARTING', 'RUNNING', 'UNHEALTHY']],
    [
      'mayServeAgain',
      mayServeAgain,
      ['DOWNLOADING', 'STARTING', 'RUNNING', 'UNHEALTHY', 'SLEEPING', 'RESTARTING'],
    ],
    [
      'hasLiveProcess',
      hasLiveProcess,
      ['STARTING', 'RUNNING', 'UNHEALTHY', 'SLEEPING', 'DRAINING', 'STOPPING'],
    ],
    ['isTerminal', isTerminal, ['STOPPED', 'FAILED']],
  ] as const)('%s holds exactly its states', (_name, predicate, expected) => {
    expect(members(predicate)).toEqual(expected);
  });

  it('nests: traffic ⊂ supervised ⊂ may serve again, and terminal is outside all of them', () => {
    for (const status of EngineStatus.options) {
      if (acceptsTraffic(status)) expect(isSupervised(status)).toBe(true);
      if (isSupervised(status)) expect(mayServeAgain(status) && hasLiveProcess(status)).toBe(true);
      if (isTerminal(status)) expect(mayServeAgain(status) || hasLiveProcess(status)).toBe(false);
    }
  });

  it('names only real states', () => {
    for (const group of Object.values(ENGINE_STATUS_GROUPS))
      for (const status of group) expect(EngineStatus.options).toContain(status);
  });
});
