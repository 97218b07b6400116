import { describe, expect, it } from 'vitest';
import {
  afterFailure,
  decideGiveUp,
  decideOnAnswer,
  decideOnNoEngine,
  type FailoverState,
  initialFailoverState,
  stillFailing,
} from './failover-decision.js';
import type { UpstreamFailure } from './upstream-response.js';

const refused: UpstreamFailure = { type: 'connection', engineId: 'a', error: { code: 'ECONNREFUSED' } };
const unavailable: UpstreamFailure = {
  type: 'status',
  engineId: 'b',
  status: 503,
  contentType: 'application/json',
  body: new Uint8Array([123, 125]),
};

function state(lastFailure: UpstreamFailure | undefined): FailoverState {
  return { tried: lastFailure ? [lastFailure.engineId] : [], triedGenerations: new Map(), lastFailure };
}

describe('decideOnAnswer', () => {
  const sse = 'text/event-stream; charset=utf-8';
  const json = 'application/json';
  it.each([
    // status, content type, attempt, maxAttempts → decision
    [200, json, 1, 3, 'relay'],
    [200, sse, 1, 3, 'stream'],
    [200, undefined, 1, 3, 'relay'],
    [204, sse, 1, 1, 'stream'],
    [400, json, 1, 3, 'relay'],
    [404, sse, 1, 3, 'relay'],
    [500, json, 1, 3, 'relay'],
    [502, json, 1, 3, 'fail-over'],
    [503, json, 2, 3, 'fail-over'],
    [503, sse, 1, 3, 'fail-over'],
    [503, json, 3, 3, 'relay'],
    [502, json, 1, 1, 'relay'],
    [504, json, 1, 3, 'relay'],
  ] as const)('status %i, %s, attempt %i of %i → %s', (status, contentType, attempt, max, expected) => {
    expect(decideOnAnswer(status, contentType, attempt, max)).toBe(expected);
  });
});

describe('decideOnNoEngine', () => {
  it.each([
    // last failure, scheduler says every engine is excluded, already waited → decision
    ['nothing tried', undefined, true, false, 'reject'],
    ['nothing tried', undefined, false, false, 'reject'],
    ['a connection failure', refused, true, false, 'wait-for-restart'],
    ['a connection failure', refused, true, true, 'give-up'],
    ['a connection failure', refused, false, false, 'reject'],
    ['a 503', unavailable, true, false, 'give-up'],
    ['a 503', unavailable, true, true, 'give-up'],
    ['a 503', unavailable, false, true, 'reject'],
  ] as const)('after %s, exhausted %s, waited %s → %s', (_what, last, exhausted, waited, expected) => {
    expect(decideOnNoEngine(state(last), exhausted, waited)).toBe(expected);
  });
});

describe('decideGiveUp', () => {
  it('passes the last engine error answer through', () => {
    expect(decideGiveUp(state(unavailable))).toEqual({ type: 'pass-through', failure: unavailable });
  });
  it('is unreachable, with the connection error as the cause, after a connection failure', () => {
    expect(decideGiveUp(state(refused))).toEqual({
      type: 'unreachable',
      engineIds: ['a'],
      cause: refused.error,
    });
  });
  it('is unreachable with "no engine" when no attempt failed', () => {
    const skipped = afterFailure(initialFailoverState(), 'c', null, undefined);
    expect(decideGiveUp(skipped)).toEqual({ type: 'unreachable', engineIds: ['c'], cause: 'no engine' });
  });
});

describe('afterFailure and stillFailing', () => {
  it('records the engine and its generation without changing the input', () => {
    const start = initialFailoverState();
    const next = afterFailure(start, 'a', 'g41', refused);
    expect(start).toEqual({ tried: [], triedGenerations: new Map(), lastFailure: undefined });
    expect(next.tried).toEqual(['a']);
    expect(next.triedGenerations.get('a')).toBe('g41');
    expect(next.lastFailure).toBe(refused);
    // A skipped engine (no address) keeps the last real failure.
    expect(afterFailure(next, 'b', null, undefined).lastFailure).toBe(refused);
  });

  it.each([
    // generation at failure, generation now → still excluded
    ['g41', 'g41', true],
    ['g41', 'g42', false],
    ['g41', null, false],
    [null, null, false],
    [null, 'g7', false],
  ] as const)(
    'failed on generation %s, now %s → excluded: %s',
    (failedGeneration, nowGeneration, excluded) => {
      const failed = afterFailure(initialFailoverState(), 'a', failedGeneration, refused);
      expect(stillFailing(failed, () => nowGeneration)).toEqual(excluded ? ['a'] : []);
    },
  );

  it('asks about each tried engine', () => {
    let failover = afterFailure(initialFailoverState(), 'a', 'g1', refused);
    failover = afterFailure(failover, 'b', 'g2', unavailable);
    const generations: Record<string, string | null> = { a: 'g1', b: 'g3' };
    expect(stillFailing(failover, (engineId) => generations[engineId] ?? null)).toEqual(['a']);
  });
});
