export * from './case.js';
export * from './defaults.js';
export * from './engine.js';
export * from './engine-status.js';
export * from './errors.js';
export * from './gpu.js';
export * from './openai.js';
export * from './validate.js';
