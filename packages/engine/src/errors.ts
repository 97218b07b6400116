import { errorMarker, hasMarker, SageError } from '@sage/protocol';

/** Errors of the engine process. The bin prints their message and exits non-zero. */

const modelSpecMarker = errorMarker('engine', 'ModelSpecError');
/**
 * `--model` names nothing this engine can load: `unrecognized` (not a form it knows: a usage
 * error) or `not-found` (a missing file, an `hf:` URI that cannot be fetched).
 */
export class ModelSpecError extends SageError {
  readonly [modelSpecMarker] = true;
  constructor(
    readonly spec: string,
    reason: string,
    cause?: unknown,
    readonly problem: 'unrecognized' | 'not-found' = 'not-found',
  ) {
    super({ name: 'ModelSpecError', message: `cannot load model '${spec}': ${reason}`, cause });
  }
  static override isInstance(error: unknown): error is ModelSpecError {
    return hasMarker(error, modelSpecMarker);
  }
}

const modelFileMarker = errorMarker('engine', 'ModelFileError');
/** The model file exists but is not a model llama.cpp can load (bad GGUF header, truncated, garbage). */
export class ModelFileError extends SageError {
  readonly [modelFileMarker] = true;
  constructor(
    readonly path: string,
    reason: string,
    cause?: unknown,
  ) {
    super({ name: 'ModelFileError', message: `model file ${path} cannot be loaded: ${reason}`, cause });
  }
  static override isInstance(error: unknown): error is ModelFileError {
    return hasMarker(error, modelFileMarker);
  }
}

const cudaUnavailableMarker = errorMarker('engine', 'CudaUnavailableError');
/** `--device cuda` was asked for and CUDA cannot be used. The engine never falls back to CPU. */
export class CudaUnavailableError extends SageError {
  readonly [cudaUnavailableMarker] = true;
  constructor(reason: string, cause?: unknown) {
    super({
      name: 'CudaUnavailableError',
      message:
        `CUDA is unavailable: ${reason}. The engine was started with --device cuda and does not fall back to CPU. ` +
        'Install node-llama-cpp\'s CUDA build on this host: remove "@node-llama-cpp/linux-x64-cuda" and ' +
        '"@node-llama-cpp/linux-x64-cuda-ext" from ignoredOptionalDependencies in pnpm-workspace.yaml and run ' +
        '`pnpm install` (or `npm install @node-llama-cpp/linux-x64-cuda@3.21.1`), with an NVIDIA driver and CUDA ' +
        'runtime present; or start the engine with --device cpu. See docs/engines.md.',
      cause,
    });
  }
  static override isInstance(error: unknown): error is CudaUnavailableError {
    return hasMarker(error, cudaUnavailableMarker);
  }
}

const queueFullMarker = errorMarker('engine', 'QueueFullError');
/** Every slot is busy and the wait queue is full: the request is rejected (HTTP 429). */
export class QueueFullError extends SageError {
  readonly [queueFullMarker] = true;
  constructor(
    readonly running: number,
    readonly waiting: number,
  ) {
    super({
      name: 'QueueFullError',
      message: `engine is at capacity: ${running} request(s) running and ${waiting} waiting; retry later`,
    });
  }
  static override isInstance(error: unknown): error is QueueFullError {
    return hasMarker(error, queueFullMarker);
  }
}

const promptTooLongMarker = errorMarker('engine', 'PromptTooLongError');
/**
 * A prompt that cannot fit the model's context, found before (or while) it is tokenised in
 * bounded chunks (HTTP 400, `context_length_exceeded`). `promptTokens` is a lower bound.
 */
export class PromptTooLongError extends SageError {
  readonly [promptTooLongMarker] = true;
  constructor(
    readonly contextSize: number,
    readonly promptTokens: number,
    /** The request field, e.g. `input.2` (null: the whole prompt). */
    readonly param: string | null = null,
  ) {
    super({
      name: 'PromptTooLongError',
      message: `This model's maximum context length is ${contextSize} tokens. However, your prompt has at least ${promptTokens} tokens. Please reduce the length of the prompt.`,
    });
  }
  static override isInstance(error: unknown): error is PromptTooLongError {
    return hasMarker(error, promptTooLongMarker);
  }
}
