import { PRIORITIES, parseOrThrow } from '@sage/protocol';
import { z } from 'zod';
import type { ScheduleRequest } from './scheduler-types.js';

/**
 * The shape a {@link ScheduleRequest} must have. The gateway validates headers first; this guards
 * the scheduler's own invariants (a NaN deadline would make ordering undefined).
 */
export const ScheduleRequestSchema = z.object({
  requestId: z.string().min(1),
  model: z.string().min(1).optional(),
  kind: z.enum(['llm', 'embedding']),
  priority: z.enum(PRIORITIES),
  deadlineMs: z.number().positive().optional(),
  policy: z.string().min(1).optional(),
  estimatedTokens: z.number().nonnegative().optional(),
  excludeEngineIds: z.array(z.string()).readonly().optional(),
});

/** @throws ValidationError naming the failing field. */
export function validateScheduleRequest(request: ScheduleRequest): void {
  parseOrThrow(ScheduleRequestSchema, request, 'invalid schedule request');
}
