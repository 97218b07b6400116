import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../errors.js';
import { canTransition, nextEngineStatus } from './engine-state.js';

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
  ] as const)('%s --%s--> %s', (from, event, to) => {
    expect(nextEngineStatus(from, event)).toBe(to);
  });

  it('never lets a STARTING engine be marked unhealthy into traffic, nor a stopped one become healthy', () => {
    expect(canTransition('STARTING', 'unhealthy')).toBe(false);
    expect(() => nextEngineStatus('STOPPED', 'healthy')).toThrow(InvalidTransitionError);
    expect(() => nextEngineStatus('STOPPED', 'healthy')).toThrow(
      "engine state STOPPED does not allow 'healthy'",
    );
  });

  it('lets every non-terminal state fail or stop', () => {
    for (const from of ['STARTING', 'RUNNING', 'UNHEALTHY', 'RESTARTING'] as const) {
      expect(canTransition(from, 'fail')).toBe(true);
      expect(canTransition(from, 'stop')).toBe(true);
    }
  });
});
