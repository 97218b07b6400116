// @sage/llm-core — the public door (STYLE G9). Named exports only.

export type {
  CachedModel,
  ChatCompletion,
  ChatCompletionChunk,
  ChatMessage,
  Completion,
  DownloadProgress,
  ModelEntry,
  Priority,
} from '@sage/protocol';
export { SageError } from '@sage/protocol';
export type {
  ChatInput,
  ChatOptions,
  ClientMode,
  ControlPlaneStatus,
  EmbedOptions,
  EmbedResult,
  GenerateOptions,
  PullModelOptions,
  RequestOptions,
  SamplingOptions,
  StreamOptions,
  UnifiedInferenceClientOptions,
} from './client/client-options.js';
export { UnifiedInferenceClient } from './client/unified-inference-client.js';
export { CLIENT_DEFAULTS, CLIENT_ENV } from './defaults.js';
export { SageApiError, SageConnectionError, SageTimeoutError } from './errors.js';
export {
  createManagementClient,
  type HealthWire,
  type ManagementClient,
  type ManagementClientOptions,
} from './management/management-client.js';
