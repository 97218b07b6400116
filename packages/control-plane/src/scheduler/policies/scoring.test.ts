import { describe, expect, it } from 'vitest';
import { makeCandidate, makeContext, makeQueued } from '../__fixtures__/scheduler-fixtures.js';
import {
  explainScored,
  latencyScorer,
  loadScorer,
  pickScored,
  prefixScorer,
  queueScorer,
  weighted,
} from './scoring.js';

const request = makeQueued({ requestId: 'r' });
const context = makeContext();

describe('scorers and the score → pick pipeline', () => {
  it('picks the highest weighted sum; equal sums go to the least loaded whatever the order', () => {
    const a = { ...makeCandidate({ engineId: 'a' }, 1), prefixMatch: 1 };
    const b = { ...makeCandidate({ engineId: 'b' }, 0), prefixMatch: 0 };
    const prefixFirst = [weighted(prefixScorer({ imbalanceMargin: 1 }), 3), weighted(loadScorer, 1)];
    expect(pickScored(request, [a, b], context, prefixFirst)).toBe(a);
    expect(pickScored(request, [b, a], context, [weighted(loadScorer, 1)])).toBe(b);
    const twins = [makeCandidate({ engineId: 'y' }, 1), makeCandidate({ engineId: 'x' }, 1)];
    expect(pickScored(request, twins, context, [weighted(queueScorer, 1)])?.engine.engineId).toBe('x');
  });

  it('the imbalance guard makes affinity yield when the cached engine is too loaded', () => {
    const hot = { ...makeCandidate({ engineId: 'hot', maxConcurrentRequests: 4 }, 3), prefixMatch: 1 };
    const idle = { ...makeCandidate({ engineId: 'idle', maxConcurrentRequests: 4 }, 0), prefixMatch: 0 };
    const scorers = (margin: number) => [
      weighted(prefixScorer({ imbalanceMargin: margin }), 3),
      weighted(loadScorer, 2),
    ];
    expect(pickScored(request, [hot, idle], context, scorers(1))).toBe(hot);
    expect(pickScored(request, [hot, idle], context, scorers(0.5))).toBe(idle);
  });

  it('ranks never-observed engines after observed ones', () => {
    const seen = makeCandidate({ engineId: 'b' }, 0, 900);
    const unseen = makeCandidate({ engineId: 'a' }, 0);
    expect(latencyScorer.score(request, [unseen, seen], context)).toEqual([0, 1]);
  });

  it('explains a pick: every scorer for the winner and the scorer that separated it', () => {
    const a = { ...makeCandidate({ engineId: 'a' }, 2), prefixMatch: 0.8 };
    const b = { ...makeCandidate({ engineId: 'b' }, 0), prefixMatch: 0 };
    const scorers = [weighted(prefixScorer({ imbalanceMargin: 1 }), 3), weighted(loadScorer, 1)];
    expect(explainScored(request, [a, b], context, scorers, a)).toEqual({
      reason: 'prefix',
      scores: { prefix: 0.8, load: 0.5 },
    });
    expect(explainScored(request, [a], context, scorers, a).reason).toBe('only-candidate');
  });
});
