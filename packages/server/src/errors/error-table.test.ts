import {
  BackendUnavailableError,
  EngineNotFoundError,
  EngineStartError,
  EngineUnavailableError,
  InsufficientGpuMemoryError,
  InvalidTransitionError,
  ModelNotFoundError,
  PortUnavailableError,
  QueueFullError,
  QueueTimeoutError,
  StateDirectoryUnwritableError,
  UnknownBackendError,
  UnknownPolicyError,
} from '@sage/control-plane';
import { ValidationError } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { describeError } from './error-table.js';
import {
  AccessDeniedError,
  AuthenticationError,
  EngineUnreachableError,
  PayloadTooLargeError,
  PermissionDeniedError,
  PresetApplyError,
  UnsupportedMediaTypeError,
} from './gateway-errors.js';

describe('the error table', () => {
  it.each([
    [
      new ValidationError({ message: 'bad', path: 'messages.0.role' }),
      400,
      'invalid_value',
      'messages.0.role',
      false,
    ],
    [new ValidationError({ message: 'bad JSON' }), 400, 'invalid_value', null, false],
    [new AuthenticationError(), 401, 'invalid_api_key', null, false],
    [new PermissionDeniedError(), 403, 'insufficient_permissions', null, false],
    [new AccessDeniedError('from where'), 403, 'access_denied', null, false],
    [new UnsupportedMediaTypeError('text/plain'), 415, 'unsupported_media_type', null, false],
    [new EngineNotFoundError('engine-x'), 404, 'engine_not_found', null, false],
    [new ModelNotFoundError('m', 'llm'), 404, 'model_not_found', 'model', false],
    [new PayloadTooLargeError(10), 413, 'request_too_large', null, false],
    [new InsufficientGpuMemoryError(80, 1, { 0: 10 }), 409, 'insufficient_gpu_memory', null, false],
    [new PortUnavailableError(8001, 'taken'), 409, 'port_unavailable', null, false],
    [new BackendUnavailableError('vllm', 'missing'), 409, 'backend_unavailable', null, false],
    [new InvalidTransitionError('DRAINING', 'restart'), 409, 'invalid_state_transition', null, false],
    [new QueueFullError(8), 429, 'rate_limit_exceeded', null, true],
    [new QueueTimeoutError(100, 'm'), 503, 'queue_timeout', null, true],
    [
      new StateDirectoryUnwritableError('/var/sage/registry.json', 'EROFS'),
      503,
      'state_directory_unwritable',
      null,
      true,
    ],
    [new EngineUnavailableError('m', 'llm', 'engines-gone'), 503, 'engine_unavailable', null, true],
    [new UnknownPolicyError('x', ['fifo']), 400, 'unknown_policy', 'policy', false],
    [new UnknownBackendError('x', ['vllm']), 400, 'unknown_backend', 'backend', false],
    [new EngineStartError('engine-x', 'exited'), 502, 'engine_start_failed', null, false],
    [
      new EngineUnreachableError(['engine-x'], new Error('ECONNREFUSED')),
      502,
      'engine_unreachable',
      null,
      false,
    ],
  ])('maps %s', (error, status, code, param, retryAfter) => {
    const { mapping, param: actualParam, expected } = describeError(error);
    expect({
      status: mapping.status,
      code: mapping.code,
      param: actualParam,
      retryAfter: mapping.retryAfter ?? false,
    }).toEqual({
      status,
      code,
      param,
      retryAfter,
    });
    expect(expected).toBe(true);
  });

  it('answers anything else with 500 internal_error and hides its message', () => {
    const described = describeError(new TypeError('secret detail'));
    expect(described).toMatchObject({ mapping: { status: 500, code: 'internal_error' }, expected: false });
    expect(described.message).not.toContain('secret');
  });

  it("gives a preset failure its cause's status and keeps the message naming the engine", () => {
    const error = new PresetApplyError(
      'p',
      'chat',
      'm',
      ['engine-1'],
      new InsufficientGpuMemoryError(80, 1, {}),
    );
    const described = describeError(error);
    expect(described.mapping.status).toBe(409);
    expect(described.message).toMatch(
      /preset 'p': engine 'chat' \(model m\) failed: insufficient GPU memory.*stopped engine-1/,
    );
  });
});
