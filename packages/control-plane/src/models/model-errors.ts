import { errorMarker, hasMarker, SageError } from '@sage/protocol';

/**
 * Errors of on-demand models. The gateway maps them in its one error table:
 *
 * | class                    | HTTP | note |
 * |--------------------------|------|------|
 * | `ModelLoadFailedError`   | 503  | `Retry-After`: when the next load may be tried |
 * | `ModelLoadTimeoutError`  | 503  | `Retry-After` |
 * | `ModelTooLargeError`     | 503  | names the model and the memory it needs |
 * | `UnknownCatalogModelError` | 404 | lists the catalog's models |
 */

const loadFailed = errorMarker('control-plane', 'ModelLoadFailedError');
/** The engine of a catalog model could not be started; every request waiting for it gets this. */
export class ModelLoadFailedError extends SageError {
  readonly [loadFailed] = true;
  constructor(
    readonly model: string,
    readonly reason: string,
    /** Seconds until a request may trigger the next load attempt. */
    readonly retryAfterSeconds: number,
    cause?: unknown,
  ) {
    super({
      name: 'ModelLoadFailedError',
      message: `model '${model}' could not be loaded: ${reason}`,
      cause,
    });
  }
  static override isInstance(error: unknown): error is ModelLoadFailedError {
    return hasMarker(error, loadFailed);
  }
}

const loadTimeout = errorMarker('control-plane', 'ModelLoadTimeoutError');
/** A request waited `waitedMs` for its model to load (the load goes on). */
export class ModelLoadTimeoutError extends SageError {
  readonly [loadTimeout] = true;
  constructor(
    readonly model: string,
    readonly waitedMs: number,
  ) {
    super({
      name: 'ModelLoadTimeoutError',
      message: `model '${model}' was still loading after ${Math.round(waitedMs)} ms (models.load_timeout_ms); retry later`,
    });
  }
  static override isInstance(error: unknown): error is ModelLoadTimeoutError {
    return hasMarker(error, loadTimeout);
  }
}

const tooLarge = errorMarker('control-plane', 'ModelTooLargeError');
/** No eviction can make room: the model needs more than the GPUs can ever give it. */
export class ModelTooLargeError extends SageError {
  readonly [tooLarge] = true;
  constructor(
    readonly model: string,
    readonly gbPerGpu: number,
    readonly gpuCount: number,
    detail: string,
  ) {
    super({
      name: 'ModelTooLargeError',
      message: `model '${model}' needs ${gbPerGpu.toFixed(1)} GB on each of ${gpuCount} GPU(s), which can never fit: ${detail}`,
    });
  }
  static override isInstance(error: unknown): error is ModelTooLargeError {
    return hasMarker(error, tooLarge);
  }
}

const unknownModel = errorMarker('control-plane', 'UnknownCatalogModelError');
/** A management call named a model the catalog does not have. */
export class UnknownCatalogModelError extends SageError {
  readonly [unknownModel] = true;
  constructor(
    readonly model: string,
    readonly available: readonly string[],
  ) {
    super({
      name: 'UnknownCatalogModelError',
      message: `no catalog model '${model}' (available: ${available.join(', ') || 'none; add models: to sage.yaml'})`,
    });
  }
  static override isInstance(error: unknown): error is UnknownCatalogModelError {
    return hasMarker(error, unknownModel);
  }
}
