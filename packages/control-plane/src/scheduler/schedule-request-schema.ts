import { PRIORITIES, parseOrThrow } from '@sage/protocol';
import { z } from 'zod';
import type { ScheduleRequest } from './scheduler-types.js';

/**
 * The shape a {@link ScheduleRequest} must have. The gateway validates headers first; this guards
 * the scheduler's own invariants (a NaN deadline would make ordering undefined).
 */
const ScheduleRequestSchema = z.object({
  requestId: z.string().min(1),
  model: z.string().min(1).optional(),
  kind: z.enum(['llm', 'embedding']),
  priority: z.enum(PRIORITIES),
  deadlineMs: z.number().positive().optional(),
  policy: z.string().min(1).optional(),
  estimatedTokens: z.number().nonnegative().optional(),
  excludeEngineIds: z.array(z.string()).readonly().optional(),
  prefixHashes: z.array(z.number().int().nonnegative()).readonly().optional(),
});

const PRIORITY_SET: ReadonlySet<string> = new Set(PRIORITIES);
const isNonEmptyString = (value: unknown): boolean => typeof value === 'string' && value.length > 0;

/**
 * True when `request` certainly satisfies {@link ScheduleRequestSchema}: a plain check on the
 * request path (every request passes here); the schema runs only when this is unsure.
 */
function isCertainlyValid(request: ScheduleRequest): boolean {
  const { deadlineMs, estimatedTokens, excludeEngineIds } = request;
  return (
    isNonEmptyString(request.requestId) &&
    (request.model === undefined || isNonEmptyString(request.model)) &&
    (request.kind === 'llm' || request.kind === 'embedding') &&
    PRIORITY_SET.has(request.priority) &&
    (deadlineMs === undefined ||
      (typeof deadlineMs === 'number' && deadlineMs > 0 && deadlineMs < Infinity)) &&
    (request.policy === undefined || isNonEmptyString(request.policy)) &&
    (estimatedTokens === undefined ||
      (typeof estimatedTokens === 'number' && estimatedTokens >= 0 && estimatedTokens < Infinity)) &&
    (excludeEngineIds === undefined ||
      (Array.isArray(excludeEngineIds) && excludeEngineIds.every((id) => typeof id === 'string'))) &&
    (request.prefixHashes === undefined ||
      (Array.isArray(request.prefixHashes) &&
        request.prefixHashes.every((hash) => Number.isInteger(hash) && hash >= 0)))
  );
}

/** @throws ValidationError naming the failing field. */
export function validateScheduleRequest(request: ScheduleRequest): void {
  if (isCertainlyValid(request)) return;
  parseOrThrow(ScheduleRequestSchema, request, 'invalid schedule request');
}
