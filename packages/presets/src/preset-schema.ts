import { CatalogModelList, EngineKind } from '@sage/protocol';
import { z } from 'zod';

/**
 * One engine of a preset (YAML/JSON keys are snake_case). Unknown keys are errors, so a typo
 * such as `tensor_paralel` is reported instead of silently ignored.
 */
export const PresetEngineSchema = z
  .strictObject({
    name: z
      .string()
      .min(1, 'must not be empty')
      .describe('Name of the engine within the preset (unique); the default engine label.'),
    model: z.string().min(1, 'must not be empty').describe('Model id, e.g. Qwen/Qwen2.5-0.5B-Instruct.'),
    kind: EngineKind.default('llm').describe('What the engine serves: llm (default) or embedding.'),
    backend: z
      .string()
      .min(1, 'must not be empty')
      .optional()
      .describe('Engine backend: a built-in backend (docs/engines.md) or a custom backend from sage.yaml.'),
    tensor_parallel: z
      .int()
      .min(1)
      .default(1)
      .describe('Tensor parallel size: GPUs per pipeline stage (default 1).'),
    pipeline_parallel: z.int().min(1).default(1).describe('Pipeline parallel size (default 1).'),
    port: z.int().min(1).max(65535).optional().describe('Engine port; absent: the control plane picks one.'),
    label: z.string().min(1, 'must not be empty').optional().describe('Engine label; default: the name.'),
    max_concurrent_requests: z
      .int()
      .min(1)
      .optional()
      .describe('Requests the engine serves at once; absent: the control plane default.'),
    use_gpu: z
      .boolean()
      .nullable()
      .optional()
      .describe(
        'true: allocate a GPU whatever the kind; false: never; null or absent: LLM engines get a GPU, embedding engines do not.',
      ),
    gpu_ids: z.array(z.int().min(0)).optional().describe('Pin the engine to these GPU indices.'),
    required_memory_gb: z
      .number()
      .positive()
      .optional()
      .describe('GPU memory to reserve per GPU, in GB; absent: estimated from the model.'),
    metadata: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Free-form metadata copied onto the engine.'),
    extra_args: z
      .array(z.string())
      .optional()
      .describe('Extra command-line arguments passed to the engine process.'),
  })
  .describe('One engine of the preset.');

/** Engine names must be unique within a preset; the duplicate is reported at its `name`. */
function checkUniqueEngineNames(engines: unknown[], context: z.RefinementCtx): void {
  const firstIndexByName = new Map<string, number>();
  engines.forEach((engine, index) => {
    const name = (engine as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return;
    const firstIndex = firstIndexByName.get(name);
    if (firstIndex === undefined) {
      firstIndexByName.set(name, index);
      return;
    }
    context.addIssue({
      code: 'custom',
      path: [index, 'name'],
      message: `duplicate engine name '${name}' (also engines.${firstIndex}.name)`,
    });
  });
}

/**
 * A preset file: a named set of engines to start together.
 *
 * @example
 * ```ts
 * const preset = PresetSchema.parse({
 *   version: 1,
 *   name: 'mine',
 *   engines: [{ name: 'chat', model: 'Qwen/Qwen2.5-0.5B-Instruct', backend: 'vllm' }],
 * });
 * preset.engines[0]?.kind; // 'llm'
 * ```
 */
export const PresetSchema = z
  .strictObject({
    version: z.literal(1).describe('Preset format version; always 1.'),
    name: z.string().min(1, 'must not be empty').describe('Preset name.'),
    description: z.string().optional().describe('One line shown by `sage llm preset list`.'),
    engines: z
      .array(PresetEngineSchema)
      // `when`: also check when an engine has other errors, so every problem is reported at once
      .superRefine((engines, context) => checkUniqueEngineNames(engines, context), {
        when: (payload) => Array.isArray(payload.value),
      })
      .default([])
      .describe('Engines to start, in order.'),
    models: CatalogModelList.optional().describe(
      'Models loaded on demand (the model catalog, docs/models.md), added to the gateway’s catalog.',
    ),
  })
  .superRefine(
    (preset, context) => {
      const engines = Array.isArray(preset.engines) ? preset.engines.length : 0;
      const models = Array.isArray(preset.models) ? preset.models.length : 0;
      if (engines + models === 0) {
        context.addIssue({
          code: 'custom',
          path: ['engines'],
          message: 'a preset needs at least one engine or model',
        });
      }
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )
  .meta({ title: 'sageLLM preset', description: 'A named set of engines for the sageLLM control plane.' });

/** A validated preset, defaults applied. */
export type Preset = z.output<typeof PresetSchema>;
/** A validated preset engine, defaults applied. */
export type PresetEngine = z.output<typeof PresetEngineSchema>;
/** A preset as written: fields with defaults may be left out. */
export type PresetInput = z.input<typeof PresetSchema>;
/** A preset engine as written: fields with defaults may be left out. */
export type PresetEngineInput = z.input<typeof PresetEngineSchema>;
