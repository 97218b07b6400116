import { z } from 'zod';
import { PRIORITIES } from './defaults.js';
import { EngineKind } from './engine.js';
import { hasControlCharacter, modelIdProblem } from './model-id.js';

/**
 * The model catalog (`models:` in `sage.yaml` and in presets): the models a gateway can load on
 * demand. Requests name a catalog model by `name` or one of its `aliases`; the control plane
 * starts an engine for it on the first request, unloads it after `ttl_s` idle, and evicts idle
 * engines when GPU memory is short (docs/models.md).
 */

/** Names requests use: no spaces, slashes allowed (`org/model`), at most 200 characters. */
const CatalogName = z
  .string()
  .min(1, 'must not be empty')
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/, 'letters, digits and . _ : / @ + - (no spaces)');

/** One operator-trusted argument of an engine command line. */
const TrustedArg = z
  .string()
  .min(1, 'must not be empty')
  .max(4096)
  .refine((arg) => !hasControlCharacter(arg), 'must not contain control characters (NUL, newlines, …)');

/** Where a model sits in the eviction order: the lowest priority is evicted first. */
export const CATALOG_PRIORITIES = PRIORITIES;

/** One catalog model as written (snake_case). Unknown keys are errors. */
export const CatalogModelWire = z
  .strictObject({
    name: CatalogName.describe('What requests name (the `model` field).'),
    aliases: z.array(CatalogName).default([]).describe('Other names requests may use.'),
    backend: z
      .string()
      .min(1)
      .optional()
      .describe('Engine backend: a built-in one or a custom backend from sage.yaml (default: by kind).'),
    model_id: z
      .string()
      .min(1, 'must not be empty')
      .superRefine((modelId, context) => {
        const problem = modelIdProblem(modelId);
        if (problem) context.addIssue({ code: 'custom', message: `model_id ${problem}` });
      })
      .describe('The model the engine loads, e.g. Qwen/Qwen2.5-0.5B-Instruct.'),
    kind: EngineKind.default('llm').describe('llm (default) or embedding.'),
    use_gpu: z
      .boolean()
      .nullable()
      .optional()
      .describe('true: a GPU whatever the kind; false: never; absent: LLM engines get one.'),
    tensor_parallel: z.int().min(1).default(1).describe('GPUs per engine (default 1).'),
    memory_gb: z
      .number()
      .positive()
      .optional()
      .describe('GPU memory per GPU in GB; absent: estimated from the model.'),
    ttl_s: z.int().min(0).default(0).describe('Unload after this many idle seconds; 0 (default) never.'),
    min_replicas: z.int().min(0).default(0).describe('Engines kept running even when idle (default 0).'),
    max_replicas: z.int().min(1).default(1).describe('Most engines of the model at once (default 1).'),
    priority: z.enum(CATALOG_PRIORITIES).default('normal').describe('Eviction order: lowest goes first.'),
    pinned: z.boolean().default(false).describe('Never evicted nor idle-unloaded.'),
    preload: z.boolean().default(false).describe('Start at gateway start instead of on the first request.'),
    sleep: z
      .boolean()
      .default(true)
      .describe(
        'An idle or evicted engine sleeps (keeps its process, frees its GPU memory) instead of stopping, when its backend has a sleep mode (vLLM); default true.',
      ),
    max_concurrent_requests: z.int().min(1).optional().describe('Requests one engine serves at once.'),
    args: z
      .array(TrustedArg)
      .max(64)
      .default([])
      .describe('Extra engine arguments, operator-trusted: taken from the configuration file only.'),
  })
  .superRefine((model, context) => {
    if (model.min_replicas > model.max_replicas) {
      context.addIssue({
        code: 'custom',
        path: ['min_replicas'],
        message: `min_replicas (${model.min_replicas}) exceeds max_replicas (${model.max_replicas})`,
      });
    }
    if (model.aliases.includes(model.name)) {
      context.addIssue({
        code: 'custom',
        path: ['aliases'],
        message: `'${model.name}' is the model's own name`,
      });
    }
  })
  .describe('One model the gateway loads on demand.');
export type CatalogModelWire = z.output<typeof CatalogModelWire>;
export type CatalogModelWireInput = z.input<typeof CatalogModelWire>;

/**
 * A catalog list: names and aliases are unique across the list (a duplicate is reported at its
 * own path, naming the first entry).
 */
export const CatalogModelList = z.array(CatalogModelWire).superRefine((models, context) => {
  const seen = new Map<string, string>();
  models.forEach((model, index) => {
    const names: Array<[string, (string | number)[]]> = [
      [model.name, [index, 'name']],
      ...model.aliases.map((alias, aliasIndex): [string, (string | number)[]] => [
        alias,
        [index, 'aliases', aliasIndex],
      ]),
    ];
    for (const [name, path] of names) {
      const first = seen.get(name);
      if (first !== undefined) {
        context.addIssue({
          code: 'custom',
          path,
          message: `model name '${name}' is already used by ${first}`,
        });
      } else {
        seen.set(name, `models.${index}`);
      }
    }
  });
});

/** What `/v1/models` and `GET /v1/management/models` say of a catalog model. */
export const CatalogModelState = z.enum(['loaded', 'loading', 'sleeping', 'unloaded', 'failed']);
export type CatalogModelState = z.infer<typeof CatalogModelState>;

/** One catalog model with its state (`GET /v1/management/models`). */
export const CatalogModelStatusWire = z.object({
  name: z.string(),
  aliases: z.array(z.string()),
  model_id: z.string(),
  kind: EngineKind,
  backend: z.string().nullable(),
  state: CatalogModelState,
  engine_ids: z.array(z.string()),
  replicas: z.int(),
  min_replicas: z.int(),
  max_replicas: z.int(),
  ttl_s: z.int(),
  priority: z.enum(CATALOG_PRIORITIES),
  pinned: z.boolean(),
  memory_gb: z.number().nullable(),
  last_used_at: z.string().nullable(),
  last_error: z.string().nullable(),
});
export type CatalogModelStatusWire = z.infer<typeof CatalogModelStatusWire>;

/** `GET /v1/management/catalog`: every catalog model with its state. */
export const CatalogListWire = z.object({ models: z.array(CatalogModelStatusWire) });
export type CatalogListWire = z.infer<typeof CatalogListWire>;

/**
 * A group of catalog models (`model_groups:` in sage.yaml): `together` models must run together
 * (loading one loads the others), `exclusive` models never run together (loading one unloads the
 * others first). docs/models.md.
 */
export const CatalogGroupWire = z
  .strictObject({
    name: CatalogName.describe('A name for logs and errors.'),
    mode: z
      .enum(['together', 'exclusive'])
      .describe('together: loading one member loads the others; exclusive: loading one unloads the others.'),
    members: z
      .array(CatalogName)
      .min(2, 'a group needs at least two models')
      .superRefine((members, context) => {
        members.forEach((member, index) => {
          if (members.indexOf(member) !== index)
            context.addIssue({ code: 'custom', path: [index], message: `'${member}' is listed twice` });
        });
      })
      .describe('Catalog model names (not aliases).'),
  })
  .describe('Models that must run together, or never together.');
export type CatalogGroupWire = z.output<typeof CatalogGroupWire>;

/** One problem of a group list, at its path below `model_groups`. */
export interface CatalogGroupProblem {
  path: (string | number)[];
  message: string;
}

/**
 * What is wrong with `groups` against the catalog `modelNames`: an unknown model (or an alias),
 * a group name used twice, and contradictions: two models that `together` groups tie together
 * (directly or through other members) while an `exclusive` group keeps them apart.
 */
export function catalogGroupProblems(
  modelNames: readonly string[],
  groups: readonly CatalogGroupWire[],
): CatalogGroupProblem[] {
  const problems: CatalogGroupProblem[] = [];
  const known = new Set(modelNames);
  const seen = new Map<string, number>();
  groups.forEach((group, index) => {
    const first = seen.get(group.name);
    if (first !== undefined) {
      problems.push({
        path: [index, 'name'],
        message: `group name '${group.name}' is already used by model_groups.${first}`,
      });
    } else seen.set(group.name, index);
    group.members.forEach((member, memberIndex) => {
      if (!known.has(member)) {
        problems.push({
          path: [index, 'members', memberIndex],
          message: `no catalog model '${member}' (models: ${[...known].join(', ') || 'none'})`,
        });
      }
    });
  });
  const together = togetherSets(groups);
  groups.forEach((group, index) => {
    if (group.mode !== 'exclusive') return;
    for (const [position, a] of group.members.entries()) {
      for (const b of group.members.slice(position + 1)) {
        if (together.get(a) !== undefined && together.get(a) === together.get(b)) {
          problems.push({
            path: [index, 'members'],
            message: `'${a}' and '${b}' cannot be exclusive: together groups make them run together`,
          });
        }
      }
    }
  });
  return problems;
}

/**
 * Each model's set of models it must run with (the union of the `together` groups it is in,
 * through shared members), as a map from member to one shared set.
 */
export function togetherSets(groups: readonly CatalogGroupWire[]): Map<string, ReadonlySet<string>> {
  const sets = new Map<string, Set<string>>();
  for (const group of groups) {
    if (group.mode !== 'together') continue;
    const merged = new Set<string>(group.members);
    for (const member of group.members) for (const other of sets.get(member) ?? []) merged.add(other);
    for (const member of merged) sets.set(member, merged);
  }
  return sets;
}
