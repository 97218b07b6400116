import { EngineStatus, isSupervised, isTerminal, mayServeAgain } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../errors.js';
import { canTransition, type EngineEvent, nextEngineStatus } from './engine-state.js';

describe('engine state machine', () => {
  it.each([
    ['STARTING', 'healthy', 'RUNNING'],
    ['RUNNING', 'unhealthy', 'UNHEALTHY'],
    ['UNHEALTHY', 'healthy', 'RUNNING'],
    ['UNHEALTHY', 'restart', 'RESTARTING'],
    ['RESTARTING', 'spawned', 'STARTING'],
    ['RUNNING', 'drain', 'DRAINING'],
    ['DRAINING', 'stop', 'STOPPING'],
    ['STOPPING', 'stopped', 'STOPPED'],
    ['RESTARTING', 'fail', 'FAILED'],
    ['FAILED', 'restart', 'RESTARTING'],
    ['DOWNLOADING', 'downloaded', 'STARTING'],
    ['DOWNLOADING', 'stop', 'STOPPING'],
    ['DOWNLOADING', 'fail', 'FAILED'],
    ['RESTARTING', 'download', 'DOWNLOADING'],
    ['RUNNING', 'sleep', 'SLEEPING'],
    ['SLEEPING', 'woken', 'RUNNING'],
    ['SLEEPING', 'stop', 'STOPPING'],
    ['SLEEPING', 'stopped', 'STOPPED'],
  ] as const)('%s --%s--> %s', (from, event, to) => {
    expect(nextEngineStatus(from, event)).toBe(to);
  });

  it('takes back every wanted engine after a gateway restart through the table (adopted, lost), never a stopped one', () => {
    for (const from of [
      'DOWNLOADING',
      'STARTING',
      'RUNNING',
      'UNHEALTHY',
      'RESTARTING',
      'DRAINING',
    ] as const) {
      expect(nextEngineStatus(from, 'adopted')).toBe('STARTING');
      expect(nextEngineStatus(from, 'lost')).toBe('RESTARTING');
    }
    for (const from of ['STOPPED', 'STOPPING', 'FAILED', 'SLEEPING'] as const) {
      expect(canTransition(from, 'adopted')).toBe(false);
      expect(canTransition(from, 'lost')).toBe(false);
    }
  });

  it('lets a DOWNLOADING engine neither get traffic nor be health-checked into RUNNING', () => {
    expect(canTransition('DOWNLOADING', 'healthy')).toBe(false);
    expect(canTransition('DOWNLOADING', 'spawned')).toBe(false);
    expect(canTransition('STARTING', 'downloaded')).toBe(false);
  });

  it('never lets a STARTING engine be marked unhealthy into traffic, nor a stopped one become healthy', () => {
    expect(canTransition('STARTING', 'unhealthy')).toBe(false);
    expect(() => nextEngineStatus('STOPPED', 'healthy')).toThrow(InvalidTransitionError);
    expect(() => nextEngineStatus('STOPPED', 'healthy')).toThrow(
      "engine state STOPPED does not allow 'healthy'",
    );
  });

  it('lets a SLEEPING engine get traffic only by waking, and only a RUNNING one fall asleep', () => {
    expect(canTransition('SLEEPING', 'healthy')).toBe(false);
    for (const from of ['STARTING', 'UNHEALTHY', 'DRAINING', 'DOWNLOADING'] as const) {
      expect(canTransition(from, 'sleep')).toBe(false);
    }
    expect(canTransition('RUNNING', 'woken')).toBe(false);
  });

  it('lets every non-terminal state fail or stop', () => {
    for (const from of [
      'DOWNLOADING',
      'STARTING',
      'RUNNING',
      'UNHEALTHY',
      'SLEEPING',
      'RESTARTING',
    ] as const) {
      expect(canTransition(from, 'fail')).toBe(true);
      expect(canTransition(from, 'stop')).toBe(true);
    }
  });
});

/** The states an engine reaches from `from` on its own (no operator restart, stop or drain). */
function reachableWithoutOperator(from: EngineStatus): Set<EngineStatus> {
  const automatic: EngineEvent[] = [
    'healthy',
    'unhealthy',
    'spawned',
    'fail',
    'stopped',
    'download',
    'downloaded',
    'sleep',
    'woken',
  ];
  const seen = new Set<EngineStatus>([from]);
  const pending = [from];
  for (let status = pending.pop(); status !== undefined; status = pending.pop()) {
    for (const event of automatic) {
      if (!canTransition(status, event)) continue;
      const to = nextEngineStatus(status, event);
      if (!seen.has(to)) {
        seen.add(to);
        pending.push(to);
      }
    }
  }
  return seen;
}

describe('engine status groups agree with the transition table', () => {
  it.each(EngineStatus.options)(
    '%s: may serve again exactly when RUNNING is reachable on its own',
    (status) => {
      // The supervisor's restart after a failed check is automatic too.
      const reachable = reachableWithoutOperator(status);
      if (isSupervised(status)) reachable.add('RUNNING');
      expect(reachable.has('RUNNING')).toBe(mayServeAgain(status));
    },
  );

  it('leaves a terminal state only by an operator restart (stop and stopped keep it)', () => {
    for (const status of EngineStatus.options.filter(isTerminal)) {
      expect(nextEngineStatus(status, 'restart')).toBe('RESTARTING');
      expect([...reachableWithoutOperator(status)].every(isTerminal)).toBe(true);
    }
  });
});
