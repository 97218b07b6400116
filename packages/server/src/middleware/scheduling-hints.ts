import { HEADERS, PRIORITIES, type Priority, ValidationError } from '@sage/protocol';
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../gateway-env.js';

const PRIORITY_SET: ReadonlySet<string> = new Set(PRIORITIES);

/**
 * Reads `X-Request-Priority` (one of `critical`, `high`, `normal`, `low`, `background`; default
 * `normal`), `X-SLO-Deadline-Ms` (a positive number) and `X-Scheduling-Policy` into
 * `c.var.hints`. A malformed header is a 400 naming the header; an unknown policy is rejected
 * by the scheduler (400 listing the policies).
 *
 * @example
 * ```ts
 * app.use('/v1/chat/completions', schedulingHints({ defaultPriority: 'normal' }));
 * ```
 */
export function schedulingHints(options: { defaultPriority?: Priority } = {}): MiddlewareHandler<GatewayEnv> {
  const defaultPriority = options.defaultPriority ?? 'normal';
  if (!PRIORITY_SET.has(defaultPriority)) {
    throw new TypeError(`schedulingHints: defaultPriority must be one of ${PRIORITIES.join(', ')}`);
  }
  return async (c, next) => {
    const priority = c.req.header(HEADERS.priority)?.trim().toLowerCase();
    if (priority !== undefined && !PRIORITY_SET.has(priority)) {
      throw new ValidationError({
        message: `${HEADERS.priority} must be one of ${PRIORITIES.join(', ')}, got '${priority}'`,
        path: HEADERS.priority,
      });
    }
    const deadline = c.req.header(HEADERS.sloDeadlineMs);
    const deadlineMs = deadline === undefined ? undefined : Number(deadline);
    if (deadlineMs !== undefined && !(Number.isFinite(deadlineMs) && deadlineMs > 0)) {
      throw new ValidationError({
        message: `${HEADERS.sloDeadlineMs} must be a positive number of milliseconds, got '${deadline}'`,
        path: HEADERS.sloDeadlineMs,
      });
    }
    const policy = c.req.header(HEADERS.schedulingPolicy)?.trim() || undefined;
    c.set('hints', { priority: (priority as Priority | undefined) ?? defaultPriority, deadlineMs, policy });
    await next();
  };
}
