// A gateway from this repository's build with the built-in tiny engines (preset `local`), on
// an ephemeral loopback port with a private state directory. Prints `URL <url>` once it serves,
// stops its engines on SIGTERM/SIGINT. Used by tools/check-install.sh.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatewayLogger, DEFAULT_PRESET_NAME, startGateway } from '../../packages/server/dist/index.js';

const stateDir = await mkdtemp(join(tmpdir(), 'sage-check-install-'));
const gateway = await startGateway({
  host: '127.0.0.1',
  port: 0,
  preset: DEFAULT_PRESET_NAME,
  managerOptions: { stateDir, stopEnginesOnExit: true },
  logger: createGatewayLogger('warn'),
});
process.stdout.write(`URL ${gateway.url}/v1\n`);
let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await gateway.close({ stopEngines: true });
  await rm(stateDir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
