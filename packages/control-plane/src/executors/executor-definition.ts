import type { Logger } from 'pino';
import type { z } from 'zod';
import type { EngineExecutor } from './engine-executor.js';

/** What every executor is built with: the control plane it runs engines for. */
export interface ExecutorContext {
  /** The control plane's state directory (local: the marker engines carry; logs live under it). */
  stateDir: string;
  logger: Logger;
  /** SIGTERM → SIGKILL grace of a stop (a pod's termination grace). */
  stopTimeoutMs: number;
}

/**
 * One kind of executor: its `sage.yaml` `executor:` section (snake_case, `kind` a literal) and
 * a factory. A new executor is one file exporting such a definition plus one line below.
 */
export interface ExecutorDefinition<
  Schema extends z.ZodObject<{ kind: z.ZodLiteral<string> }> = z.ZodObject<{ kind: z.ZodLiteral<string> }>,
> {
  kind: z.infer<Schema>['kind'];
  configSchema: Schema;
  create(config: z.infer<Schema>, context: ExecutorContext): EngineExecutor;
}
