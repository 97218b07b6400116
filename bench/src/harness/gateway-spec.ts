import type { EngineStartOptions } from '@sage/control-plane';

/** An engine the gateway process starts (through a custom backend) before it reports ready. */
export interface EngineSpec {
  modelId: string;
  /** Custom backend name, as declared in {@link GatewaySpec.backends}. */
  backend: string;
  options?: EngineStartOptions;
}

/** A custom backend: argv template with `{host}`, `{port}`, `{model}`, `{device}` placeholders. */
export interface BackendSpec {
  name: string;
  command: string[];
}

/** What `gateway-process.ts` is asked to run; passed as JSON in `SAGE_BENCH_GATEWAY`. */
export interface GatewaySpec {
  backends: BackendSpec[];
  engines: EngineSpec[];
  /** pino level of the gateway's own log (written to the child's stdout, which the bench discards). */
  logLevel: 'info' | 'warn' | 'silent';
  /** `health` section of the gateway configuration (camelCase, as `GatewayConfig.health`). */
  health?: Record<string, number | boolean>;
  scheduling?: { policy?: string; queueCapacity?: number; queueTimeoutMs?: number };
  /** First port of the engine port range (50 ports): below the ephemeral range, away from the defaults and the tests. */
  portRangeStart: number;
  /** Mock GPUs (SAGE_DISABLE_NVML=1) for engines that ask for one. */
  mockGpuCount?: number;
  /** Memory of each mock GPU in GB (default 24). */
  mockGpuMemoryGb?: number;
  /** The model catalog (`models:` of sage.yaml, snake_case). */
  models?: Array<Record<string, unknown>>;
  /** `model_loading:` of sage.yaml (camelCase, as `GatewayConfig.modelLoading`). */
  modelLoading?: Record<string, number>;
}

/** One line the gateway process writes to its result channel (fd 3), as JSON. */
export type GatewayMessage =
  | {
      type: 'ready';
      url: string;
      pid: number;
      engines: ReadyEngine[];
      coldStartMs: number[];
      /** The gateway's local admin token, for its management routes. */
      adminToken: string | undefined;
    }
  | { type: 'state'; at: number; engineId: string; from: string; to: string; reason: string }
  | { type: 'error'; message: string };

export interface ReadyEngine {
  engineId: string;
  modelId: string;
  port: number;
  pid: number | null;
}
