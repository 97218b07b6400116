import { readFile } from 'node:fs/promises';
import { issuePath, ValidationError } from '@sage/protocol';
import { DEFAULT_PRESET_NAME, getBuiltinPreset } from './builtin-presets.js';
import { describeIssues } from './describe-issues.js';
import { type ConfigFormat, parseWithSchema } from './load-yaml.js';
import { type Preset, type PresetInput, PresetSchema } from './preset-schema.js';

/** Options of {@link parsePreset}. */
export interface ParsePresetOptions {
  /** File name shown in error messages. */
  file: string;
  /** Default: from the file name (`.json` → json, otherwise yaml). */
  format?: ConfigFormat;
}

/**
 * Parse and validate preset text (YAML or JSON). Throws `ConfigValidationError` with
 * `file:line:col` on any problem.
 *
 * @example
 * ```ts
 * const preset = parsePreset('version: 1\nname: mine\nengines:\n  - name: chat\n    model: sage/tiny-chat\n', {
 *   file: 'mine.yaml',
 * });
 * preset.engines[0]?.kind; // 'llm'
 * ```
 */
export function parsePreset(text: string, options: ParsePresetOptions): Preset {
  return parseWithSchema(text, PresetSchema, options);
}

/**
 * Read and validate a preset file; `.json` files are parsed as JSON, others as YAML.
 *
 * @example
 * ```ts
 * const preset = await loadPresetFile('examples/presets/cpu-only.yaml');
 * ```
 */
export async function loadPresetFile(path: string): Promise<Preset> {
  const text = await readFile(path, 'utf8');
  return parsePreset(text, { file: path });
}

/**
 * Validate a preset given as an object (no file, so no line numbers). Throws protocol's
 * `ValidationError`, whose message names every failing field.
 *
 * @example
 * ```ts
 * validatePreset({ version: 1, name: 'x', engines: [{ name: 'chat', modle: 'a' }] });
 * // throws ValidationError: invalid preset: engines.0.model: missing required key 'model'; engines.0.modle: unknown key 'modle' (did you mean 'model'?)
 * ```
 */
export function validatePreset(input: unknown): Preset {
  const result = PresetSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = describeIssues(result.error.issues, input, PresetSchema).map((issue) => ({
    path: issuePath(issue.path),
    message: issue.message,
  }));
  const detail = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  throw new ValidationError({
    message: `invalid preset: ${detail}`,
    path: issues[0]?.path ?? '',
    issues,
    cause: result.error,
  });
}

/** Strings with a path separator or a preset file extension are paths; others are built-in names. */
function looksLikePath(value: string): boolean {
  return /[/\\]/.test(value) || /\.(ya?ml|json)$/i.test(value);
}

/**
 * A preset from a built-in name, a file path, or an object. A string is a path when it contains
 * a path separator or ends with `.yaml`, `.yml` or `.json`; otherwise it names a built-in
 * (`UnknownPresetError` if none). An object is validated by the schema (protocol's
 * `ValidationError` if invalid, since it has no file to point into). Without an argument, the
 * default preset (`local`).
 *
 * @example
 * ```ts
 * await resolvePreset(); // the built-in 'local'
 * await resolvePreset('qwen-lite');
 * await resolvePreset('./presets/team.yaml');
 * await resolvePreset({ version: 1, name: 'inline', engines: [{ name: 'chat', model: 'sage/tiny-chat' }] });
 * ```
 */
export async function resolvePreset(
  nameOrPathOrObject: string | PresetInput | Record<string, unknown> = DEFAULT_PRESET_NAME,
): Promise<Preset> {
  if (typeof nameOrPathOrObject !== 'string') return validatePreset(nameOrPathOrObject);
  if (looksLikePath(nameOrPathOrObject)) return loadPresetFile(nameOrPathOrObject);
  return getBuiltinPreset(nameOrPathOrObject);
}
