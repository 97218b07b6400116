/**
 * Quick checks of OpenAI request bodies: `true` only when the body certainly passes the
 * `@sage/protocol` schema of its route (`ChatCompletionRequest`, `CompletionRequest`,
 * `EmbeddingRequest`). They read the same fields with plain type tests, which costs a fraction of
 * a zod parse. `false` means "not certain": the route then runs the zod schema, which accepts the
 * body or writes the 400 naming the field, so answers to bad input do not change. Each check
 * must stay at least as strict as its schema (the unit tests compare the two, including the set
 * of fields each schema knows).
 */

type Body = Record<string, unknown>;

/** Fields of each schema these checks read: the tests fail when a schema gains or loses one. */
const SAMPLING_FIELDS = [
  'model',
  'max_tokens',
  'temperature',
  'top_p',
  'seed',
  'stop',
  'stream',
  'stream_options',
  'n',
  'user',
] as const;

export const QUICK_CHECKED_FIELDS = {
  chat: [...SAMPLING_FIELDS, 'messages', 'max_completion_tokens'],
  completion: [...SAMPLING_FIELDS, 'prompt'],
  embedding: ['model', 'input', 'encoding_format', 'dimensions', 'user'],
} as const;

const ROLES: ReadonlySet<unknown> = new Set(['system', 'user', 'assistant', 'tool', 'developer', 'function']);

function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const absent = (value: unknown) => value === undefined;
const optionalString = (value: unknown) => value === undefined || typeof value === 'string';
const positiveInt = (value: unknown) => Number.isSafeInteger(value) && (value as number) > 0;
const nullableIn = (value: unknown, min: number, max: number) =>
  value === undefined ||
  value === null ||
  (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max);

function isStringArray(value: unknown, min: number, max: number): boolean {
  if (!Array.isArray(value) || value.length < min || value.length > max) return false;
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}

function isIntArray(value: unknown): boolean {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const item of value) if (!Number.isSafeInteger(item)) return false;
  return true;
}

/** The fields chat and completion requests share (`samplingFields` in @sage/protocol). */
function samplingFieldsOk(body: Body): boolean {
  const { max_tokens, seed, stop, stream, stream_options, n } = body;
  if (!optionalString(body.model) || !optionalString(body.user)) return false;
  if (!(max_tokens === undefined || max_tokens === null || positiveInt(max_tokens))) return false;
  if (!nullableIn(body.temperature, 0, 2) || !nullableIn(body.top_p, 0, 1)) return false;
  if (!(seed === undefined || seed === null || Number.isSafeInteger(seed))) return false;
  if (!(stop === undefined || stop === null || typeof stop === 'string' || isStringArray(stop, 0, 4)))
    return false;
  if (!(stream === undefined || stream === null || typeof stream === 'boolean')) return false;
  if (
    !(
      stream_options === undefined ||
      stream_options === null ||
      (isObject(stream_options) &&
        (absent(stream_options.include_usage) || typeof stream_options.include_usage === 'boolean'))
    )
  )
    return false;
  return n === undefined || n === null || n === 1;
}

function isChatMessage(message: unknown): boolean {
  if (!isObject(message) || !ROLES.has(message.role) || !optionalString(message.name)) return false;
  const { content } = message;
  if (content === undefined || content === null || typeof content === 'string') return true;
  if (!Array.isArray(content)) return false;
  for (const part of content) if (!isObject(part) || typeof part.type !== 'string') return false;
  return true;
}

/** Certainly a valid `ChatCompletionRequest`. */
export function quickCheckChat(body: unknown): boolean {
  if (!isObject(body) || !samplingFieldsOk(body)) return false;
  const { messages, max_completion_tokens } = body;
  if (
    !(
      max_completion_tokens === undefined ||
      max_completion_tokens === null ||
      positiveInt(max_completion_tokens)
    )
  )
    return false;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  for (const message of messages) if (!isChatMessage(message)) return false;
  return true;
}

/** Certainly a valid `CompletionRequest`. */
export function quickCheckCompletion(body: unknown): boolean {
  if (!isObject(body) || !samplingFieldsOk(body)) return false;
  const { prompt } = body;
  return typeof prompt === 'string' || isStringArray(prompt, 1, Number.POSITIVE_INFINITY);
}

/** Certainly a valid `EmbeddingRequest`. */
export function quickCheckEmbedding(body: unknown): boolean {
  if (!isObject(body) || !optionalString(body.model) || !optionalString(body.user)) return false;
  const { input, encoding_format, dimensions } = body;
  if (!(encoding_format === undefined || encoding_format === 'float' || encoding_format === 'base64'))
    return false;
  if (!(dimensions === undefined || positiveInt(dimensions))) return false;
  if (typeof input === 'string' || isStringArray(input, 1, Number.POSITIVE_INFINITY) || isIntArray(input))
    return true;
  if (!Array.isArray(input) || input.length === 0) return false;
  for (const item of input) if (!isIntArray(item)) return false;
  return true;
}
