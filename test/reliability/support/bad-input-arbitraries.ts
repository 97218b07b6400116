import fc from 'fast-check';

/** Header-safe text: printable ASCII without spaces at the ends (fetch rejects CR/LF). */
export const headerText = fc.stringMatching(/^[!-~]{1,40}$/);

/** Anything JSON can carry, shallow enough to stay fast. */
const anyJson = fc.jsonValue({ maxDepth: 3 });

/** A field value that is usually the wrong type or out of range. */
const oddValue = fc.oneof(
  anyJson,
  fc.constantFrom(-1, 0, 1e308, -1e308, 1.5, '', ' ', 'null', true, false, null, [], {}),
  fc.string({ maxLength: 20 }),
);

/**
 * A body of any kind: raw text (often invalid JSON), any JSON value, or a JSON object. `keep`
 * drops bodies that would have side effects (a raw body is tested after parsing, when it parses).
 */
export function rawBody(
  objectLike: fc.Arbitrary<Record<string, unknown>>,
  keep: (parsed: unknown) => boolean = () => true,
): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.string({ maxLength: 200 }),
      anyJson.map((value) => JSON.stringify(value)),
      objectLike.map((value) => JSON.stringify(value)),
      objectLike.map((value) => JSON.stringify(value).slice(0, -1)),
    )
    .filter((raw) => {
      try {
        return keep(JSON.parse(raw));
      } catch {
        return true;
      }
    });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An engine start body that would start an engine: `model_id` a string and a valid (or no) kind. */
export function neverStartsEngine(parsed: unknown): boolean {
  if (!isObject(parsed) || typeof parsed.model_id !== 'string') return true;
  return !(
    parsed.engine_kind === undefined ||
    parsed.engine_kind === 'llm' ||
    parsed.engine_kind === 'embedding'
  );
}

/**
 * A preset body that would apply one: no name and no preset (the default preset, which starts
 * the tiny engines), a name that is not ours, or an inline preset object.
 */
export function neverAppliesPreset(parsed: unknown): boolean {
  if (!isObject(parsed)) return true;
  if (isObject(parsed.preset)) return false;
  if (typeof parsed.name === 'string') return parsed.name.startsWith('no-such-preset-');
  return parsed.name !== undefined || parsed.preset !== undefined;
}

const message = fc.record(
  {
    role: fc.oneof(fc.constantFrom('user', 'system', 'assistant', 'tool', 'developer'), oddValue),
    content: oddValue,
  },
  { requiredKeys: [] },
);

/** Chat bodies near the real shape, with odd values. Model: the real one, none, or odd. */
export function chatLike(model: string) {
  return fc.record(
    {
      model: fc.oneof(fc.constant(model), oddValue),
      messages: fc.oneof(fc.array(message, { maxLength: 3 }), oddValue),
      stream: oddValue,
      max_tokens: oddValue,
      temperature: oddValue,
      n: oddValue,
      stream_options: oddValue,
    },
    { requiredKeys: [] },
  );
}

export function completionLike(model: string) {
  return fc.record(
    {
      model: fc.oneof(fc.constant(model), oddValue),
      prompt: oddValue,
      max_tokens: oddValue,
      stream: oddValue,
    },
    { requiredKeys: [] },
  );
}

export function embeddingLike(model: string) {
  return fc.record(
    {
      model: fc.oneof(fc.constant(model), oddValue),
      input: oddValue,
      encoding_format: oddValue,
      dimensions: oddValue,
    },
    { requiredKeys: [] },
  );
}

/** Engine start bodies near the real shape (filtered with {@link neverStartsEngine}). */
export const engineStartLike = fc.record(
  {
    model_id: fc.oneof(fc.string({ maxLength: 10 }), oddValue),
    engine_kind: fc.oneof(fc.string({ maxLength: 10 }), oddValue),
    backend: oddValue,
    port: oddValue,
    use_gpu: oddValue,
    gpu_ids: oddValue,
    max_concurrent_requests: oddValue,
    extra_args: oddValue,
  },
  { requiredKeys: [] },
);

/** Preset bodies near the real shape (filtered with {@link neverAppliesPreset}). */
export const presetApplyLike = fc.record(
  {
    name: fc.oneof(
      fc.string({ maxLength: 10 }).map((name) => `no-such-preset-${name}`),
      oddValue,
    ),
    preset: oddValue,
    rollback: oddValue,
    timeout_ms: oddValue,
  },
  { requiredKeys: [] },
);

export const policyLike = fc.record({ policy: oddValue, other: oddValue }, { requiredKeys: [] });

/** A path segment of URL-safe characters (engine ids, unknown routes). */
export const pathSegment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,24}$/);

/** A query value: URL-encoded text. */
export const queryValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('-1', '0', '1e9', 'true', 'NaN', ''),
);
