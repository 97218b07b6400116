/**
 * `pnpm --filter @sage/bench run profile [chat|embeddings] [--seconds S] [--connections C]`:
 * saturate a gateway (in front of the fake engine) and write a V8 CPU profile of the gateway
 * process to bench/profiles/. Open it in Chrome DevTools or summarise it with
 * `tsx src/bin/profile-summary.ts <file>`.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OVERHEAD_WORKLOADS } from '../benchmarks/overhead-workloads.js';
import { fakeEngineBackend } from '../harness/fake-engine-backend.js';
import { runLoad } from '../harness/load.js';
import { spawnGateway } from '../harness/spawn-gateway.js';

const profileDir = fileURLToPath(new URL('../../profiles/', import.meta.url));
const argv = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? (argv[index + 1] ?? fallback) : fallback;
};
const workload =
  OVERHEAD_WORKLOADS.find((entry) => entry.name === (argv[0] ?? 'chat')) ?? OVERHEAD_WORKLOADS[0]!;

mkdirSync(profileDir, { recursive: true });
const gateway = await spawnGateway(
  {
    backends: [fakeEngineBackend],
    engines: [{ modelId: workload.model, backend: 'fake', options: { engineKind: workload.engineKind } }],
    logLevel: (flag('log-level', 'info') as 'info') ?? 'info',
    portRangeStart: 25_150,
  },
  { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] },
);
const result = await runLoad({
  url: `${gateway.url}${workload.path}`,
  body: workload.body,
  connections: Number(flag('connections', '10')),
  durationSeconds: Number(flag('seconds', '5')),
});
await gateway.close();
console.log(`${Math.round(result.requestsPerSecond)} req/s through the gateway (${workload.name})`);
console.log(`profiles in ${profileDir}: ${readdirSync(profileDir).join(', ')}`);
