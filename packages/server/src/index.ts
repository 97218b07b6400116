// @sage/server — the public door (STYLE G9). Named exports only.

/** The registered scheduling policies, for callers that load the server only (the CLI). */
export { schedulingPolicyNames } from '@sage/control-plane';
/** The built-in preset an embedded gateway starts when none is given (`@sage/llm-core`). */
export { DEFAULT_PRESET_NAME } from '@sage/presets';

export { ensureLocalAdminToken, localAdminTokenPath } from './auth/local-admin-token.js';
export type {
  GatewayApiKey,
  GatewayConfig,
  GatewayEnginesConfig,
  GatewayHealthConfig,
  GatewayProxyConfig,
  GatewaySchedulingConfig,
  GatewaySecurityConfig,
} from './config/gateway-config.js';
export { ApiKeySchema, type GatewayConfigFile, GatewayConfigSchema } from './config/gateway-config-schema.js';
export { createGatewayConfigJsonSchema } from './config/json-schema.js';
export { loadGatewayConfig, parseGatewayConfig } from './config/load-gateway-config.js';
export { toManagerOptions } from './config/manager-options.js';
export { defaultGatewayConfig, resolveGatewayConfig } from './config/resolve-gateway-config.js';
export {
  type CreateGatewayOptions,
  closeGateway,
  createGateway,
  gatewayAdminToken,
} from './create-gateway.js';
export { GATEWAY_DEFAULTS, type GatewayDefaults } from './defaults.js';
export { ERROR_TABLE, type ErrorMapping } from './errors/error-table.js';
export {
  AccessDeniedError,
  AuthenticationError,
  ClientDisconnectedError,
  EngineRequestBuildError,
  EngineUnreachableError,
  GatewayStartAbortedError,
  InsecureBindError,
  PayloadTooLargeError,
  PermissionDeniedError,
  PresetApplyError,
  RouteNotFoundError,
  UnsupportedMediaTypeError,
  UnsupportedParameterError,
} from './errors/gateway-errors.js';
export type { GatewayEnv, GatewayVariables, SchedulingHints } from './gateway-env.js';
export { createGatewayLogger } from './gateway-logger.js';
export { GatewayMetrics, type InferenceObservation } from './metrics/gateway-metrics.js';
export {
  isLoopbackAddress,
  type ManagementGuardOptions,
  managementGuard,
} from './middleware/management-guard.js';
export { type AppliedPreset, type ApplyPresetOptions, applyPreset } from './presets/apply-preset.js';
export { type RunningGateway, type StartGatewayOptions, startGateway } from './serve.js';
