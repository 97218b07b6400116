import { hasControlCharacter, ValidationError } from '@sage/protocol';

/** The revision a Hugging Face reference means when it names none. */
export const DEFAULT_REVISION = 'main';

/**
 * What a pull reference names (pure: no network, no file system):
 * - `hf`: a Hugging Face repository, with the file given (`hf:owner/repo/dir/file.gguf`) or to
 *   be chosen from its `.gguf` files by `quant` (`hf:owner/repo:Q4_K_M`, or `owner/repo` with a
 *   quantisation option);
 * - `url`: a plain `https://` URL (`http://` only on loopback, for mirrors and tests).
 */
export type ModelRef =
  | { kind: 'hf'; repo: string; file?: string | undefined; quant?: string | undefined; revision: string }
  | { kind: 'url'; url: string };

/** Options that complete a reference. */
export interface ModelRefOptions {
  quant?: string | undefined;
  revision?: string | undefined;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const FILE_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const QUANT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REVISION = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function invalid(field: string, message: string): never {
  throw new ValidationError({ message: `${field} ${message}`, path: field });
}

function checkName(part: string | undefined, what: string): string {
  if (part === undefined || !NAME.test(part) || part === '.' || part === '..') {
    invalid('ref', `has no valid ${what} (letters, digits, '.', '_', '-')`);
  }
  return part;
}

function checkRevision(revision: string): string {
  if (!REVISION.test(revision) || revision.split('/').some((part) => part === '.' || part === '..')) {
    invalid('revision', `'${revision}' is not a branch, tag or commit`);
  }
  return revision;
}

function checkFile(segments: string[]): string {
  for (const segment of segments) {
    if (!FILE_SEGMENT.test(segment)) {
      invalid('ref', `file path segment '${segment}' is not allowed (no '..', no hidden or empty segments)`);
    }
  }
  return segments.join('/');
}

function parseUrl(ref: string): ModelRef {
  let url: URL;
  try {
    url = new URL(ref);
  } catch {
    return invalid('ref', `'${ref}' is not a valid URL`);
  }
  if (url.username || url.password) invalid('ref', 'must not carry credentials in the URL (set HF_TOKEN)');
  const loopback = LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    invalid('ref', 'a URL must use https:// (http:// only on loopback)');
  }
  url.hash = '';
  return { kind: 'url', url: url.toString() };
}

/**
 * Parse a pull reference; throws a ValidationError naming `ref`, `quant` or `revision`.
 *
 * @example
 * parseModelRef('hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M');
 * // { kind: 'hf', repo: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF', quant: 'Q4_K_M', revision: 'main' }
 */
export function parseModelRef(ref: string, options: ModelRefOptions = {}): ModelRef {
  const text = ref.trim();
  if (text === '') invalid('ref', 'must not be empty');
  if (/[\s\\]/.test(text) || hasControlCharacter(text)) {
    invalid('ref', 'must not contain whitespace, backslashes or control characters');
  }
  if (/^https?:\/\//i.test(text)) {
    if (options.quant !== undefined || options.revision !== undefined) {
      invalid('quant', 'and revision apply to Hugging Face references, not URLs');
    }
    return parseUrl(text);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) invalid('ref', 'must be hf:…, owner/repo or an https:// URL');
  const body = text.startsWith('hf:') ? text.slice(3) : text;
  const [pathPart = '', fragment, ...extra] = body.split('#');
  if (extra.length > 0) invalid('ref', "has more than one '#'");
  const colon = pathPart.indexOf(':');
  const path = colon === -1 ? pathPart : pathPart.slice(0, colon);
  const refQuant = colon === -1 ? undefined : pathPart.slice(colon + 1);
  const [owner, name, ...fileSegments] = path.split('/');
  const repo = `${checkName(owner, 'owner')}/${checkName(name, 'repository name')}`;
  if (refQuant !== undefined && (!QUANT.test(refQuant) || fileSegments.length > 0)) {
    invalid('ref', "a quantisation is written 'hf:owner/repo:Q4_K_M'");
  }
  if (options.quant !== undefined && !QUANT.test(options.quant)) {
    invalid('quant', `'${options.quant}' is not a quantisation name like Q4_K_M`);
  }
  if (refQuant !== undefined && options.quant !== undefined && refQuant !== options.quant) {
    invalid('quant', `'${options.quant}' contradicts the reference's ':${refQuant}'`);
  }
  if (fragment !== undefined && options.revision !== undefined && fragment !== options.revision) {
    invalid('revision', `'${options.revision}' contradicts the reference's '#${fragment}'`);
  }
  const revision = checkRevision(options.revision ?? fragment ?? DEFAULT_REVISION);
  const file = fileSegments.length > 0 ? checkFile(fileSegments) : undefined;
  if (file !== undefined && options.quant !== undefined) {
    invalid('quant', 'applies when the reference names a repository, not a file');
  }
  const quant = refQuant ?? options.quant;
  return { kind: 'hf', repo, revision, ...(file ? { file } : {}), ...(quant ? { quant } : {}) };
}

/** The reference written out whole: `hf:owner/repo/file.gguf#main`, `hf:owner/repo:Q4_K_M#main` or the URL. */
export function formatModelRef(ref: ModelRef): string {
  if (ref.kind === 'url') return ref.url;
  const target = ref.file ? `/${ref.file}` : ref.quant ? `:${ref.quant}` : '';
  return `hf:${ref.repo}${target}#${ref.revision}`;
}

/** Whether a model id is something the model cache pulls (an `hf:` URI or an http(s) URL). */
export function isPullableModelId(modelId: string): boolean {
  return modelId.startsWith('hf:') || /^https?:\/\//i.test(modelId);
}
