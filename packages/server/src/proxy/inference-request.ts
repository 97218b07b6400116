import type { ServerResponse } from 'node:http';
import type { SchedulingHints } from '../gateway-env.js';
import type { ClientLink } from '../request/client-connection.js';

/** An OpenAI inference route: the gateway path is also the engine path. */
export interface InferenceRoute {
  path: '/v1/chat/completions' | '/v1/completions' | '/v1/embeddings';
  kind: 'llm' | 'embedding';
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
  /** Chained chunk hashes of the rendered prompt, for prefix-cache affinity (LLM routes). */
  prefixHashes?: readonly number[] | undefined;
  /** The client: aborts when it disconnects. */
  client: ClientLink;
  /** The Node HTTP/1 response, when there is one: a streamed answer may be piped straight into it. */
  outgoing?: ServerResponse | undefined;
}
