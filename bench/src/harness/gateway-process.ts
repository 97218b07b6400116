/**
 * Child-process entry point: runs one gateway (and its engines) apart from the load generator,
 * so the two never share an event loop. Reads a {@link GatewaySpec} from `SAGE_BENCH_GATEWAY`,
 * reports `ready` and engine state changes as JSON lines on fd 3, and closes on SIGTERM.
 */
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GPUResourceManager, PortAllocator } from '@sage/control-plane';
import { type GatewayConfig, resolveGatewayConfig, startGateway } from '@sage/server';
import { pino } from 'pino';
import type { GatewayMessage, GatewaySpec } from './gateway-spec.js';

const channel = createWriteStream('', { fd: 3 });
const send = (message: GatewayMessage) => channel.write(`${JSON.stringify(message)}\n`);

async function main(): Promise<void> {
  const spec = JSON.parse(process.env.SAGE_BENCH_GATEWAY ?? '') as GatewaySpec;
  const stateDir = mkdtempSync(join(tmpdir(), 'sage-bench-'));
  const gpuEnv: NodeJS.ProcessEnv = {
    ...process.env,
    SAGE_DISABLE_NVML: '1',
    SAGE_GPU_MOCK_COUNT: String(spec.mockGpuCount ?? 0),
    SAGE_GPU_MOCK_MEMORY_GB: String(spec.mockGpuMemoryGb ?? 24),
  };
  const config = resolveGatewayConfig({}, undefined, {
    host: '127.0.0.1',
    port: 0,
    logLevel: spec.logLevel,
    stateDir,
    backends: spec.backends,
    health: { requestFailureThreshold: 3, ...spec.health },
    scheduling: spec.scheduling ?? {},
    models: (spec.models ?? []) as GatewayConfig['models'],
    modelLoading: spec.modelLoading ?? {},
  });
  const start = spec.portRangeStart;
  // The benchmark is the operator here: it allows the flags its own engine specs pass.
  const allowedExtraArgs: Record<string, string[]> = {};
  for (const engine of spec.engines) {
    const flags = (engine.options?.extraArgs ?? []).filter((arg) => arg.startsWith('--'));
    allowedExtraArgs[engine.backend] = [...new Set([...(allowedExtraArgs[engine.backend] ?? []), ...flags])];
  }
  const gateway = await startGateway({
    config,
    logger: pino({ level: spec.logLevel }),
    managerOptions: {
      allowedExtraArgs,
      env: gpuEnv,
      gpu: new GPUResourceManager({ env: gpuEnv }),
      ports: new PortAllocator({
        stateDir,
        preferred: { llm: [], embedding: [] },
        fallbackRange: { start, end: start + 49 },
      }),
    },
  });
  const { manager } = gateway;
  const coldStartMs: number[] = [];
  const engines = [];
  for (const engine of spec.engines) {
    const startedAt = performance.now();
    const started = await manager.requestEngineStartup(engine.modelId, {
      backend: engine.backend,
      useGpu: false,
      ...engine.options,
    });
    const running = await manager.waitForEngine(started.engineId, { timeoutMs: 60_000 });
    coldStartMs.push(performance.now() - startedAt);
    engines.push({
      engineId: running.engineId,
      modelId: running.modelId,
      port: running.port,
      pid: running.pid,
    });
  }
  manager.on('engine-state-change', (change) =>
    send({
      type: 'state',
      at: Date.now(),
      engineId: change.engineId,
      from: change.from,
      to: change.to,
      reason: change.reason,
    }),
  );
  let closing = false;
  process.on('SIGTERM', () => {
    if (closing) return;
    closing = true;
    void gateway.close({ graceMs: 1000 }).finally(() => process.exit(0));
  });
  send({
    type: 'ready',
    url: gateway.url,
    pid: process.pid,
    engines,
    coldStartMs,
    adminToken: gateway.adminToken,
  });
}

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 200);
});
