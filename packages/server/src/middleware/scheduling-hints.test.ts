import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createErrorHandler } from '../errors/on-error.js';
import type { GatewayEnv } from '../gateway-env.js';
import { schedulingHints } from './scheduling-hints.js';

function app() {
  const hono = new Hono<GatewayEnv>();
  hono.use(schedulingHints());
  hono.get('/', (c) => c.json(c.get('hints')));
  hono.onError(createErrorHandler({ logger: pino({ level: 'silent' }), retryAfterSeconds: 1 }));
  return hono;
}

describe('schedulingHints', () => {
  it('reads priority, deadline and policy headers, defaulting to normal priority', async () => {
    expect(await (await app().request('/')).json()).toEqual({ priority: 'normal' });
    const response = await app().request('/', {
      headers: {
        'x-request-priority': 'Critical',
        'x-slo-deadline-ms': '1500',
        'x-scheduling-policy': 'slo_aware',
      },
    });
    expect(await response.json()).toEqual({ priority: 'critical', deadlineMs: 1500, policy: 'slo_aware' });
  });

  it.each([
    ['x-request-priority', 'urgent'],
    ['x-slo-deadline-ms', 'soon'],
    ['x-slo-deadline-ms', '-5'],
  ])('answers a malformed %s header with 400 naming it', async (header, value) => {
    const response = await app().request('/', { headers: { [header]: value } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe(header);
  });

  it('validates its options', () => {
    expect(() => schedulingHints({ defaultPriority: 'urgent' as never })).toThrow(/defaultPriority/);
  });
});
