import {
  BackendUnavailableError,
  CachedModelNotFoundError,
  EngineNotFoundError,
  EngineStartError,
  EngineUnavailableError,
  InsufficientGpuMemoryError,
  InvalidTransitionError,
  ModelLoadFailedError,
  ModelLoadTimeoutError,
  ModelNotFoundError,
  ModelPullError,
  type ModelPullFailure,
  ModelTooLargeError,
  PortUnavailableError,
  QueueFullError,
  QueueTimeoutError,
  SchedulerClosedError,
  StateDirectoryUnwritableError,
  UnknownBackendError,
  UnknownCatalogModelError,
  UnknownPolicyError,
} from '@sage/control-plane';
import { ConfigValidationError, UnknownPresetError } from '@sage/presets';
import { HEADERS, ValidationError } from '@sage/protocol';
import { HTTPException } from 'hono/http-exception';
import {
  AccessDeniedError,
  AuthenticationError,
  ClientDisconnectedError,
  EngineRequestBuildError,
  EngineUnreachableError,
  PayloadTooLargeError,
  PermissionDeniedError,
  PresetApplyError,
  RouteNotFoundError,
  UnsupportedMediaTypeError,
  UnsupportedParameterError,
} from './gateway-errors.js';

/** How one error class is answered over HTTP (OpenAI's error shape). */
export interface ErrorMapping {
  status: number;
  /** OpenAI `error.type`. */
  type: string;
  /** OpenAI `error.code`. */
  code: string | null;
  /** Add `Retry-After`. */
  retryAfter?: boolean;
  /** OpenAI `error.param`: the failing field, when the error names one. */
  param?: (error: never) => string | null;
  /** Headers the error adds (e.g. the FAILED engine a 503 is about). */
  headers?: (error: never) => Record<string, string>;
}

type Row = [isInstance: (error: unknown) => boolean, mapping: ErrorMapping];

/** A model pull that failed for `reason` (docs/models.md). */
const pullFailed =
  (reason: ModelPullFailure) =>
  (error: unknown): boolean =>
    ModelPullError.isInstance(error) && error.reason === reason;

const invalid = 'invalid_request_error';
const conflict = (code: string): ErrorMapping => ({ status: 409, type: invalid, code });
const unavailable = (code: string): ErrorMapping => ({
  status: 503,
  type: 'server_error',
  code,
  retryAfter: true,
});

/**
 * The one table from error class to HTTP status and OpenAI code (STYLE G10). Classes are
 * recognised by their `isInstance` marker, so copies of a package loaded twice still match.
 * Anything not listed is an unexpected error: 500, logged with the request id.
 */
export const ERROR_TABLE: readonly Row[] = [
  [
    ValidationError.isInstance,
    {
      status: 400,
      type: invalid,
      code: 'invalid_value',
      param: (error: ValidationError) => (error.path === '' || error.path === '(root)' ? null : error.path),
    },
  ],
  [
    ConfigValidationError.isInstance,
    {
      status: 400,
      type: invalid,
      code: 'invalid_value',
      param: (error: ConfigValidationError) => error.path,
    },
  ],
  [AuthenticationError.isInstance, { status: 401, type: invalid, code: 'invalid_api_key' }],
  [PermissionDeniedError.isInstance, { status: 403, type: invalid, code: 'insufficient_permissions' }],
  [AccessDeniedError.isInstance, { status: 403, type: invalid, code: 'access_denied' }],
  [RouteNotFoundError.isInstance, { status: 404, type: invalid, code: 'unknown_url' }],
  [EngineNotFoundError.isInstance, { status: 404, type: invalid, code: 'engine_not_found' }],
  [
    ModelNotFoundError.isInstance,
    { status: 404, type: invalid, code: 'model_not_found', param: () => 'model' },
  ],
  [
    UnknownCatalogModelError.isInstance,
    { status: 404, type: invalid, code: 'model_not_found', param: () => 'model' },
  ],
  [
    UnsupportedParameterError.isInstance,
    {
      status: 400,
      type: invalid,
      code: 'unsupported_parameter',
      param: (error: UnsupportedParameterError) => error.param,
    },
  ],
  [CachedModelNotFoundError.isInstance, { status: 404, type: invalid, code: 'cached_model_not_found' }],
  [pullFailed('not-found'), { status: 404, type: invalid, code: 'model_file_not_found', param: () => 'ref' }],
  [pullFailed('unauthorized'), { status: 403, type: invalid, code: 'hub_unauthorized', param: () => 'ref' }],
  [pullFailed('hash-mismatch'), { status: 502, type: 'server_error', code: 'model_hash_mismatch' }],
  [pullFailed('disk-full'), { status: 507, type: 'server_error', code: 'insufficient_storage' }],
  [pullFailed('network'), unavailable('hub_unreachable')],
  [pullFailed('aborted'), { status: 499, type: invalid, code: 'client_closed_request' }],
  [PayloadTooLargeError.isInstance, { status: 413, type: invalid, code: 'request_too_large' }],
  [UnsupportedMediaTypeError.isInstance, { status: 415, type: invalid, code: 'unsupported_media_type' }],
  [InsufficientGpuMemoryError.isInstance, conflict('insufficient_gpu_memory')],
  [PortUnavailableError.isInstance, conflict('port_unavailable')],
  [BackendUnavailableError.isInstance, conflict('backend_unavailable')],
  [InvalidTransitionError.isInstance, conflict('invalid_state_transition')],
  [
    QueueFullError.isInstance,
    { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', retryAfter: true },
  ],
  [QueueTimeoutError.isInstance, unavailable('queue_timeout')],
  [
    EngineUnavailableError.isInstance,
    {
      ...unavailable('engine_unavailable'),
      headers: (error: EngineUnavailableError): Record<string, string> =>
        error.engineIds.length > 0 ? { [HEADERS.engineId]: error.engineIds.join(',') } : {},
    },
  ],
  [ModelLoadTimeoutError.isInstance, unavailable('model_load_timeout')],
  [
    ModelLoadFailedError.isInstance,
    {
      status: 503,
      type: 'server_error',
      code: 'model_load_failed',
      // When the next load may be tried: the failure is held against new requests until then.
      headers: (error: ModelLoadFailedError): Record<string, string> => ({
        'retry-after': String(error.retryAfterSeconds),
      }),
    },
  ],
  [ModelTooLargeError.isInstance, { status: 503, type: 'server_error', code: 'model_too_large' }],
  [SchedulerClosedError.isInstance, unavailable('service_unavailable')],
  [StateDirectoryUnwritableError.isInstance, unavailable('state_directory_unwritable')],
  [
    UnknownPolicyError.isInstance,
    { status: 400, type: invalid, code: 'unknown_policy', param: () => 'policy' },
  ],
  [
    UnknownBackendError.isInstance,
    { status: 400, type: invalid, code: 'unknown_backend', param: () => 'backend' },
  ],
  [
    UnknownPresetError.isInstance,
    { status: 400, type: invalid, code: 'unknown_preset', param: () => 'name' },
  ],
  [ClientDisconnectedError.isInstance, { status: 499, type: invalid, code: 'client_closed_request' }],
  [
    EngineRequestBuildError.isInstance,
    { status: 500, type: 'server_error', code: 'engine_request_build_failed' },
  ],
  [EngineStartError.isInstance, { status: 502, type: 'server_error', code: 'engine_start_failed' }],
  [EngineUnreachableError.isInstance, { status: 502, type: 'server_error', code: 'engine_unreachable' }],
];

/** Every error has a `code`: Hono's own HTTP exceptions get one from their status. */
function httpExceptionCode(status: number): string {
  if (status === 404) return 'not_found';
  if (status === 405) return 'method_not_allowed';
  if (status === 400) return 'invalid_request';
  return status >= 500 ? 'internal_error' : `http_${status}`;
}

const UNEXPECTED: ErrorMapping = { status: 500, type: 'server_error', code: 'internal_error' };

/** The table row for `error`, or undefined when it is not a known class. */
function lookup(error: unknown): ErrorMapping | undefined {
  for (const [isInstance, mapping] of ERROR_TABLE) if (isInstance(error)) return mapping;
  return undefined;
}

/** What the client gets for `error`: status, OpenAI fields, and whether it was expected. */
export function describeError(error: unknown): {
  mapping: ErrorMapping;
  param: string | null;
  message: string;
  expected: boolean;
  headers?: Record<string, string>;
} {
  // A preset failure answers with its cause's status, but keeps its own message (it names the engine).
  const source = PresetApplyError.isInstance(error) ? error.cause : error;
  if (error instanceof HTTPException) {
    const status = error.status;
    return {
      mapping: { status, type: status >= 500 ? 'server_error' : invalid, code: httpExceptionCode(status) },
      param: null,
      message: error.message || 'request failed',
      expected: status < 500,
    };
  }
  const mapping = lookup(source);
  const message = error instanceof Error ? error.message : String(error);
  if (!mapping) {
    return {
      mapping: PresetApplyError.isInstance(error)
        ? { ...UNEXPECTED, code: 'preset_apply_failed' }
        : UNEXPECTED,
      param: null,
      message: PresetApplyError.isInstance(error) ? message : 'internal error',
      expected: false,
    };
  }
  const param = mapping.param ? mapping.param(source as never) : null;
  const headers = mapping.headers ? mapping.headers(source as never) : undefined;
  return { mapping, param, message, expected: true, ...(headers ? { headers } : {}) };
}
