import { errorMarker, hasMarker, SageError } from '@sage/protocol';

/** Errors of the engine process. The bin prints their message and exits non-zero. */

const modelSpecMarker = errorMarker('ModelSpecError');
/** `--model` names nothing this engine can load. */
export class ModelSpecError extends SageError {
  readonly [modelSpecMarker] = true;
  constructor(
    readonly spec: string,
    reason: string,
    cause?: unknown,
  ) {
    super({ name: 'ModelSpecError', message: `cannot load model '${spec}': ${reason}`, cause });
  }
  static override isInstance(error: unknown): error is ModelSpecError {
    return hasMarker(error, modelSpecMarker);
  }
}

const cudaUnavailableMarker = errorMarker('CudaUnavailableError');
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

const queueFullMarker = errorMarker('QueueFullError');
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
