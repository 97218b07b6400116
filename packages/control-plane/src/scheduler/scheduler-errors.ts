import { errorMarker, hasMarker, SageError } from '@sage/protocol';

/**
 * Errors raised by the request scheduler. Each carries structured fields; the gateway maps them
 * to HTTP in its one error table:
 *
 * | class                    | HTTP | OpenAI code              |
 * |--------------------------|------|--------------------------|
 * | `ModelNotFoundError`     | 404  | `model_not_found`        |
 * | `QueueFullError`         | 429  | `rate_limit_exceeded`    |
 * | `QueueTimeoutError`      | 503  | (with `Retry-After`)     |
 * | `EngineUnavailableError` | 503  |                          |
 * | `SchedulerClosedError`   | 503  |                          |
 * | `SchedulingPolicyError`  | 500  |                          |
 * | `UnknownPolicyError`     | 400  | `invalid_request_error`  |
 */

const modelNotFound = errorMarker('control-plane', 'ModelNotFoundError');
/** No engine (in any status except STOPPED/FAILED) serves the model for the kind. */
export class ModelNotFoundError extends SageError {
  readonly [modelNotFound] = true;
  constructor(
    /** The requested model; undefined when the request named none and the kind has no engine. */
    readonly model: string | undefined,
    readonly kind: 'llm' | 'embedding',
  ) {
    super({
      name: 'ModelNotFoundError',
      message:
        model === undefined
          ? `no ${kind} engine is started, so there is no default ${kind} model`
          : `no ${kind} engine serves model '${model}'`,
    });
  }
  static override isInstance(error: unknown): error is ModelNotFoundError {
    return hasMarker(error, modelNotFound);
  }
}

const queueFull = errorMarker('control-plane', 'QueueFullError');
/** The request queue holds `capacity` requests already. */
export class QueueFullError extends SageError {
  readonly [queueFull] = true;
  constructor(readonly capacity: number) {
    super({ name: 'QueueFullError', message: `the request queue is full (${capacity} requests waiting)` });
  }
  static override isInstance(error: unknown): error is QueueFullError {
    return hasMarker(error, queueFull);
  }
}

const queueTimeout = errorMarker('control-plane', 'QueueTimeoutError');
/** The request waited `queueTimeoutMs` without an engine slot. */
export class QueueTimeoutError extends SageError {
  readonly [queueTimeout] = true;
  constructor(
    readonly waitedMs: number,
    readonly model: string,
  ) {
    super({
      name: 'QueueTimeoutError',
      message: `no engine for model '${model}' had capacity within ${Math.round(waitedMs)} ms`,
    });
  }
  static override isInstance(error: unknown): error is QueueTimeoutError {
    return hasMarker(error, queueTimeout);
  }
}

const engineUnavailable = errorMarker('control-plane', 'EngineUnavailableError');
/**
 * The model was known, but no engine can take the request any more: every engine serving it is
 * FAILED (`engines-failed`: 503, not 404 — the model exists, its engine needs a restart), STOPPED or
 * removed (`engines-gone`, e.g. its only engine failed to start while the
 * request waited), or was already tried for this request (`engines-excluded`, failover exhausted).
 */
export class EngineUnavailableError extends SageError {
  readonly [engineUnavailable] = true;
  constructor(
    readonly model: string,
    readonly kind: 'llm' | 'embedding',
    readonly reason: 'engines-gone' | 'engines-excluded' | 'engines-failed',
    /** The FAILED engines that serve the model (`engines-failed`): the ones to restart. */
    readonly engineIds: readonly string[] = [],
  ) {
    super({
      name: 'EngineUnavailableError',
      message:
        reason === 'engines-failed'
          ? `every ${kind} engine serving model '${model}' is FAILED (${engineIds.join(', ')}): see its last_error ` +
            `and restart it (sage llm engine restart ${engineIds[0] ?? 'ID'}, or POST /v1/management/engines/${engineIds[0] ?? 'ID'}/restart)`
          : reason === 'engines-gone'
            ? `no ${kind} engine serving model '${model}' is left (all are STOPPED, FAILED or removed)`
            : `every ${kind} engine serving model '${model}' was already tried for this request`,
    });
  }
  static override isInstance(error: unknown): error is EngineUnavailableError {
    return hasMarker(error, engineUnavailable);
  }
}

const unknownPolicy = errorMarker('control-plane', 'UnknownPolicyError');
/** A policy name (configuration, `PUT /policy`, `X-Scheduling-Policy`) that is not registered. */
export class UnknownPolicyError extends SageError {
  readonly [unknownPolicy] = true;
  constructor(
    readonly policy: string,
    readonly available: readonly string[],
  ) {
    super({
      name: 'UnknownPolicyError',
      message: `no scheduling policy '${policy}' (available: ${available.join(', ')})`,
    });
  }
  static override isInstance(error: unknown): error is UnknownPolicyError {
    return hasMarker(error, unknownPolicy);
  }
}

const schedulerClosed = errorMarker('control-plane', 'SchedulerClosedError');
/** The scheduler was closed (shutdown) while the request waited, or before it arrived. */
export class SchedulerClosedError extends SageError {
  readonly [schedulerClosed] = true;
  constructor(message = 'the request scheduler is shut down', cause?: unknown) {
    super({ name: 'SchedulerClosedError', message, cause });
  }
  static override isInstance(error: unknown): error is SchedulerClosedError {
    return hasMarker(error, schedulerClosed);
  }
}

const policyFailed = errorMarker('control-plane', 'SchedulingPolicyError');
/** A policy threw, or picked an engine that was not among its candidates (a bug in the policy). */
export class SchedulingPolicyError extends SageError {
  readonly [policyFailed] = true;
  constructor(
    readonly policy: string,
    readonly requestId: string,
    detail: string,
    cause?: unknown,
  ) {
    super({
      name: 'SchedulingPolicyError',
      message: `scheduling policy '${policy}' failed for request '${requestId}': ${detail}`,
      cause,
    });
  }
  static override isInstance(error: unknown): error is SchedulingPolicyError {
    return hasMarker(error, policyFailed);
  }
}
