import type { UpstreamFailure } from './upstream-response.js';

/**
 * The failover rules of the forwarder, as pure functions of what happened so far: no I/O, no
 * clock, no metrics. {@link InferenceForwarder} applies them; `failover-decision.test.ts` holds
 * their tables.
 *
 * An engine that refuses or resets the connection, or answers 502/503, before any byte reached
 * the client is excluded and the request goes back to the scheduler, at most `maxAttempts`
 * engines in all; after the first byte there is no retry.
 */

/** What one request has been through: the engines it tried and why the last one failed. */
export interface FailoverState {
  /** Engines tried, in order (an engine tried again after a restart appears twice). */
  readonly tried: readonly string[];
  /** The launch generation each tried engine had when it failed (null: none ran): a restarted engine is a new chance. */
  readonly triedGenerations: ReadonlyMap<string, string | null>;
  readonly lastFailure: UpstreamFailure | undefined;
}

/** A fresh state: nothing tried yet. */
export function initialFailoverState(): FailoverState {
  return { tried: [], triedGenerations: new Map(), lastFailure: undefined };
}

/**
 * The state after `engineId` (whose launch was `generation`) failed with `failure`, or could not be
 * tried at all (`failure` undefined: the engine had no address any more). The input is left
 * unchanged.
 */
export function afterFailure(
  state: FailoverState,
  engineId: string,
  generation: string | null,
  failure: UpstreamFailure | undefined,
): FailoverState {
  const triedGenerations = new Map(state.triedGenerations);
  triedGenerations.set(engineId, generation);
  return {
    tried: [...state.tried, engineId],
    triedGenerations,
    lastFailure: failure ?? state.lastFailure,
  };
}

/**
 * Tried engines still running the launch that failed us: the ones to exclude from the next
 * scheduling. An engine whose launch has ended (`currentGeneration` null) or been replaced by a
 * restart is a new chance.
 */
export function stillFailing(
  state: FailoverState,
  currentGeneration: (engineId: string) => string | null,
): string[] {
  return state.tried.filter((engineId) => {
    const generation = currentGeneration(engineId);
    return generation !== null && generation === state.triedGenerations.get(engineId);
  });
}

/** What to do with an engine's answer, once its status line and headers are in. */
export type AnswerDecision =
  /** Exclude the engine and ask the scheduler for another (the body is read for a last pass-through). */
  | 'fail-over'
  /** Pipe the event stream to the client as it comes (no retry from here on). */
  | 'stream'
  /** Read the body whole and pass it through with the engine's status. */
  | 'relay';

/**
 * 502 and 503 fail over while attempts remain (the last attempt's answer is passed through, so
 * the client sees the engine's own error); a successful event stream is streamed; anything else
 * is relayed as is (4xx are the client's errors, other 5xx are the engine's answer).
 */
export function decideOnAnswer(
  status: number,
  contentType: string | undefined,
  attempt: number,
  maxAttempts: number,
): AnswerDecision {
  if ((status === 502 || status === 503) && attempt < maxAttempts) return 'fail-over';
  if (status < 300 && contentType?.startsWith('text/event-stream') === true) return 'stream';
  return 'relay';
}

/** What to do when the scheduler finds no engine for the request besides the ones excluded. */
export type NoEngineDecision =
  /** The last engine dropped the connection (it died): wait for its restart to begin, then queue again. */
  | 'wait-for-restart'
  /** Answer with what the engines said (see {@link decideGiveUp}). */
  | 'give-up'
  /** Pass the scheduler's error on (nothing was tried, or it is not about excluded engines). */
  | 'reject';

/**
 * `exhausted`: the scheduler refused because every engine of the model is excluded.
 * `waitedForRestart`: this request already waited once for a restart.
 */
export function decideOnNoEngine(
  state: FailoverState,
  exhausted: boolean,
  waitedForRestart: boolean,
): NoEngineDecision {
  if (!exhausted || state.lastFailure === undefined) return 'reject';
  if (state.lastFailure.type === 'connection' && !waitedForRestart) return 'wait-for-restart';
  return 'give-up';
}

/** The answer of a request no engine served. */
export type GiveUpDecision =
  /** The last engine's error answer (502/503), passed through unchanged. */
  | { type: 'pass-through'; failure: Extract<UpstreamFailure, { type: 'status' }> }
  /** 502 `engine_unreachable`, with the last connection error as the cause. */
  | { type: 'unreachable'; engineIds: readonly string[]; cause: unknown };

export function decideGiveUp(state: FailoverState): GiveUpDecision {
  const failure = state.lastFailure;
  if (failure?.type === 'status') return { type: 'pass-through', failure };
  return {
    type: 'unreachable',
    engineIds: state.tried,
    cause: failure?.type === 'connection' ? failure.error : 'no engine',
  };
}
