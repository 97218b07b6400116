import { HEADERS } from '@sage/protocol';
import type { Dispatcher } from 'undici';

type IncomingHttpHeaders = Dispatcher.ResponseData['headers'];

/** A header's single value (undici gives arrays for repeated headers). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** An engine answer that is an event stream (passed through chunk by chunk). */
function isEventStream(contentType: string | undefined): boolean {
  return contentType?.startsWith('text/event-stream') === true;
}

/**
 * Headers of a response the gateway passes through from an engine: the engine's content type,
 * which engine answered, the request id, and — on an error status — `X-Sage-Error-Source: engine`.
 */
export function passthroughHeaders(
  engineId: string,
  status: number,
  contentType: string | undefined,
  requestId: string,
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': contentType ?? 'application/json',
    [HEADERS.engineId]: engineId,
    [HEADERS.requestId]: requestId,
  };
  if (status >= 400) headers[HEADERS.errorSource] = 'engine';
  if (isEventStream(contentType)) {
    headers['cache-control'] = 'no-cache';
    headers['x-accel-buffering'] = 'no';
  }
  return headers;
}

/** A header-safe token: anything but letters, digits and `._:-→` becomes `_`. */
function token(value: string): string {
  return value.replace(/[^A-Za-z0-9._:-]/g, (character) => (character === '→' ? '->' : '_'));
}

/**
 * The `X-Sage-Schedule` value of a decision:
 * `engine=<id>; policy=<label>; reason=<scorer>; scores=prefix:0.83,load:0.5; queued_ms=3; waited=0`.
 */
export function scheduleHeaderValue(decision: {
  engineId: string;
  policy: string;
  reason: string;
  scores: Readonly<Record<string, number>>;
  queuedMs: number;
  waitedForEngine: boolean;
}): string {
  const scores = Object.entries(decision.scores)
    .map(([name, score]) => `${token(name)}:${score}`)
    .join(',');
  return [
    `engine=${token(decision.engineId)}`,
    `policy=${token(decision.policy)}`,
    `reason=${token(decision.reason)}`,
    `scores=${scores}`,
    `queued_ms=${Math.round(decision.queuedMs)}`,
    `waited=${decision.waitedForEngine ? 1 : 0}`,
  ].join('; ');
}

/** An engine answer that did not count: kept so the last one can be passed through when no engine is left. */
export type UpstreamFailure =
  | { type: 'connection'; engineId: string; error: unknown }
  | { type: 'status'; engineId: string; status: number; contentType: string | undefined; body: Uint8Array };

/** Why an attempt failed, for logs and the failover counter. */
export function failureReason(failure: UpstreamFailure): string {
  if (failure.type === 'status') return `status ${failure.status}`;
  const error = failure.error as { code?: unknown; message?: unknown } | undefined;
  return typeof error?.code === 'string' ? error.code : String(error?.message ?? failure.error);
}

/** One SSE event carrying an OpenAI error, sent when an engine fails after the stream began. */
export function sseErrorEvent(message: string): Uint8Array {
  const body = { error: { message, type: 'server_error', param: null, code: 'engine_stream_interrupted' } };
  return new TextEncoder().encode(`data: ${JSON.stringify(body)}\n\n`);
}
