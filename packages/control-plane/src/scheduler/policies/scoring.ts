import { compareLoad, urgency } from './candidate-ranking.js';
import type {
  CandidateView,
  PickExplanation,
  PolicyContext,
  QueuedRequest,
  SchedulingPolicy,
} from './scheduling-policy.js';

/**
 * The filter → score → pick pipeline of the built-in policies. A policy is a queue order plus,
 * per request, a list of weighted **scorers**: small pure functions that give each candidate a
 * score in [0, 1] (higher is better). The candidate with the highest weighted sum wins; equal
 * sums go to the least-loaded (then fewer in-flight, then engine id), so picks never depend on
 * the order of the candidate list.
 */

/** Scores every candidate for `request`: one number in [0, 1] per candidate, same order. */
export interface Scorer {
  /** Short name, shown in decision explanations (`prefix`, `load`, `latency`, …). */
  readonly name: string;
  score(
    request: QueuedRequest,
    candidates: readonly CandidateView[],
    context: PolicyContext,
  ): ArrayLike<number>;
}

/** A scorer and its weight in a policy. */
export interface WeightedScorer {
  readonly scorer: Scorer;
  readonly weight: number;
}

/** `scorer` with `weight`. */
export function weighted(scorer: Scorer, weight: number): WeightedScorer {
  return { scorer, weight };
}

/** Min-max normalisation of "lower is better" values: the lowest scores 1, the highest 0, all equal → 1. */
function lowerIsBetter(values: ArrayLike<number>): number[] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index] as number;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const span = max - min;
  const scores = new Array<number>(values.length);
  for (let index = 0; index < values.length; index += 1) {
    scores[index] = span > 0 ? (max - (values[index] as number)) / span : 1;
  }
  return scores;
}

/** `1 − load`: free capacity as a share of the engine's slots. */
export const loadScorer: Scorer = {
  name: 'load',
  score: (_request, candidates) => candidates.map((candidate) => 1 - Math.min(1, candidate.load)),
};

/** Fewest in-flight requests, min-max normalised over the candidates (llm-d's queue scorer). */
export const queueScorer: Scorer = {
  name: 'queue',
  score: (_request, candidates) => lowerIsBetter(candidates.map((candidate) => candidate.inFlight)),
};

/**
 * Lowest observed latency: observed engines score 0.5–1 (min-max over the observed ones), engines
 * never observed 0, so they rank after every observed one.
 */
export const latencyScorer: Scorer = {
  name: 'latency',
  score: (_request, candidates) => {
    const known = candidates.filter((candidate) => candidate.latencyMs !== undefined);
    if (known.length === 0) return candidates.map(() => 0);
    const normalised = lowerIsBetter(known.map((candidate) => candidate.latencyMs as number));
    let next = 0;
    return candidates.map((candidate) =>
      candidate.latencyMs === undefined ? 0 : 0.5 + 0.5 * (normalised[next++] as number),
    );
  },
};

/** Lowest `cost(request, candidate)`, min-max normalised over the candidates. */
export function costScorer(cost: (request: QueuedRequest, candidate: CandidateView) => number): Scorer {
  return {
    name: 'cost',
    score: (request, candidates) => lowerIsBetter(candidates.map((candidate) => cost(request, candidate))),
  };
}

/**
 * The share of the request's prompt chunks the engine is believed to hold in its KV cache
 * (`candidate.prefixMatch`), with an **imbalance guard**: a candidate whose load exceeds the
 * least-loaded candidate's by more than `imbalanceMargin` scores 0, so affinity yields to load
 * before it makes a hot spot.
 */
export function prefixScorer(options: { imbalanceMargin: number }): Scorer {
  return {
    name: 'prefix',
    score: (_request, candidates) => {
      let minLoad = Number.POSITIVE_INFINITY;
      for (const candidate of candidates) if (candidate.load < minLoad) minLoad = candidate.load;
      return candidates.map((candidate) =>
        candidate.load - minLoad > options.imbalanceMargin ? 0 : (candidate.prefixMatch ?? 0),
      );
    },
  };
}

/** Unguarded prefix share (the peers' scorer: no imbalance guard). */
export const rawPrefixScorer: Scorer = {
  name: 'prefix',
  score: (_request, candidates) => candidates.map((candidate) => candidate.prefixMatch ?? 0),
};

/**
 * SLO urgency × latency: the closer a request is to its deadline (elapsed ÷ deadline, 0 without
 * one), the more the fastest engine is worth to it.
 */
export const urgencyScorer: Scorer = {
  name: 'urgency',
  score: (request, candidates, context) => {
    const level = urgency(request, context.now);
    if (level === 0) return candidates.map(() => 0);
    const latency = latencyScorer.score(request, candidates, context);
    return candidates.map((_candidate, index) => level * (latency[index] as number));
  },
};

/** Weighted sums per candidate, and the per-scorer scores (kept for explanations). */
function totals(
  request: QueuedRequest,
  candidates: readonly CandidateView[],
  context: PolicyContext,
  scorers: readonly WeightedScorer[],
): { sums: Float64Array; parts: ArrayLike<number>[] } {
  const sums = new Float64Array(candidates.length);
  const parts: ArrayLike<number>[] = [];
  for (const { scorer, weight } of scorers) {
    const scores = scorer.score(request, candidates, context);
    parts.push(scores);
    if (weight === 0) continue;
    for (let index = 0; index < candidates.length; index += 1)
      sums[index]! += weight * (scores[index] as number);
  }
  return { sums, parts };
}

function argmax(sums: Float64Array, candidates: readonly CandidateView[]): number {
  let chosen = -1;
  for (let index = 0; index < candidates.length; index += 1) {
    if (
      chosen < 0 ||
      (sums[index] as number) > (sums[chosen] as number) ||
      (sums[index] === sums[chosen] && compareLoad(candidates[index]!, candidates[chosen]!) < 0)
    ) {
      chosen = index;
    }
  }
  return chosen;
}

/** The candidate with the highest weighted score (ties: least loaded), undefined when there is none. */
export function pickScored(
  request: QueuedRequest,
  candidates: readonly CandidateView[],
  context: PolicyContext,
  scorers: readonly WeightedScorer[],
): CandidateView | undefined {
  if (candidates.length === 0) return undefined;
  if (candidates.length === 1) return candidates[0];
  return candidates[argmax(totals(request, candidates, context, scorers).sums, candidates)];
}

/**
 * Why `chosen` won: each scorer's score for it, and the reason — the scorer that separated it
 * most from the runner-up (`only-candidate` alone, `tie→least-loaded` when every sum was equal).
 */
export function explainScored(
  request: QueuedRequest,
  candidates: readonly CandidateView[],
  context: PolicyContext,
  scorers: readonly WeightedScorer[],
  chosen: CandidateView,
): PickExplanation {
  const { sums, parts } = totals(request, candidates, context, scorers);
  const at = candidates.findIndex((candidate) => candidate.engine.engineId === chosen.engine.engineId);
  const scores: Record<string, number> = {};
  scorers.forEach(({ scorer }, index) => {
    scores[scorer.name] = round3(at < 0 ? 0 : (parts[index]![at] as number));
  });
  if (candidates.length <= 1 || at < 0) return { reason: 'only-candidate', scores };
  let runnerUp = -1;
  for (let index = 0; index < candidates.length; index += 1) {
    if (index !== at && (runnerUp < 0 || (sums[index] as number) > (sums[runnerUp] as number)))
      runnerUp = index;
  }
  if (sums[at] === sums[runnerUp]) return { reason: 'tie→least-loaded', scores };
  let reason = 'score';
  let margin = Number.NEGATIVE_INFINITY;
  scorers.forEach(({ scorer, weight }, index) => {
    const part = parts[index]!;
    const gain = weight * ((part[at] as number) - (part[runnerUp] as number));
    if (gain > margin) {
      margin = gain;
      reason = scorer.name;
    }
  });
  return { reason, scores };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** What a scored policy is made of. */
export interface ScoredPolicySpec {
  readonly name: string;
  readonly compare: SchedulingPolicy['compare'];
  /** The weighted scorers for `request` (may depend on its class or urgency). */
  readonly scorers: (request: QueuedRequest, context: PolicyContext) => readonly WeightedScorer[];
  /** True when `compare` ignores `context` (the scheduler may then keep the queue sorted between rounds). */
  readonly stableOrder?: boolean;
  /** True when `compare` is SLO urgency then arrival (see `SchedulingPolicy.deadlineOrder`). */
  readonly deadlineOrder?: boolean;
  /** True when a scorer reads the prefix match (see `SchedulingPolicy.usesPrefixHashes`). */
  readonly usesPrefixHashes?: boolean;
}

/**
 * A policy from a queue order and weighted scorers: `pick` is {@link pickScored}, `explain` is
 * {@link explainScored}.
 *
 * @example
 * ```ts
 * const policy = scoredPolicy({
 *   name: 'prefix_first',
 *   compare: comparePriorityThenArrival,
 *   scorers: () => [weighted(prefixScorer({ imbalanceMargin: 0.5 }), 2), weighted(loadScorer, 1)],
 * });
 * ```
 */
export function scoredPolicy(spec: ScoredPolicySpec): SchedulingPolicy {
  return {
    name: spec.name,
    compare: spec.compare,
    stableOrder: spec.stableOrder === true,
    ...(spec.deadlineOrder === true ? { deadlineOrder: true } : {}),
    ...(spec.usesPrefixHashes === true ? { usesPrefixHashes: true } : {}),
    pick: (request, candidates, context) =>
      pickScored(request, candidates, context, spec.scorers(request, context)),
    explain: (request, candidates, context, chosen) =>
      explainScored(request, candidates, context, spec.scorers(request, context), chosen),
  };
}
