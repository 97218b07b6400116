import type { CatalogModelWireInput, EngineKind, Priority } from '@sage/protocol';
import { CatalogModelWire, parseOrThrow } from '@sage/protocol';

/** One model of the catalog (camelCase form of `CatalogModelWire`, defaults applied). */
export interface CatalogModel {
  name: string;
  aliases: readonly string[];
  backend?: string | undefined;
  modelId: string;
  kind: EngineKind;
  useGpu?: boolean | null | undefined;
  tensorParallel: number;
  /** GPU memory per GPU in GB; undefined: estimated from the model. */
  memoryGb?: number | undefined;
  /** Idle seconds before an unload; 0: never. */
  ttlS: number;
  minReplicas: number;
  maxReplicas: number;
  priority: Priority;
  pinned: boolean;
  preload: boolean;
  /** Idle and evicted engines sleep instead of stopping when the backend has a sleep mode. */
  sleep: boolean;
  maxConcurrentRequests?: number | undefined;
  args: readonly string[];
  /**
   * True when the entry comes from an operator's file (sage.yaml, a preset on the gateway's host,
   * a built-in preset): its `args` go on the command line as they are. False (an inline preset
   * sent over the API): `args` are checked against `engines.allowed_extra_args` like `extra_args`.
   */
  trusted: boolean;
}

/**
 * Validate one catalog entry (snake_case, as in sage.yaml) and return its camelCase form.
 *
 * @example
 * ```ts
 * const model = catalogModelFromWire({ name: 'qwen', model_id: 'Qwen/Qwen2.5-0.5B-Instruct' }, { trusted: true });
 * model.ttlS; // 0
 * ```
 */
export function catalogModelFromWire(
  input: CatalogModelWireInput,
  options: { trusted: boolean },
): CatalogModel {
  const wire = parseOrThrow(CatalogModelWire, input, 'invalid catalog model');
  return {
    name: wire.name,
    aliases: wire.aliases,
    backend: wire.backend,
    modelId: wire.model_id,
    kind: wire.kind,
    useGpu: wire.use_gpu,
    tensorParallel: wire.tensor_parallel,
    memoryGb: wire.memory_gb,
    ttlS: wire.ttl_s,
    minReplicas: wire.min_replicas,
    maxReplicas: wire.max_replicas,
    priority: wire.priority,
    pinned: wire.pinned,
    preload: wire.preload,
    sleep: wire.sleep,
    maxConcurrentRequests: wire.max_concurrent_requests,
    args: wire.args,
    trusted: options.trusted,
  };
}
