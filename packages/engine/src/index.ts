/**
 * `@sage/engine`: the sageLLM engine process. The control plane spawns its `sage-engine` bin and
 * never imports this package; these exports are for embedding the engine or its GGUF writer.
 */

export { defaultThreads } from './defaults.js';
export { CudaUnavailableError, ModelSpecError, QueueFullError } from './errors.js';
export { type GgufFile, type GgufTensor, type GgufValue, writeGguf } from './gguf/gguf-writer.js';
export { type TinyLlamaModelOptions, tinyLlamaModel } from './gguf/tiny-llama-model.js';
export { ensureTinyModel, tinyModelBytes } from './models/ensure-tiny-model.js';
export { type ModelSpec, parseModelSpec, resolveModelPath } from './models/resolve-model-path.js';
export { findTinyModel, TINY_MODELS, type TinyModel } from './models/tiny-models.js';
export type { EngineOptions } from './server/engine-options.js';
export { type RunningEngine, type StartEngineDependencies, startEngine } from './server/start-engine.js';
