import { z } from 'zod';
import { ExecutorUnavailableError } from '../errors.js';
import type { EngineExecutor } from './engine-executor.js';
import type { ExecutorContext } from './executor-definition.js';
import { kubernetesExecutor } from './kubernetes/kubernetes-executor-definition.js';
import { localExecutor } from './local/local-executor-definition.js';

/** The registry of executor kinds (the one list: the sage.yaml schema and the docs derive from it). */
export const EXECUTORS = [localExecutor, kubernetesExecutor] as const;

type ConfigSchema = (typeof EXECUTORS)[number]['configSchema'];

/** `sage.yaml` `executor:` — one of the registered kinds; `{ kind: local }` when absent. */
export const ExecutorConfigSchema = z.discriminatedUnion(
  'kind',
  EXECUTORS.map((definition) => definition.configSchema) as [ConfigSchema, ...ConfigSchema[]],
);
export type ExecutorConfig = z.infer<typeof ExecutorConfigSchema>;
/** The `executor:` section as written (defaults may be left out): what {@link createExecutor} takes. */
export type ExecutorSection = z.input<typeof ExecutorConfigSchema>;

/** The names of the registered kinds. */
export function executorKinds(): string[] {
  return EXECUTORS.map((definition) => definition.kind);
}

/** Build the executor `config` names. */
export function createExecutor(
  /** Parsed here: defaults may be left out. */
  config: ExecutorSection,
  context: ExecutorContext,
): EngineExecutor {
  const definition = EXECUTORS.find((candidate) => candidate.kind === config.kind);
  if (!definition)
    throw new ExecutorUnavailableError(
      config.kind,
      `no such executor (available: ${executorKinds().join(', ')})`,
    );
  const parsed = definition.configSchema.parse(config);
  return (definition.create as (config: unknown, context: ExecutorContext) => EngineExecutor)(
    parsed,
    context,
  );
}

/** The executor a manager runs engines through: one it was given, or one built from its section. */
export function resolveExecutor(
  executor: ExecutorSection | EngineExecutor,
  context: ExecutorContext,
): EngineExecutor {
  return 'launch' in executor ? executor : createExecutor(executor, context);
}
