import type { UnifiedInferenceClientOptions } from './client-options.js';

/** Every option `create()` accepts; anything else is a mistake worth naming. */
export const OPTION_NAMES: ReadonlyArray<keyof UnifiedInferenceClientOptions> = [
  'controlPlaneUrl',
  'embedded',
  'defaultLlmModel',
  'defaultEmbeddingModel',
  'schedulingPolicy',
  'timeoutMs',
  'preset',
  'apiKey',
  'stateDir',
  'logger',
];

const EMBEDDED_ONLY: ReadonlyArray<keyof UnifiedInferenceClientOptions> = ['preset', 'stateDir', 'logger'];

function fail(message: string): never {
  throw new TypeError(`UnifiedInferenceClient.create(): ${message}`);
}

/** A positive number of milliseconds (Infinity allowed: no timeout). `where` names the call. */
export function checkTimeout(value: unknown, where = 'UnifiedInferenceClient.create()'): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new TypeError(
      `${where}: \`timeoutMs\` must be a positive number of milliseconds, got ${String(value)}`,
    );
  }
}

/** Reject unknown options, wrong types and embedded-only options without `embedded: true`. */
export function validateOptions(options: UnifiedInferenceClientOptions): void {
  if (typeof options !== 'object' || options === null) fail('options must be an object');
  for (const key of Object.keys(options)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) {
      fail(`unknown option \`${key}\` (valid options: ${OPTION_NAMES.join(', ')})`);
    }
  }
  for (const key of [
    'controlPlaneUrl',
    'defaultLlmModel',
    'defaultEmbeddingModel',
    'schedulingPolicy',
    'apiKey',
    'stateDir',
  ] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      fail(`\`${key}\` must be a non-empty string`);
    }
  }
  if (options.embedded !== undefined && typeof options.embedded !== 'boolean')
    fail('`embedded` must be a boolean');
  checkTimeout(options.timeoutMs);
  if (!options.embedded) {
    for (const key of EMBEDDED_ONLY) {
      if (options[key] !== undefined)
        fail(`\`${key}\` applies to embedded mode only: add \`embedded: true\``);
    }
  }
}
