import { errorMarker, hasMarker, SageError } from '@sage/protocol';

/**
 * Errors the gateway itself raises. Each maps to one row of the error table
 * (`error-table.ts`); the control plane's and the scheduler's errors are mapped there too.
 */

const authentication = errorMarker('server', 'AuthenticationError');
/** No API key, or one the gateway does not know (HTTP 401). */
export class AuthenticationError extends SageError {
  readonly [authentication] = true;
  constructor(
    message = 'missing or invalid API key: send Authorization: Bearer <key> (or x-api-key: <key>)',
  ) {
    super({ name: 'AuthenticationError', message });
  }
  static override isInstance(error: unknown): error is AuthenticationError {
    return hasMarker(error, authentication);
  }
}

const permissionDenied = errorMarker('server', 'PermissionDeniedError');
/** A valid key that may not call this route: management routes need an admin key (HTTP 403). */
export class PermissionDeniedError extends SageError {
  readonly [permissionDenied] = true;
  constructor(message = 'this API key is not an admin key; /v1/management routes need one') {
    super({ name: 'PermissionDeniedError', message });
  }
  static override isInstance(error: unknown): error is PermissionDeniedError {
    return hasMarker(error, permissionDenied);
  }
}

const accessDenied = errorMarker('server', 'AccessDeniedError');
/**
 * A management request from where management is not allowed (HTTP 403): a browser page outside
 * the CORS allow-list, and without API keys a non-loopback peer or a `Host` that is not a
 * loopback name or a configured host (DNS rebinding). The message says which and how to allow it.
 */
export class AccessDeniedError extends SageError {
  readonly [accessDenied] = true;
  constructor(message: string) {
    super({ name: 'AccessDeniedError', message });
  }
  static override isInstance(error: unknown): error is AccessDeniedError {
    return hasMarker(error, accessDenied);
  }
}

const unsupportedMediaType = errorMarker('server', 'UnsupportedMediaTypeError');
/** A management request body that is not `Content-Type: application/json` (HTTP 415). */
export class UnsupportedMediaTypeError extends SageError {
  readonly [unsupportedMediaType] = true;
  constructor(readonly contentType: string | undefined) {
    super({
      name: 'UnsupportedMediaTypeError',
      message: `management request bodies must be sent with Content-Type: application/json (got ${contentType ? `'${contentType}'` : 'none'})`,
    });
  }
  static override isInstance(error: unknown): error is UnsupportedMediaTypeError {
    return hasMarker(error, unsupportedMediaType);
  }
}

const payloadTooLarge = errorMarker('server', 'PayloadTooLargeError');
/** A request body over the configured limit (HTTP 413). */
export class PayloadTooLargeError extends SageError {
  readonly [payloadTooLarge] = true;
  constructor(readonly limitBytes: number) {
    super({ name: 'PayloadTooLargeError', message: `the request body is larger than ${limitBytes} bytes` });
  }
  static override isInstance(error: unknown): error is PayloadTooLargeError {
    return hasMarker(error, payloadTooLarge);
  }
}

const routeNotFound = errorMarker('server', 'RouteNotFoundError');
/** No route for this method and path (HTTP 404). */
export class RouteNotFoundError extends SageError {
  readonly [routeNotFound] = true;
  constructor(
    readonly method: string,
    readonly path: string,
  ) {
    super({ name: 'RouteNotFoundError', message: `invalid URL (${method} ${path})` });
  }
  static override isInstance(error: unknown): error is RouteNotFoundError {
    return hasMarker(error, routeNotFound);
  }
}

const engineUnreachable = errorMarker('server', 'EngineUnreachableError');
/** Every engine tried refused or dropped the connection before answering (HTTP 502). */
export class EngineUnreachableError extends SageError {
  readonly [engineUnreachable] = true;
  constructor(
    readonly engineIds: readonly string[],
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super({
      name: 'EngineUnreachableError',
      message: `no engine answered (tried ${engineIds.join(', ')}): ${detail}`,
      cause,
    });
  }
  static override isInstance(error: unknown): error is EngineUnreachableError {
    return hasMarker(error, engineUnreachable);
  }
}

const engineRequestBuild = errorMarker('server', 'EngineRequestBuildError');
/**
 * The gateway could not build the request for an engine (HTTP 500). Nothing was sent, so it is
 * the gateway's failure, never counted against the engine.
 */
export class EngineRequestBuildError extends SageError {
  readonly [engineRequestBuild] = true;
  constructor(
    readonly modelId: string,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super({
      name: 'EngineRequestBuildError',
      message: `the gateway could not build the request for model ${modelId}: ${detail}`,
      cause,
    });
  }
  static override isInstance(error: unknown): error is EngineRequestBuildError {
    return hasMarker(error, engineRequestBuild);
  }
}

const presetApply = errorMarker('server', 'PresetApplyError');
/**
 * One engine of a preset could not be started or did not become ready. The HTTP status is the
 * cause's (409 for a GPU or port conflict, 502 when the engine failed to start).
 */
export class PresetApplyError extends SageError {
  readonly [presetApply] = true;
  constructor(
    readonly preset: string,
    /** The preset engine's `name`. */
    readonly engineName: string,
    readonly modelId: string,
    /** Engines this application started and then stopped again. */
    readonly rolledBack: readonly string[],
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    const rollback = rolledBack.length > 0 ? `; stopped ${rolledBack.join(', ')}` : '';
    super({
      name: 'PresetApplyError',
      message: `preset '${preset}': engine '${engineName}' (model ${modelId}) failed: ${detail}${rollback}`,
      cause,
    });
  }
  static override isInstance(error: unknown): error is PresetApplyError {
    return hasMarker(error, presetApply);
  }
}

const clientDisconnected = errorMarker('server', 'ClientDisconnectedError');
/** The client went away before its answer was ready (logged as 499; nobody reads the body). */
export class ClientDisconnectedError extends SageError {
  readonly [clientDisconnected] = true;
  constructor(cause?: unknown) {
    super({ name: 'ClientDisconnectedError', message: 'the client closed the connection', cause });
  }
  static override isInstance(error: unknown): error is ClientDisconnectedError {
    return hasMarker(error, clientDisconnected);
  }
}

const startAborted = errorMarker('server', 'GatewayStartAbortedError');
/** `startGateway`'s signal was aborted during start-up: the gateway and its engines were stopped. */
export class GatewayStartAbortedError extends SageError {
  readonly [startAborted] = true;
  constructor() {
    super({
      name: 'GatewayStartAbortedError',
      message: 'the gateway start was aborted: the gateway and its engines were stopped',
    });
  }
  static override isInstance(error: unknown): error is GatewayStartAbortedError {
    return hasMarker(error, startAborted);
  }
}

const insecureBind = errorMarker('server', 'InsecureBindError');
/** The gateway was asked to listen on a non-loopback address without API keys. */
export class InsecureBindError extends SageError {
  readonly [insecureBind] = true;
  constructor(readonly host: string) {
    super({
      name: 'InsecureBindError',
      message: `refusing to listen on ${host} without API keys: set SAGE_API_KEYS or api_keys in sage.yaml, or pass insecure: true (--insecure) if the network is trusted`,
    });
  }
  static override isInstance(error: unknown): error is InsecureBindError {
    return hasMarker(error, insecureBind);
  }
}

const unsupportedParameter = errorMarker('server', 'UnsupportedParameterError');
/**
 * A request parameter the gateway cannot serve on this route (HTTP 400, `code:
 * unsupported_parameter`, `param` names it): e.g. `tools` on `/v1/responses` translated to chat
 * completions, or `previous_response_id` (the gateway stores no responses).
 */
export class UnsupportedParameterError extends SageError {
  readonly [unsupportedParameter] = true;
  readonly param: string;
  constructor(param: string, message: string) {
    super({ name: 'UnsupportedParameterError', message: `${param}: ${message}` });
    this.param = param;
  }
  static override isInstance(error: unknown): error is UnsupportedParameterError {
    return hasMarker(error, unsupportedParameter);
  }
}
