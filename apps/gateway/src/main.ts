import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startGateway } from '@sage/server';

// The deployable gateway: flags and sage.yaml → startGateway(); all logic lives in @sage/server.
const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    policy: { type: 'string' },
    preset: { type: 'string' },
    insecure: { type: 'boolean' },
    // SIGTERM/SIGINT leave the engines running for the next gateway to adopt (a gateway pod in
    // Kubernetes: its restarts must not stop the engines' Deployments).
    'keep-engines': { type: 'boolean' },
  },
});
const config = values.config ?? (existsSync('sage.yaml') ? 'sage.yaml' : undefined);
try {
  const gateway = await startGateway({
    ...(config === undefined ? {} : { config }),
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values.port === undefined ? {} : { port: Number(values.port) }),
    ...(values.policy === undefined ? {} : { policy: values.policy }),
    ...(values.preset === undefined ? {} : { preset: values.preset }),
    ...(values.insecure === undefined ? {} : { insecure: values.insecure }),
  });
  const stop = (stopEngines: boolean) => void gateway.close({ stopEngines }).then(() => process.exit(0));
  const stopEngines = values['keep-engines'] !== true;
  process.once('SIGINT', () => stop(stopEngines));
  process.once('SIGTERM', () => stop(stopEngines));
  process.once('SIGUSR2', () => stop(false)); // leave engines running for the next gateway to adopt
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
