import { EngineKind } from '@sage/protocol';
import { z } from 'zod';
import {
  DEFAULT_CONTEXT_SIZE,
  DEFAULT_HOST,
  DEFAULT_PARALLEL,
  QUEUE_SLOTS_PER_PARALLEL,
  TINY_MODEL_CONTEXT_SIZE,
  TINY_MODEL_DEFAULT_MAX_TOKENS,
} from '../defaults.js';
import { parseModelSpec } from '../models/resolve-model-path.js';
import { findTinyModel } from '../models/tiny-models.js';
import type { EngineOptions } from '../server/engine-options.js';

const positiveInteger = z.coerce.number().int().positive();

/** CLI input as commander hands it over (strings), validated and coerced. */
export const EngineCliInput = z.object({
  model: z.string().min(1, 'must name a .gguf file, an hf: URI or sage/tiny-chat / sage/tiny-embed'),
  kind: EngineKind.optional(),
  host: z.string().min(1).default(DEFAULT_HOST),
  port: z.coerce.number().int().min(0).max(65535),
  device: z.enum(['cpu', 'cuda']).default('cpu'),
  threads: positiveInteger.optional(),
  contextSize: z.coerce.number().int().min(16).optional(),
  parallel: positiveInteger.default(DEFAULT_PARALLEL),
  maxQueue: z.coerce.number().int().min(0).optional(),
  servedModelName: z.string().min(1).optional(),
  modelsDir: z.string().min(1).optional(),
});
export type EngineCliInput = z.output<typeof EngineCliInput>;

export interface EngineEnvironment {
  availableCores: number;
  /** `$SAGE_HOME/models`, else `~/.sage/models`. */
  defaultModelsDirectory: string;
  defaultThreads: (availableCores: number) => number;
}

/** Check the model spec and apply defaults that depend on the model and the host. Pure. */
export function resolveEngineOptions(input: EngineCliInput, environment: EngineEnvironment): EngineOptions {
  parseModelSpec(input.model);
  const tiny = findTinyModel(input.model);
  return {
    model: input.model,
    kind: input.kind ?? tiny?.kind ?? 'llm',
    host: input.host,
    port: input.port,
    device: input.device,
    threads: input.threads ?? environment.defaultThreads(environment.availableCores),
    contextSize: input.contextSize ?? (tiny ? TINY_MODEL_CONTEXT_SIZE : DEFAULT_CONTEXT_SIZE),
    parallel: input.parallel,
    maxQueue: input.maxQueue ?? input.parallel * QUEUE_SLOTS_PER_PARALLEL,
    servedModelName: input.servedModelName ?? input.model,
    modelsDirectory: input.modelsDir ?? environment.defaultModelsDirectory,
    defaultMaxTokens: tiny ? TINY_MODEL_DEFAULT_MAX_TOKENS : undefined,
  };
}
