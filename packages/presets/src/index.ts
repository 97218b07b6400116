export {
  DEFAULT_PRESET_NAME,
  getBuiltinPreset,
  listBuiltinPresets,
} from './builtin-presets.js';
export { type ConfigIssue, ConfigValidationError, UnknownPresetError } from './errors.js';
export { createPresetJsonSchema, presetJsonSchema } from './json-schema.js';
export {
  loadPresetFile,
  type ParsePresetOptions,
  parsePreset,
  resolvePreset,
  validatePreset,
} from './load-preset.js';
export {
  type ConfigFormat,
  detectConfigFormat,
  type ParseWithSchemaOptions,
  parseWithSchema,
} from './load-yaml.js';
export {
  type Preset,
  type PresetEngine,
  type PresetEngineInput,
  PresetEngineSchema,
  type PresetInput,
  PresetSchema,
} from './preset-schema.js';
export {
  type ToEngineStartRequestOptions,
  toEngineStartRequest,
  toEngineStartRequests,
} from './to-engine-start-request.js';
