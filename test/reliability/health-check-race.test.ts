import { EngineLifecycleManager } from '@sage/control-plane';
import { afterEach, describe, expect, it } from 'vitest';
import { type ReliabilityGateway, startReliabilityGateway, waitFor } from './support/reliability-gateway.js';

const gateways: ReliabilityGateway[] = [];
afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close();
});

/** The real lifecycle manager, except that one armed health check waits until the test releases it. */
class GatedLifecycle extends EngineLifecycleManager {
  armedFor: string | undefined;
  entered = false;
  release: ((healthy: boolean) => void) | undefined;

  override healthCheck(engineId: string, options: { timeoutMs?: number } = {}): Promise<boolean> {
    if (this.armedFor !== engineId) return super.healthCheck(engineId, options);
    this.armedFor = undefined;
    this.entered = true;
    return new Promise((resolve) => {
      this.release = resolve;
    });
  }
}

describe('an engine killed while its health check is in flight', () => {
  // Found by this suite, fixed in 5838ba7: RestartSupervisor.check() used the status read before
  // `await healthCheck()`; when the process exited during the check, the failed check called
  // markUnhealthy on a RESTARTING engine → InvalidTransitionError out of tick(), which runs as
  // `setInterval(() => void this.tick())`: an unhandled rejection that ends a gateway process.
  // The test catches tick()'s rejections itself, so a regression fails here, not the suite.
  it('does not make the health loop throw', async () => {
    const lifecycle = new GatedLifecycle({ stopTimeoutMs: 2000, healthCheckTimeoutMs: 1000 });
    const gateway = await startReliabilityGateway(10, {
      managerOptions: { lifecycle, healthCheckIntervalMs: 50, restartBackoffBaseMs: 200 },
    });
    gateways.push(gateway);
    const { manager } = gateway.gateway;
    const rejections: unknown[] = [];
    const { supervisor } = gateway.parts;
    const tick = supervisor.tick.bind(supervisor);
    supervisor.tick = () => tick().catch((error: unknown) => void rejections.push(error));

    const engine = await gateway.startEngine('fake/race');
    lifecycle.armedFor = engine.engineId;
    await waitFor(() => lifecycle.entered);
    process.kill(engine.pid as number, 'SIGKILL');
    await waitFor(() => manager.getEngine(engine.engineId).status !== 'RUNNING');
    lifecycle.release?.(false);
    await waitFor(() => manager.getEngine(engine.engineId).status === 'RUNNING');
    expect(rejections.map(String)).toEqual([]);
  });
});
