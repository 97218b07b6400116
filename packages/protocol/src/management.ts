import { z } from 'zod';
import { EngineInfoWire } from './engine.js';
import { GpuStatusWire } from './gpu.js';
import { PolicyName } from './scheduling.js';

/**
 * The management API's bodies (`/v1/management/*`, snake_case on the wire), shared by the
 * gateway's routes and the clients that call them (the CLI). Engine and cluster bodies are
 * `EngineStartRequestWire`, `EngineInfoWire` and `ClusterStatusWire`.
 */

/** `GET /v1/management/engines`. */
export const EngineListWire = z.object({ engines: z.array(EngineInfoWire) });
export type EngineListWire = z.infer<typeof EngineListWire>;

/** `GET /v1/management/engines/:id/logs?tail=N`. */
export const EngineLogsWire = z.object({ engine_id: z.string(), lines: z.array(z.string()) });
export type EngineLogsWire = z.infer<typeof EngineLogsWire>;

/** `POST /v1/management/engines/prune`: the ids removed (older gateways: their count). */
export const PruneWire = z.object({ removed: z.union([z.array(z.string()), z.number()]) });
export type PruneWire = z.infer<typeof PruneWire>;

/** `GET /v1/management/gpu`. */
export const GpuListWire = z.object({ gpus: z.array(GpuStatusWire), mock: z.boolean() });
export type GpuListWire = z.infer<typeof GpuListWire>;

/** Body of `PUT /v1/management/policy`; the registry decides whether the name exists. */
export const PolicyRequestWire = z.strictObject({ policy: z.string().min(1, 'must not be empty') });
export type PolicyRequestWire = z.infer<typeof PolicyRequestWire>;

/** `GET` and `PUT /v1/management/policy`: the default policy (and, from `GET`, the registered ones). */
export const PolicyWire = z.object({ policy: z.string(), available: z.array(PolicyName).optional() });
export type PolicyWire = z.infer<typeof PolicyWire>;

/** Body of `POST /v1/management/presets/apply`: a built-in preset's `name` or an inline `preset`. */
export const PresetApplyRequestWire = z
  .strictObject({
    /** A built-in preset's name (files are read by the client and sent as `preset`). */
    name: z.string().min(1).optional(),
    /** A parsed preset file (validated by the gateway against the preset schema). */
    preset: z.record(z.string(), z.unknown()).optional(),
    rollback: z.boolean().default(true),
    timeout_ms: z.int().positive().optional(),
  })
  .refine((body) => !(body.name !== undefined && body.preset !== undefined), {
    message: "give either 'name' or 'preset', not both",
    path: ['preset'],
  });
/** What a client sends (`rollback` may be left out). */
export type PresetApplyRequestWire = z.input<typeof PresetApplyRequestWire>;

/** `POST /v1/management/presets/apply`: the applied preset, its engines and the catalog models it added. */
export const PresetApplyWire = z.object({
  preset: z.unknown(),
  engines: z.array(EngineInfoWire),
  models: z.array(z.string()).optional(),
});
export type PresetApplyWire = z.infer<typeof PresetApplyWire>;

const Percentiles = z.object({ p50: z.number().nullable(), p99: z.number().nullable() });

/**
 * Traffic of one model (or all) over the stats window: `requests_per_second` averages the last
 * 10 seconds; latencies are from arrival to the last byte, TTFT to the first streamed chunk.
 */
export const TrafficSummaryWire = z.object({
  requests: z.number().int(),
  requests_per_second: z.number(),
  errors: z.number().int(),
  errors_by_type: z.record(z.string(), z.number().int()),
  latency_ms: Percentiles,
  ttft_ms: Percentiles,
});
export type TrafficSummaryWire = z.infer<typeof TrafficSummaryWire>;

/** `GET /v1/management/stats`: the dashboard's compact traffic summary (docs/dashboard.md). */
export const ManagementStatsWire = z.object({
  window_seconds: z.number().int(),
  total: TrafficSummaryWire,
  models: z.array(TrafficSummaryWire.extend({ model: z.string() })),
  /** One point per second of the window, oldest first (`t`: Unix seconds). */
  series: z.array(z.object({ t: z.number().int(), requests: z.number().int(), errors: z.number().int() })),
  queue: z.object({ depth: z.number().int(), capacity: z.number().int() }),
  in_flight: z.number().int(),
  in_flight_by_engine: z.record(z.string(), z.number().int()),
});
export type ManagementStatsWire = z.infer<typeof ManagementStatsWire>;

/** `data` of an `engine-state-change` event of `GET /v1/management/events` (the engine after it; null once removed). */
export const EngineStateChangeEventWire = z.object({
  engine_id: z.string(),
  from: z.string(),
  to: z.string(),
  event: z.string(),
  reason: z.string(),
  engine: EngineInfoWire.nullable(),
});
export type EngineStateChangeEventWire = z.infer<typeof EngineStateChangeEventWire>;
