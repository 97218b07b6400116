import { z } from 'zod';
import type { ExecutorDefinition } from '../executor-definition.js';
import { LocalProcessExecutor } from './local-process-executor.js';

const LocalExecutorConfig = z.strictObject({
  kind: z.literal('local'),
});

/** `executor: { kind: local }` (the default): engines are processes on this host. */
export const localExecutor = {
  kind: 'local',
  configSchema: LocalExecutorConfig,
  create: (_config, context) =>
    new LocalProcessExecutor({
      logger: context.logger,
      home: context.stateDir,
      stopTimeoutMs: context.stopTimeoutMs,
    }),
} satisfies ExecutorDefinition<typeof LocalExecutorConfig>;
