import { errorMarker, hasMarker, SageError } from '@sage/protocol';

/**
 * Errors raised by the control plane. Each carries structured fields; the gateway maps them to
 * HTTP in one table (404 not found, 409 resource conflicts, 400 bad input).
 */

const engineNotFound = errorMarker('control-plane', 'EngineNotFoundError');
export class EngineNotFoundError extends SageError {
  readonly [engineNotFound] = true;
  constructor(readonly engineId: string) {
    super({ name: 'EngineNotFoundError', message: `no engine '${engineId}'` });
  }
  static override isInstance(error: unknown): error is EngineNotFoundError {
    return hasMarker(error, engineNotFound);
  }
}

const insufficientGpu = errorMarker('control-plane', 'InsufficientGpuMemoryError');
export class InsufficientGpuMemoryError extends SageError {
  readonly [insufficientGpu] = true;
  constructor(
    readonly requestedGb: number,
    readonly gpuCount: number,
    /** Free memory per GPU index at the time of the request. */
    readonly freeGb: Record<number, number>,
    detail?: string,
  ) {
    const free = Object.entries(freeGb)
      .map(([index, gb]) => `GPU ${index}: ${gb.toFixed(1)} GB`)
      .join(', ');
    super({
      name: 'InsufficientGpuMemoryError',
      message: `insufficient GPU memory: asked for ${gpuCount} GPU(s) with ${requestedGb.toFixed(1)} GB each; free: ${free || 'no GPUs'}${detail ? ` (${detail})` : ''}`,
    });
  }
  static override isInstance(error: unknown): error is InsufficientGpuMemoryError {
    return hasMarker(error, insufficientGpu);
  }
}

const portUnavailable = errorMarker('control-plane', 'PortUnavailableError');
export class PortUnavailableError extends SageError {
  readonly [portUnavailable] = true;
  constructor(
    readonly port: number | null,
    reason: string,
  ) {
    super({
      name: 'PortUnavailableError',
      message: port === null ? `no free engine port: ${reason}` : `port ${port} is not available: ${reason}`,
    });
  }
  static override isInstance(error: unknown): error is PortUnavailableError {
    return hasMarker(error, portUnavailable);
  }
}

const unknownBackend = errorMarker('control-plane', 'UnknownBackendError');
export class UnknownBackendError extends SageError {
  readonly [unknownBackend] = true;
  constructor(
    readonly backend: string,
    readonly available: string[],
  ) {
    super({
      name: 'UnknownBackendError',
      message: `no engine backend '${backend}' (available: ${available.join(', ')})`,
    });
  }
  static override isInstance(error: unknown): error is UnknownBackendError {
    return hasMarker(error, unknownBackend);
  }
}

const executorUnavailable = errorMarker('control-plane', 'ExecutorUnavailableError');
/** The configured executor kind is unknown, or cannot run here (`sage.yaml` `executor.kind`). */
export class ExecutorUnavailableError extends SageError {
  readonly [executorUnavailable] = true;
  constructor(
    readonly kind: string,
    reason: string,
  ) {
    super({ name: 'ExecutorUnavailableError', message: `executor '${kind}' is not available: ${reason}` });
  }
  static override isInstance(error: unknown): error is ExecutorUnavailableError {
    return hasMarker(error, executorUnavailable);
  }
}

const backendUnavailable = errorMarker('control-plane', 'BackendUnavailableError');
/** The backend's program is missing on this host, or it cannot serve the request (e.g. wrong kind). */
export class BackendUnavailableError extends SageError {
  readonly [backendUnavailable] = true;
  constructor(
    readonly backend: string,
    reason: string,
  ) {
    super({
      name: 'BackendUnavailableError',
      message: `backend '${backend}' cannot start this engine: ${reason}`,
    });
  }
  static override isInstance(error: unknown): error is BackendUnavailableError {
    return hasMarker(error, backendUnavailable);
  }
}

const invalidTransition = errorMarker('control-plane', 'InvalidTransitionError');
export class InvalidTransitionError extends SageError {
  readonly [invalidTransition] = true;
  constructor(
    readonly from: string,
    readonly event: string,
  ) {
    super({ name: 'InvalidTransitionError', message: `engine state ${from} does not allow '${event}'` });
  }
  static override isInstance(error: unknown): error is InvalidTransitionError {
    return hasMarker(error, invalidTransition);
  }
}

const engineStartFailed = errorMarker('control-plane', 'EngineStartError');
/** An engine failed to become RUNNING (exited, or startup timed out). */
export class EngineStartError extends SageError {
  readonly [engineStartFailed] = true;
  constructor(
    readonly engineId: string,
    message: string,
    readonly logTail: string[] = [],
  ) {
    super({ name: 'EngineStartError', message });
  }
  static override isInstance(error: unknown): error is EngineStartError {
    return hasMarker(error, engineStartFailed);
  }
}

const stateDirUnwritable = errorMarker('control-plane', 'StateDirectoryUnwritableError');
/**
 * The state directory (registry, logs, port locks) cannot be written: permissions, a read-only
 * or full disk. The gateway answers 503 naming the path; what could be done was done (a stop
 * still stops), and the registry is written again once the directory is writable.
 */
export class StateDirectoryUnwritableError extends SageError {
  readonly [stateDirUnwritable] = true;
  constructor(
    readonly path: string,
    readonly reason: string,
    detail = '',
    cause?: unknown,
  ) {
    super({
      name: 'StateDirectoryUnwritableError',
      message:
        `the state directory cannot be written: ${path}: ${reason}${detail ? ` (${detail})` : ''}; ` +
        'fix its permissions or free space (SAGE_HOME names the directory)',
      cause,
    });
  }
  static override isInstance(error: unknown): error is StateDirectoryUnwritableError {
    return hasMarker(error, stateDirUnwritable);
  }
}

/** File-system failures that mean "the state directory cannot be written". */
const UNWRITABLE_CODES = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOSPC',
  'EDQUOT',
  'EISDIR',
  'ENOTDIR',
  'ENOTEMPTY',
  'EEXIST',
]);

/** A file-system error on the state directory as {@link StateDirectoryUnwritableError}; anything else as is. */
export function asStateDirectoryError(error: unknown, fallbackPath: string, detail = ''): unknown {
  if (StateDirectoryUnwritableError.isInstance(error)) {
    return detail ? new StateDirectoryUnwritableError(error.path, error.reason, detail, error) : error;
  }
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string' || !UNWRITABLE_CODES.has(code)) return error;
  const failed = error as NodeJS.ErrnoException & { dest?: string };
  const path = failed.dest ?? failed.path ?? fallbackPath;
  return new StateDirectoryUnwritableError(path, code, detail, error);
}

/** Why a model pull failed (docs/models.md); the gateway answers each with its own status. */
export type ModelPullFailure =
  /** The repository, revision or file does not exist (404), or no file matches the quantisation. */
  | 'not-found'
  /** A gated or private repository: no `HF_TOKEN`, or one without access (401/403). */
  | 'unauthorized'
  /** The bytes' SHA-256 (or size) is not what the source published. */
  | 'hash-mismatch'
  /** No space left on the cache's file system. */
  | 'disk-full'
  /** The source could not be reached, or kept failing (connection errors, 5xx) after the retries. */
  | 'network'
  /** The pull was cancelled (the engine was stopped, the client went away). */
  | 'aborted';

const modelPull = errorMarker('control-plane', 'ModelPullError');
/** A model file could not be pulled into the model cache; `reason` says why. */
export class ModelPullError extends SageError {
  readonly [modelPull] = true;
  constructor(
    readonly reason: ModelPullFailure,
    /** The reference that was pulled. */
    readonly ref: string,
    message: string,
    cause?: unknown,
  ) {
    super({ name: 'ModelPullError', message: `cannot pull ${ref}: ${message}`, cause });
  }
  static override isInstance(error: unknown): error is ModelPullError {
    return hasMarker(error, modelPull);
  }
}

const cachedModelNotFound = errorMarker('control-plane', 'CachedModelNotFoundError');
/** No model cache entry has this id (or reference). */
export class CachedModelNotFoundError extends SageError {
  readonly [cachedModelNotFound] = true;
  constructor(readonly id: string) {
    super({
      name: 'CachedModelNotFoundError',
      message: `no cached model '${id}' (sage llm model list shows the cache)`,
    });
  }
  static override isInstance(error: unknown): error is CachedModelNotFoundError {
    return hasMarker(error, cachedModelNotFound);
  }
}
