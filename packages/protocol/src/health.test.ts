import { describe, expect, it } from 'vitest';
import type { EngineStatus } from './engine-status.js';
import { GatewayHealthWire, gatewayHealthOf, HEALTH_HTTP_STATUS } from './health.js';

const engines = (...statuses: EngineStatus[]) =>
  statuses.map((status, index) => ({ engineId: `e${index}`, modelId: `m${index}`, status }));

describe('gatewayHealthOf', () => {
  it.each([
    [[], 'unavailable'],
    [['RUNNING'], 'ok'],
    [['RUNNING', 'STOPPED'], 'ok'],
    [['RUNNING', 'STARTING'], 'degraded'],
    [['RUNNING', 'FAILED'], 'degraded'],
    [['UNHEALTHY', 'RUNNING'], 'degraded'],
    [['FAILED'], 'unavailable'],
    [['STARTING', 'RESTARTING'], 'unavailable'],
    [['STOPPED'], 'unavailable'],
  ] as const)('%j is %s', (statuses, expected) => {
    const health = gatewayHealthOf(engines(...statuses));
    expect(health.status).toBe(expected);
    expect(GatewayHealthWire.parse(health)).toEqual(health);
  });

  it('lists every engine with its state and model, and counts the running ones', () => {
    expect(gatewayHealthOf(engines('RUNNING', 'FAILED'))).toEqual({
      status: 'degraded',
      engines_running: 1,
      engines_total: 2,
      engines: { e0: { status: 'RUNNING', model_id: 'm0' }, e1: { status: 'FAILED', model_id: 'm1' } },
    });
  });

  it('answers 503 only when nothing can be served', () => {
    expect(HEALTH_HTTP_STATUS).toEqual({ ok: 200, degraded: 200, unavailable: 503 });
  });
});
