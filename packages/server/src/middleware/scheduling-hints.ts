import { DEFAULT_PRIORITY, HEADERS, PRIORITIES, type Priority, ValidationError } from '@sage/protocol';
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../gateway-env.js';
import { requestHeader } from '../request/node-request.js';

const PRIORITY_SET: ReadonlySet<string> = new Set(PRIORITIES);
const PRIORITY_HEADER = HEADERS.priority.toLowerCase();
const DEADLINE_HEADER = HEADERS.sloDeadlineMs.toLowerCase();
const POLICY_HEADER = HEADERS.schedulingPolicy.toLowerCase();
const EXPLAIN_HEADER = HEADERS.explainSchedule.toLowerCase();

/**
 * Reads `X-Request-Priority` (one of `critical`, `high`, `normal`, `low`, `background`; default
 * `normal`), `X-SLO-Deadline-Ms` (a positive number), `X-Scheduling-Policy` and `X-Sage-Explain-Schedule` into
 * `c.var.hints`. A malformed header is a 400 naming the header; an unknown policy is rejected
 * by the scheduler (400 listing the policies).
 *
 * @example
 * ```ts
 * app.use('/v1/chat/completions', schedulingHints({ defaultPriority: 'normal' }));
 * ```
 */
export function schedulingHints(options: { defaultPriority?: Priority } = {}): MiddlewareHandler<GatewayEnv> {
  const defaultPriority = options.defaultPriority ?? DEFAULT_PRIORITY;
  if (!PRIORITY_SET.has(defaultPriority)) {
    throw new TypeError(`schedulingHints: defaultPriority must be one of ${PRIORITIES.join(', ')}`);
  }
  return async (c, next) => {
    const priority = requestHeader(c, PRIORITY_HEADER)?.trim().toLowerCase();
    if (priority !== undefined && !PRIORITY_SET.has(priority)) {
      throw new ValidationError({
        message: `${HEADERS.priority} must be one of ${PRIORITIES.join(', ')}, got '${priority}'`,
        path: HEADERS.priority,
      });
    }
    const deadline = requestHeader(c, DEADLINE_HEADER);
    const deadlineMs = deadline === undefined ? undefined : Number(deadline);
    if (deadlineMs !== undefined && !(Number.isFinite(deadlineMs) && deadlineMs > 0)) {
      throw new ValidationError({
        message: `${HEADERS.sloDeadlineMs} must be a positive number of milliseconds, got '${deadline}'`,
        path: HEADERS.sloDeadlineMs,
      });
    }
    const policy = requestHeader(c, POLICY_HEADER)?.trim() || undefined;
    const explain = requestHeader(c, EXPLAIN_HEADER);
    c.set('hints', {
      priority: (priority as Priority | undefined) ?? defaultPriority,
      deadlineMs,
      policy,
      explain:
        explain !== undefined && explain.trim() !== '0' && explain.trim().toLowerCase() !== 'false'
          ? true
          : undefined,
    });
    await next();
  };
}
