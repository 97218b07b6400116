import type { Priority } from '@sage/protocol';
import type { GatewayApiKey } from './config/gateway-config.js';

/** Scheduling hints a request carries in its headers (`X-Request-Priority` …). */
export interface SchedulingHints {
  priority: Priority;
  /** `X-SLO-Deadline-Ms`: the request's deadline, relative to its arrival. */
  deadlineMs: number | undefined;
  /** `X-Scheduling-Policy`: a per-request policy override. */
  policy: string | undefined;
  /** `X-Sage-Explain-Schedule: 1`: answer with the scheduling decision in `X-Sage-Schedule`. */
  explain?: boolean | undefined;
}

/** Per-request values shared by middleware and routes (Hono's `c.var`). */
export interface GatewayVariables {
  /** The request's id: the client's `X-Request-ID`, or one the gateway generated. */
  requestId: string;
  /** `performance.now()` when the gateway began handling the request. */
  startedAt: number;
  /** The API key the request authenticated with (absent when auth is off). */
  apiKey: GatewayApiKey | undefined;
  /** Set by the scheduling-hints middleware on inference routes. */
  hints: SchedulingHints;
}

/** The Hono environment of every gateway route. */
export interface GatewayEnv {
  Variables: GatewayVariables;
}
