// A gateway in its own process (so a test can kill -9 it), from the built packages. Input: one
// JSON argument { stateDir, portRange, backends, env, options }; prints `READY <url>` once listening.
import { createCustomBackend, PortAllocator } from '../../../packages/control-plane/dist/index.js';
import { resolveGatewayConfig, startGateway } from '../../../packages/server/dist/index.js';

const input = JSON.parse(process.argv[2]);
const gateway = await startGateway({
  config: resolveGatewayConfig({}, undefined, { host: '127.0.0.1', port: 0, logLevel: 'silent' }),
  managerOptions: {
    ...input.options,
    stateDir: input.stateDir,
    env: input.env,
    ports: new PortAllocator({ stateDir: input.stateDir, ...input.portRange }),
    customBackends: input.backends.map((backend) => createCustomBackend(backend)),
  },
});
process.stdout.write(`READY ${gateway.url}\n`);
process.on('SIGTERM', () => {
  gateway.close().then(() => process.exit(0));
});
