import type { EngineKind } from '@sage/protocol';
import { parseOrThrow } from '@sage/protocol';
import { z } from 'zod';
import { flagsOfTemplate } from './engine-args.js';
import type { EngineBackend } from './engine-backend.js';
import { openAiHealthPaths, placementEnv } from './engine-env.js';
import { inlineCodeTemplateProblem } from './inline-code-template.js';

/**
 * Configuration of a custom backend (from `sage.yaml` or a manager option; never from the HTTP
 * API), in TypeScript's camelCase; `sage.yaml` writes it in snake_case
 * (`wireObject(CustomBackendOptions)`).
 */
export const CustomBackendOptions = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'),
  /**
   * argv template; each element may contain `{model}`, `{host}`, `{port}`, `{device}`, `{gpu_ids}`.
   * A placeholder fills part of one argv element (`--model={model}` is one element) and never
   * splits into several; a placeholder inside a shell's or interpreter's code string
   * (`sh -c "… {model} …"`) is refused (docs/security.md).
   */
  command: z
    .array(z.string().min(1))
    .min(1, 'command needs at least the program')
    .superRefine((command, context) => {
      const problem = inlineCodeTemplateProblem(command);
      if (problem) context.addIssue({ code: 'custom', path: [problem.index], message: problem.message });
    }),
  kinds: z
    .array(z.enum(['llm', 'embedding']))
    .min(1)
    .default(['llm', 'embedding']),
  healthPaths: z.array(z.string().startsWith('/')).min(1).optional(),
  startupTimeoutMs: z.number().int().positive().default(120_000),
  env: z.record(z.string(), z.string()).default({}),
  /** The program serves vLLM's sleep endpoints (`POST /sleep`, `POST /wake_up`): catalog engines may sleep. */
  sleepMode: z.boolean().default(false),
});
export type CustomBackendOptions = z.input<typeof CustomBackendOptions>;

const PLACEHOLDER = /\{(model|host|port|device|gpu_ids)\}/g;

/**
 * Build a backend from a named command template. Placeholders are replaced inside each argv
 * element (one template element is always one argv element); nothing goes through a shell. The
 * template's own flags are the backend's owned flags: requests cannot repeat them.
 *
 * @example
 * const echo = createCustomBackend({ name: 'llama-server', command: ['llama-server', '-m', '{model}', '--port', '{port}'] });
 */
export function createCustomBackend(input: CustomBackendOptions): EngineBackend {
  const options = parseOrThrow(CustomBackendOptions, input, `invalid custom backend '${input?.name ?? '?'}'`);
  const kinds = options.kinds as EngineKind[];
  return {
    name: options.name,
    kinds,
    ownedFlags: flagsOfTemplate(options.command),
    startupTimeoutMs: options.startupTimeoutMs,
    healthPaths: (kind) => options.healthPaths ?? openAiHealthPaths(kind),
    program: () => options.command[0],
    ...(options.sleepMode ? { sleepMode: { args: [], env: {}, level: 1 } as const } : {}),
    launch(request, placement) {
      const values: Record<string, string> = {
        model: request.modelId,
        host: placement.host,
        port: String(placement.port),
        device: placement.device,
        gpu_ids: placement.gpuIds.join(','),
      };
      const argv = options.command.map((part) =>
        part.replace(PLACEHOLDER, (_match, key: string) => values[key] ?? ''),
      );
      return { argv: [...argv, ...(request.extraArgs ?? [])], env: placementEnv(placement, options.env) };
    },
  };
}
