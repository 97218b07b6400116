import { errorMarker, hasMarker, SageError } from '@sage/protocol';

/** One problem found in a configuration file, located at the failing node. */
export interface ConfigIssue {
  /** Dotted path of the failing field (`engines.0.kind`), `(root)` for the document, `''` for syntax errors. */
  path: string;
  message: string;
  /** 1-based line of the failing node. */
  line: number;
  /** 1-based column of the failing node. */
  column: number;
}

function formatIssue(file: string, issue: ConfigIssue): string {
  const where = `${file}:${issue.line}:${issue.column}`;
  return issue.path === '' ? `${where}: ${issue.message}` : `${where}: ${issue.path}: ${issue.message}`;
}

const configValidationMarker = errorMarker('presets', 'ConfigValidationError');

/**
 * A configuration file (preset, `sage.yaml`) that is not valid YAML/JSON or does not match its
 * schema. The message is `file:line:col: path: message` for the first issue (in file order),
 * followed by one indented line per other issue.
 *
 * @example
 * ```ts
 * try {
 *   await loadPresetFile('my-preset.yaml');
 * } catch (error) {
 *   if (ConfigValidationError.isInstance(error)) console.error(error.message);
 *   // my-preset.yaml:7:11: engines.0.kind: Invalid option: expected one of "llm"|"embedding"
 * }
 * ```
 */
export class ConfigValidationError extends SageError {
  readonly [configValidationMarker] = true;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  /** Every issue, in file order; the first one is also in `line`, `column` and `path`. */
  readonly issues: ConfigIssue[];

  constructor(options: { file: string; issues: [ConfigIssue, ...ConfigIssue[]]; cause?: unknown }) {
    const [first, ...others] = options.issues;
    const lines = [
      formatIssue(options.file, first),
      ...others.map((issue) => `  ${formatIssue(options.file, issue)}`),
    ];
    super({ name: 'ConfigValidationError', message: lines.join('\n'), cause: options.cause });
    this.file = options.file;
    this.line = first.line;
    this.column = first.column;
    this.path = first.path;
    this.issues = options.issues;
  }

  static override isInstance(error: unknown): error is ConfigValidationError {
    return hasMarker(error, configValidationMarker);
  }
}

const unknownPresetMarker = errorMarker('presets', 'UnknownPresetError');

/**
 * A preset name that is not a built-in. The message lists the built-ins.
 *
 * @example
 * ```ts
 * getBuiltinPreset('fastest');
 * // throws UnknownPresetError: no preset 'fastest' (available: local, qwen-lite, …)
 * ```
 */
export class UnknownPresetError extends SageError {
  readonly [unknownPresetMarker] = true;
  readonly preset: string;
  readonly available: string[];

  constructor(preset: string, available: string[]) {
    super({
      name: 'UnknownPresetError',
      message: `no preset '${preset}' (available: ${available.join(', ')})`,
    });
    this.preset = preset;
    this.available = available;
  }

  static override isInstance(error: unknown): error is UnknownPresetError {
    return hasMarker(error, unknownPresetMarker);
  }
}
