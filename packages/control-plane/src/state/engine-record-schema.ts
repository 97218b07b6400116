import {
  EngineExitClass,
  type EngineStartRequest,
  EngineStartRequestWire,
  EngineStatus,
  fromWire,
  snakeToCamel,
  toWire,
} from '@sage/protocol';
import { z } from 'zod';
import type { EngineRecord } from './engine-record.js';

/** An engine start request as a record stores it (camelCase), checked against the wire schema. */
const StoredStartRequest = z
  .record(z.string(), z.unknown())
  .transform((value, context): EngineStartRequest => {
    const parsed = EngineStartRequestWire.safeParse(toWire(value));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        context.addIssue({
          code: 'custom',
          message: issue.message,
          path: issue.path.map((part) => (typeof part === 'string' ? snakeToCamel(part) : part)),
        });
      }
      return z.NEVER;
    }
    return fromWire<EngineStartRequest>(parsed.data);
  });

/** Fields added after version 1 first shipped have defaults, so older files still load. */
const StoredRecord = z.object({
  // Ids name log files: no separators, nothing a path could climb out with.
  engineId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'an engine id is letters, digits, . _ -'),
  request: StoredStartRequest,
  backend: z.string().min(1),
  status: EngineStatus,
  host: z.string().min(1),
  port: z.number().int().min(0).max(65_535),
  gpuIds: z.array(z.number().int().nonnegative()),
  device: z.enum(['cpu', 'cuda']),
  reservedMemoryGbPerGpu: z.number().nonnegative(),
  pid: z.number().int().positive().nullable(),
  command: z.array(z.string()),
  env: z.record(z.string(), z.string()),
  logPath: z.string().min(1),
  restartCount: z.number().int().nonnegative(),
  lastExitCode: z.number().int().nullable(),
  lastExitSignal: z.string().nullable().default(null),
  lastExitClass: EngineExitClass.nullable().default(null),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  spawnedAt: z.number().nullable(),
  resourcesHeld: z.boolean(),
  launchNonce: z.string().min(1).nullable().default(null),
  processStart: z.string().min(1).nullable().default(null),
  generation: z.string().min(1).nullable().default(null),
  executorHandle: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]))
    .nullable()
    .default(null),
  address: z
    .object({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65_535),
      baseUrl: z.string().min(1),
    })
    .nullable()
    .default(null),
});

/**
 * One engine record in `registry.json`, as the control plane uses it. A record written before
 * executors gets the local executor's handle from its pid, start time and command line.
 */
export const EngineRecordSchema = StoredRecord.transform(
  (record): EngineRecord =>
    record.executorHandle !== null || record.pid === null
      ? record
      : {
          ...record,
          executorHandle: { pid: record.pid, processStart: record.processStart, command: record.command },
        },
) satisfies z.ZodType<EngineRecord, unknown>;

/** The first issue of a failed parse as `field: message` (the field path in dots). */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}
