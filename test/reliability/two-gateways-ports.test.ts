import { PortAllocator } from '@sage/control-plane';
import { afterEach, describe, expect, it } from 'vitest';
import {
  portRange,
  postJson,
  type ReliabilityGateway,
  startReliabilityGateway,
  temporaryStateDir,
  waitFor,
} from './support/reliability-gateway.js';

const gateways: ReliabilityGateway[] = [];
afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close();
});

const ENGINES_PER_GATEWAY = 4;

describe('two gateways with different state directories on one host', () => {
  // Port locks are host-wide (`<os tmpdir>/sage-port-locks` by default), not per state directory.
  it('PortAllocators over different state directories never hand out the same port', async () => {
    const first = new PortAllocator({ stateDir: temporaryStateDir(), ...portRange(11, 4) });
    const second = new PortAllocator({ stateDir: temporaryStateDir(), ...portRange(11, 4) });
    const ports = [
      await first.allocate('llm', { owner: 'engine-a' }),
      await second.allocate('llm', { owner: 'engine-b' }),
    ];
    for (const port of ports) {
      await first.release(port);
      await second.release(port);
    }
    expect(new Set(ports).size, `ports handed out: ${ports.join(', ')}`).toBe(2);
  });

  it('two gateways starting engines at once: every engine RUNNING on a port of its own, serving its own process', async () => {
    // The same (small) port range for both, as two users with default settings would have.
    const [first, second] = await Promise.all([
      startReliabilityGateway(7, { managerOptions: { stateDir: temporaryStateDir(), portRangeSize: 12 } }),
      startReliabilityGateway(7, { managerOptions: { stateDir: temporaryStateDir(), portRangeSize: 12 } }),
    ]);
    gateways.push(first!, second!);
    const starts = [first!, second!].flatMap((gateway) =>
      Array.from({ length: ENGINES_PER_GATEWAY }, (_, index) =>
        gateway.gateway.manager.requestEngineStartup(`fake/model-${index}`, {
          backend: 'fake',
          useGpu: false,
        }),
      ),
    );
    const engines = await Promise.all(starts);
    const ports = engines.map((engine) => engine.port);
    expect(new Set(ports).size, `ports handed out: ${ports.join(', ')}`).toBe(ports.length);
    // Every engine comes up, and each gateway reaches its own processes.
    for (const gateway of [first!, second!]) {
      const { manager } = gateway.gateway;
      await waitFor(() => manager.listEngines().every((engine) => engine.status === 'RUNNING'), 20_000);
      for (const engine of manager.listEngines()) {
        expect(engine.restartCount).toBe(0);
        const answer = await postJson(`${gateway.url}/v1/chat/completions`, {
          model: engine.modelId,
          messages: [{ role: 'user', content: 'whose are you?' }],
        });
        expect((answer.body as { engine_pid?: number }).engine_pid).toBe(engine.pid);
      }
    }
  });
});
