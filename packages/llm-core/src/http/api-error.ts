import { HEADERS } from '@sage/protocol';
import { SageApiError } from '../errors.js';

type HeaderValue = string | string[] | undefined;

function firstHeader(headers: Record<string, HeaderValue>, name: string): string | null {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * Turn an error answer into a {@link SageApiError}. Reads OpenAI's `{ error: { message, type,
 * param, code } }` and tolerates other bodies (plain text, `{ error: "…" }`, `{ detail }`).
 */
export function apiErrorFrom(answer: {
  status: number;
  headers: Record<string, HeaderValue>;
  body: unknown;
  requestId: string;
}): SageApiError {
  let parsed: unknown = answer.body;
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      // not JSON: keep the text as the message
    }
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const error = record.error;
  const detail = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const text = typeof answer.body === 'string' ? answer.body.trim().slice(0, 500) : '';
  const message =
    stringOrNull(detail.message) ??
    stringOrNull(error) ??
    stringOrNull(record.detail) ??
    stringOrNull(record.message) ??
    (text || `HTTP ${answer.status}`);
  const code = stringOrNull(detail.code);
  const requestId = firstHeader(answer.headers, HEADERS.requestId) ?? answer.requestId;
  return new SageApiError({
    message: `${message} (HTTP ${answer.status}${code ? `, ${code}` : ''}, request ${requestId})`,
    status: answer.status,
    code,
    type: stringOrNull(detail.type),
    param: stringOrNull(detail.param),
    requestId,
    source: firstHeader(answer.headers, HEADERS.errorSource),
    retryAfterMs: parseRetryAfter(firstHeader(answer.headers, 'retry-after')),
  });
}
