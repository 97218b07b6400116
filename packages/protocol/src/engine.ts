import { z } from 'zod';
import { fromWire } from './case.js';
import { DEFAULT_MAX_CONCURRENT_REQUESTS, PRIORITIES } from './defaults.js';
import { EngineExitClass } from './engine-exit.js';
import { EngineStatus } from './engine-status.js';
import { hasControlCharacter, modelIdProblem } from './model-id.js';
import { type DownloadProgress, DownloadProgressWire } from './models.js';
import { parseOrThrow } from './validate.js';

/** What an engine serves. */
export const EngineKind = z.enum(['llm', 'embedding']);
export type EngineKind = z.infer<typeof EngineKind>;

/** Request priority classes, highest first (SPEC section 5). */
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

const positiveInt = z.number().int().positive();

/** Most elements `extra_args` may hold, and the longest element. */
export const EXTRA_ARGS_LIMITS = { maxCount: 64, maxLength: 4096 } as const;

/** A model id: checked for shape here (see `modelIdProblem`), for paths by the control plane. */
const ModelId = z
  .string()
  .min(1, 'model_id must not be empty')
  .superRefine((modelId, context) => {
    const problem = modelIdProblem(modelId);
    if (problem) context.addIssue({ code: 'custom', message: `model_id ${problem}` });
  });

/** One command-line argument from a request: no NUL, newline or other control character. */
const ExtraArg = z
  .string()
  .min(1, 'must not be empty')
  .max(EXTRA_ARGS_LIMITS.maxLength)
  .refine((arg) => !hasControlCharacter(arg), 'must not contain control characters (NUL, newlines, …)');

/**
 * Body of `POST /v1/management/engines` (snake_case wire form).
 * `use_gpu`: unset → LLM engines get a GPU and embedding engines do not; true/false force it.
 */
export const EngineStartRequestWire = z.object({
  model_id: ModelId,
  engine_kind: EngineKind.default('llm'),
  backend: z.string().min(1).optional(),
  tensor_parallel_size: positiveInt.default(1),
  pipeline_parallel_size: positiveInt.default(1),
  port: z.number().int().min(1).max(65535).optional(),
  max_concurrent_requests: positiveInt.default(DEFAULT_MAX_CONCURRENT_REQUESTS),
  required_memory_gb: z.number().positive().optional(),
  gpu_ids: z.array(z.number().int().nonnegative()).optional(),
  engine_label: z.string().min(1).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  /** Checked against the backend's allow-list by the control plane (docs/security.md). */
  extra_args: z.array(ExtraArg).max(EXTRA_ARGS_LIMITS.maxCount).optional(),
  use_gpu: z.boolean().nullable().optional(),
});
export type EngineStartRequestWire = z.input<typeof EngineStartRequestWire>;

/** camelCase form of an engine start request, as used in TypeScript. */
export interface EngineStartRequest {
  modelId: string;
  engineKind: EngineKind;
  backend?: string | undefined;
  tensorParallelSize: number;
  pipelineParallelSize: number;
  port?: number | undefined;
  maxConcurrentRequests: number;
  requiredMemoryGb?: number | undefined;
  gpuIds?: number[] | undefined;
  engineLabel?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
  extraArgs?: string[] | undefined;
  useGpu?: boolean | null | undefined;
}

/** Engine description returned by the management API (snake_case wire form). */
export const EngineInfoWire = z.object({
  engine_id: z.string(),
  model_id: z.string(),
  engine_kind: EngineKind,
  backend: z.string(),
  status: EngineStatus,
  host: z.string(),
  port: z.number().int(),
  gpu_ids: z.array(z.number().int()),
  device: z.enum(['cpu', 'cuda']),
  pid: z.number().int().nullable(),
  command: z.array(z.string()),
  env: z.record(z.string(), z.string()),
  restart_count: z.number().int(),
  last_exit_code: z.number().int().nullable(),
  /** The signal that ended the last process, e.g. `SIGKILL` (null when it exited with a code). */
  last_exit_signal: z.string().nullable().optional(),
  /** How the last process ended (see {@link EngineExitClass}); null while none has ended. */
  last_exit_class: EngineExitClass.nullable().optional(),
  last_error: z.string().nullable(),
  log_path: z.string().nullable(),
  engine_label: z.string().nullable(),
  max_concurrent_requests: z.number().int(),
  reserved_memory_gb: z.number(),
  created_at: z.string(),
  uptime_seconds: z.number(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  /** While DOWNLOADING: how far the model file is (docs/models.md). */
  download: DownloadProgressWire.nullable().optional(),
});
export type EngineInfoWire = z.infer<typeof EngineInfoWire>;

/** camelCase form of {@link EngineInfoWire}. */
export interface EngineInfo {
  engineId: string;
  modelId: string;
  engineKind: EngineKind;
  backend: string;
  status: EngineStatus;
  host: string;
  port: number;
  gpuIds: number[];
  device: 'cpu' | 'cuda';
  pid: number | null;
  command: string[];
  env: Record<string, string>;
  restartCount: number;
  lastExitCode: number | null;
  lastExitSignal?: string | null | undefined;
  lastExitClass?: EngineExitClass | null | undefined;
  lastError: string | null;
  logPath: string | null;
  engineLabel: string | null;
  maxConcurrentRequests: number;
  reservedMemoryGb: number;
  createdAt: string;
  uptimeSeconds: number;
  metadata?: Record<string, unknown> | undefined;
  download?: DownloadProgress | null | undefined;
}

/** Validate a wire (snake_case) engine start request and return its camelCase form with defaults applied. */
export function parseEngineStartRequest(input: unknown): EngineStartRequest {
  return fromWire<EngineStartRequest>(
    parseOrThrow(EngineStartRequestWire, input, 'invalid engine start request'),
  );
}
