import { z } from 'zod';
import { EngineInfoWire } from './engine.js';

/** One GPU as the control plane sees it (snake_case wire form). */
export const GpuStatusWire = z.object({
  index: z.number().int(),
  name: z.string(),
  uuid: z.string().nullable(),
  memory_total_gb: z.number(),
  /** Memory the driver reports as used (all processes). */
  memory_used_gb: z.number(),
  /** Memory reserved by the control plane for engines that have not yet shown up in `memory_used_gb`. */
  memory_reserved_gb: z.number(),
  /** `total - max(used, reserved accounting)`: what a new engine may still take. */
  memory_free_gb: z.number(),
  utilization_percent: z.number().nullable(),
  engine_ids: z.array(z.string()),
  mock: z.boolean(),
});
export type GpuStatusWire = z.infer<typeof GpuStatusWire>;

export interface GpuStatus {
  index: number;
  name: string;
  uuid: string | null;
  memoryTotalGb: number;
  memoryUsedGb: number;
  memoryReservedGb: number;
  memoryFreeGb: number;
  utilizationPercent: number | null;
  engineIds: string[];
  mock: boolean;
}

/** `GET /v1/management/status` body. */
export const ClusterStatusWire = z.object({
  engines: z.array(EngineInfoWire),
  gpus: z.array(GpuStatusWire),
  scheduling_policy: z.string().optional(),
  queue: z.object({ depth: z.number().int(), capacity: z.number().int() }).optional(),
  engine_counts: z.record(z.string(), z.number().int()),
});
export type ClusterStatusWire = z.infer<typeof ClusterStatusWire>;
