import { describe, expect, it } from 'vitest';
import { makeCandidate, makeContext, makeQueued } from './__fixtures__/scheduler-fixtures.js';
import { PolicySet } from './policy-set.js';

describe('PolicySet', () => {
  it('builds one instance per name and shares it with the adaptive composite', () => {
    const policies = new PolicySet();
    expect(policies.get('slo_aware')).toBe(policies.get('slo_aware'));
    const context = makeContext({
      queue: [makeQueued({ requestId: 'r' })],
      engines: [makeCandidate({ engineId: 'a' }, 2)],
    });
    expect(policies.get('adaptive').delegate?.(context)).toBe(policies.get('slo_aware'));
  });

  it.each([
    { case: 'snake_case names and keys (YAML)', parameters: { slo_aware: { urgency_threshold: 0.1 } } },
    {
      case: 'camelCase names and keys (converted wire)',
      parameters: { sloAware: { urgencyThreshold: 0.1 } },
    },
  ])('accepts parameters with $case', ({ parameters }) => {
    const policy = new PolicySet(parameters).get('slo_aware');
    const candidates = [
      makeCandidate({ engineId: 'fast' }, 3, 10),
      makeCandidate({ engineId: 'idle' }, 0, 500),
    ];
    const request = makeQueued({ requestId: 'r', deadlineMs: 100 });
    expect(policy.pick(request, candidates, makeContext({ now: 20 }))?.engine.engineId).toBe('fast');
  });

  it('rejects parameters for an unknown policy and invalid parameters at construction', () => {
    expect(() => new PolicySet({ fastest: {} })).toThrow(/no scheduling policy 'fastest' \(available: fifo,/);
    expect(() => new PolicySet({ adaptive: { high_load: 3 } })).toThrow(
      /invalid parameters for scheduling policy 'adaptive': highLoad/,
    );
  });
});
