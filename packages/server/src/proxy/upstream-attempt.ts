import type { Lease } from '@sage/control-plane';
import { ValidationError } from '@sage/protocol';
import type { Dispatcher } from 'undici';
import { EngineRequestBuildError } from '../errors/gateway-errors.js';
import type { EnginePools } from './engine-pools.js';
import { decideOnAnswer } from './failover-decision.js';
import type { InferenceRequest } from './inference-request.js';
import { headerValue, type UpstreamFailure } from './upstream-response.js';

/** How one attempt on one engine ended. Nothing has reached the client yet in any of them. */
export type AttemptOutcome =
  /** The lease carries no address (nothing served the engine when it was granted). */
  | { type: 'skipped'; engineId: string }
  /**
   * The gateway could not build the engine's request (nothing was sent): the gateway's own
   * 400/500, never an engine failure. `error` is the error to answer with.
   */
  | { type: 'unbuildable'; engineId: string; error: Error }
  /** Refused, reset, cut short, or a 502/503 while other attempts remain: fail over. */
  | { type: 'failed'; failure: UpstreamFailure; engineMs: number }
  /** A whole answer, any status, to pass through. */
  | {
      type: 'answered';
      engineId: string;
      status: number;
      contentType: string | undefined;
      body: Uint8Array;
      engineMs: number;
    }
  /** A successful event stream, its body not read yet. `sentAt` is when the request went out. */
  | {
      type: 'streaming';
      engineId: string;
      status: number;
      contentType: string | undefined;
      upstream: Dispatcher.ResponseData;
      sentAt: number;
    };

const encoder = new TextEncoder();

/**
 * The body for an engine: the original bytes, or — for a label or default model — with the
 * engine's model id. A body that cannot be serialised again is the client's 400 when it is
 * too deeply nested (the stack ran out; the parse-time depth limit normally stops it earlier),
 * the gateway's 500 otherwise.
 *
 * @throws ValidationError | EngineRequestBuildError
 */
function bodyFor(request: InferenceRequest, modelId: string): Uint8Array {
  if (request.model === modelId) return request.body;
  try {
    return encoder.encode(JSON.stringify({ ...request.json, model: modelId }));
  } catch (error) {
    if (error instanceof RangeError) {
      throw new ValidationError({
        message: `the request body is nested too deeply to forward (${error.message}); lower its nesting or limits.max_json_depth`,
        cause: error,
      });
    }
    throw new EngineRequestBuildError(modelId, error);
  }
}

/**
 * One upstream attempt: send `request` to the engine of `lease` through its pool and classify
 * the answer with {@link decideOnAnswer}. Never throws for an engine's failure (that is a
 * `failed` outcome); does not release the lease, report health or record metrics — the
 * forwarder does, from the outcome.
 */
export async function attemptUpstream(
  pools: EnginePools,
  request: InferenceRequest,
  lease: Lease,
  attempt: number,
  maxAttempts: number,
): Promise<AttemptOutcome> {
  const engineId = lease.engine.engineId;
  // Where the lease says the engine answers (its executor's address when it was granted).
  const { address, backend } = lease.engine;
  if (!address) return { type: 'skipped', engineId };
  // A translated route (`/v1/responses` on an engine without it) sends the chat completion form.
  const { translation } = request;
  const translated =
    translation && !translation.nativeBackends.includes(backend ?? '') ? translation : undefined;
  // Built before the try below: only what happens on the wire may count against the engine.
  let body: Uint8Array;
  try {
    body = translated
      ? bodyFor({ ...request, model: undefined, json: translated.json }, lease.engine.modelId)
      : bodyFor(request, lease.engine.modelId);
  } catch (error) {
    return { type: 'unbuildable', engineId, error: error as Error };
  }
  const sentAt = performance.now();
  const failed = (failure: UpstreamFailure): AttemptOutcome => ({
    type: 'failed',
    failure,
    engineMs: performance.now() - sentAt,
  });
  translation?.onAttempt(translated === undefined);
  let upstream: Dispatcher.ResponseData;
  try {
    upstream = await pools.get(engineId, address.host, address.port).request({
      path: translated ? translated.path : request.route.path,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': request.requestId },
      body,
      // undici aborts the request when the client leaves, and stops listening once the
      // engine's answer is read (or destroyed).
      signal: request.client.upstreamSignal,
    });
  } catch (error) {
    return failed({ type: 'connection', engineId, error });
  }
  const status = upstream.statusCode;
  const contentType = headerValue(upstream.headers, 'content-type');
  const decision = decideOnAnswer(status, contentType, attempt, maxAttempts);
  if (decision === 'stream') return { type: 'streaming', engineId, status, contentType, upstream, sentAt };
  if (decision === 'fail-over') {
    const body = await upstream.body.bytes().catch(() => new Uint8Array(0));
    return failed({ type: 'status', engineId, status, contentType, body });
  }
  let answer: Uint8Array;
  try {
    answer = await upstream.body.bytes();
  } catch (error) {
    // Nothing reached the client yet, so a body cut short may still fail over.
    return failed({ type: 'connection', engineId, error });
  }
  return {
    type: 'answered',
    engineId,
    status,
    contentType,
    body: answer,
    engineMs: performance.now() - sentAt,
  };
}
