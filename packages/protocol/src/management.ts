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
