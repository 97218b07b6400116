/**
 * The shapes a `model_id` may take (docs/security.md). A model id reaches an engine's command
 * line, so it is checked before any backend sees it: no control characters, no whitespace, no
 * shell metacharacters, no leading `-` (it would read as a flag), and one of:
 * - a Hugging Face repository id or a known alias: `name` or `owner/name` (`sage/tiny-chat`);
 * - an `hf:` URI: `hf:owner/name`, `hf:owner/name:QUANT`, `hf:owner/name/file.gguf`, `#branch`;
 * - an `https://` URL of a model file (pulled into the model cache before the engine starts);
 * - a path: starting with `/`, `./` or `../`, or ending in `.gguf`. The control plane then checks
 *   it lies under an allowed model directory (`engines.model_dirs`).
 */

/** Longest model id accepted. */
export const MODEL_ID_MAX_LENGTH = 1024;

/** Whether `text` holds a control character (NUL, newline, tab, DEL, C1 …). */
export function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

const WHITESPACE = /\s/;
/** Characters a shell gives a meaning to (and quotes): never part of a model id. */
const SHELL_METACHARACTERS = /[;&|$`<>(){}[\]!*?~'"\\^]/;
const NAME = '[A-Za-z0-9][A-Za-z0-9._-]*';
const REPOSITORY_ID = new RegExp(`^${NAME}(/${NAME})?$`);
const HF_URI = new RegExp(`^hf:${NAME}/${NAME}((/[A-Za-z0-9._-]+)+|:[A-Za-z0-9._-]+)?(#[A-Za-z0-9._/-]+)?$`);

/** Whether a model id is an http(s) URL (the model cache pulls it; docs/models.md). */
export function isModelUrl(modelId: string): boolean {
  return /^https?:\/\//i.test(modelId);
}

/** Whether a model id names a file or directory (checked against the allowed model directories). */
export function isModelPath(modelId: string): boolean {
  if (modelId.startsWith('hf:') || isModelUrl(modelId)) return false;
  return (
    modelId.startsWith('/') ||
    modelId.startsWith('./') ||
    modelId.startsWith('../') ||
    modelId.toLowerCase().endsWith('.gguf')
  );
}

/**
 * What is wrong with a model id, or undefined when its shape is acceptable (a path still has to
 * pass the control plane's model-directory check).
 *
 * @example
 * modelIdProblem('Qwen/Qwen2.5-0.5B-Instruct'); // undefined
 * modelIdProblem('x; rm -rf ~'); // 'must not contain whitespace …'
 */
export function modelIdProblem(modelId: string): string | undefined {
  if (modelId.length > MODEL_ID_MAX_LENGTH) return `must be at most ${MODEL_ID_MAX_LENGTH} characters`;
  if (hasControlCharacter(modelId)) return 'must not contain control characters (NUL, newlines, …)';
  if (WHITESPACE.test(modelId)) return 'must not contain whitespace';
  if (SHELL_METACHARACTERS.test(modelId)) {
    return 'must not contain shell metacharacters (; & | $ ` < > ( ) { } [ ] ! * ? ~ \' " \\ ^)';
  }
  if (modelId.startsWith('-')) return "must not start with '-' (it would read as a command-line flag)";
  if (isModelPath(modelId)) return undefined;
  if (isModelUrl(modelId)) {
    try {
      new URL(modelId);
      return undefined;
    } catch {
      return 'is not a valid URL';
    }
  }
  if (modelId.split(/[/:#]/).some((part) => part === '..' || part === '.')) {
    return "must not contain '.' or '..' segments";
  }
  if (modelId.startsWith('hf:')) {
    return HF_URI.test(modelId)
      ? undefined
      : "an hf: URI is 'hf:owner/name', 'hf:owner/name:QUANT' or 'hf:owner/name/file.gguf'";
  }
  return REPOSITORY_ID.test(modelId)
    ? undefined
    : "must be a repository id ('owner/name'), a known alias, an hf: URI or a model path";
}
