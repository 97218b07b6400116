import { describe, expect, it } from 'vitest';
import { createTestManager } from '../__fixtures__/test-manager.js';
import { createGateway } from '../create-gateway.js';
import { SERVER_VERSION } from '../version.js';
import { GatewayMetrics } from './gateway-metrics.js';

describe('GatewayMetrics', () => {
  it('exports build info and the process and Node.js runtime series on /metrics', async () => {
    const text = await (await createGateway({ manager: createTestManager() }).request('/metrics')).text();
    expect(text).toContain(
      `sage_build_info{version="${SERVER_VERSION}",node_version="${process.version}"} 1`,
    );
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    // Each family once, even with two gateways in this process.
    await createGateway({ manager: createTestManager() }).request('/metrics');
    const again = await (await createGateway({ manager: createTestManager() }).request('/metrics')).text();
    expect(again.match(/^# TYPE process_cpu_user_seconds_total /gm)).toHaveLength(1);
  });

  it('leaves the runtime series out when asked to', async () => {
    const { body } = await new GatewayMetrics({ runtime: false }).render();
    expect(body).toContain('sage_build_info');
    expect(body).not.toContain('process_cpu_user_seconds_total');
  });
});
