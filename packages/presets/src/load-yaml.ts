import { issuePath } from '@sage/protocol';
import { type Document, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { describeIssues } from './describe-issues.js';
import { type ConfigIssue, ConfigValidationError } from './errors.js';
import { findJsonSyntaxError } from './json-syntax.js';
import { locatePath } from './yaml-location.js';

/** Text formats a configuration file may use. JSON is parsed strictly, YAML as YAML 1.2. */
export type ConfigFormat = 'yaml' | 'json';

/** Options of {@link parseWithSchema}. */
export interface ParseWithSchemaOptions {
  /** File name shown in error messages (a path, or a label such as `<stdin>`). */
  file: string;
  /** Default: from the file name (`.json` → json, otherwise yaml). */
  format?: ConfigFormat;
}

/**
 * The format a file name implies: `.json` is JSON, everything else YAML.
 *
 * @example
 * ```ts
 * detectConfigFormat('presets/gpu.json'); // 'json'
 * detectConfigFormat('sage.yaml'); // 'yaml'
 * ```
 */
export function detectConfigFormat(file: string): ConfigFormat {
  return /\.json$/i.test(file) ? 'json' : 'yaml';
}

function byPosition(left: ConfigIssue, right: ConfigIssue): number {
  return left.line - right.line || left.column - right.column;
}

function fail(file: string, issues: ConfigIssue[], cause?: unknown): never {
  const sorted = [...issues].sort(byPosition);
  const [first, ...others] = sorted;
  if (!first) throw new Error('fail() needs at least one issue');
  throw new ConfigValidationError({ file, issues: [first, ...others], cause });
}

/** Strict JSON check: YAML also accepts comments, trailing commas and unquoted words. */
function checkStrictJson(text: string, file: string, lineCounter: LineCounter): void {
  const error = findJsonSyntaxError(text);
  if (!error) return;
  const position = lineCounter.linePos(error.offset);
  fail(file, [
    { path: '', message: `invalid JSON: ${error.message}`, line: position.line, column: position.col },
  ]);
}

function checkSyntax(document: Document, file: string, format: ConfigFormat, lineCounter: LineCounter): void {
  if (document.errors.length === 0) return;
  const label = format === 'json' ? 'invalid JSON' : 'invalid YAML';
  const issues = document.errors.map((error): ConfigIssue => {
    const position = lineCounter.linePos(error.pos[0]);
    return { path: '', message: `${label}: ${error.message}`, line: position.line, column: position.col };
  });
  fail(file, issues, document.errors[0]);
}

function toData(document: Document, file: string): unknown {
  try {
    return document.toJS();
  } catch (error) {
    // e.g. too many aliases (a "billion laughs" document)
    const message = error instanceof Error ? error.message : String(error);
    return fail(file, [{ path: '', message: `invalid YAML: ${message}`, line: 1, column: 1 }], error);
  }
}

/**
 * Parse YAML or JSON text and validate it with a zod schema. Any problem, from a syntax error to
 * a wrong field, throws a {@link ConfigValidationError} located at the failing node: the value,
 * the key for an unknown key, or the enclosing map for a missing required key.
 * This is the loader shared by presets and the gateway's `sage.yaml`.
 *
 * @example
 * ```ts
 * const preset = parseWithSchema(text, PresetSchema, { file: 'presets/gpu.yaml' });
 * // on error: "presets/gpu.yaml:9:15: engines.1.use_gpu: Invalid input: expected boolean, received string"
 * ```
 */
export function parseWithSchema<Schema extends z.ZodType>(
  text: string,
  schema: Schema,
  options: ParseWithSchemaOptions,
): z.output<Schema> {
  const { file } = options;
  const format = options.format ?? detectConfigFormat(file);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    ...(format === 'json' ? { schema: 'json' as const } : {}),
  });
  if (format === 'json') checkStrictJson(text, file, lineCounter);
  checkSyntax(document, file, format, lineCounter);

  const data = toData(document, file);
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = describeIssues(result.error.issues, data, schema).map((issue): ConfigIssue => {
    const position = locatePath(document, lineCounter, issue.path, issue.target);
    return { path: issuePath(issue.path), message: issue.message, ...position };
  });
  return fail(file, issues, result.error);
}
