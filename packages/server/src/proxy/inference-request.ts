import type { SchedulingHints } from '../gateway-env.js';
import type { ClientLink } from '../request/client-connection.js';

/** An inference route: the gateway path is also the engine path, unless the request is translated. */
export interface InferenceRoute {
  path: '/v1/chat/completions' | '/v1/completions' | '/v1/embeddings' | '/v1/responses' | '/v1/messages';
  kind: 'llm' | 'embedding';
}

/**
 * A request of an API that some engines do not serve (`/v1/responses`, `/v1/messages`): engines
 * of `nativeBackends` get it as is, the others the chat completion request `json`.
 */
export interface RequestTranslation {
  path: '/v1/chat/completions';
  json: Record<string, unknown>;
  nativeBackends: readonly string[];
  /** Told before each attempt whether the engine gets the request as is. */
  onAttempt(native: boolean): void;
}

/** One inference request, parsed and validated by its route. */
export interface InferenceRequest {
  route: InferenceRoute;
  requestId: string;
  /** Unique among queued requests (the scheduler matches decisions by it). */
  schedulingId: string;
  /** `performance.now()` at arrival. */
  startedAt: number;
  /** The body as received: forwarded as is unless the model name must change. */
  body: Uint8Array;
  /** The parsed body. */
  json: Record<string, unknown>;
  /** The `model` field; undefined → the default model of the kind. */
  model: string | undefined;
  hints: SchedulingHints;
  estimatedTokens: number | undefined;
  /**
   * Chained chunk hashes of the rendered prompt, for prefix-cache affinity (LLM routes): computed
   * only when the policy that will decide reads them (hashing is a pass over the whole prompt).
   */
  prefixHashes?: (() => readonly number[]) | undefined;
  /** The client: aborts when it disconnects. */
  client: ClientLink;
  /** Set for routes that are translated to chat completions on engines without them. */
  translation?: RequestTranslation | undefined;
}
