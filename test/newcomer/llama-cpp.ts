import type { EngineBackend } from './engine-backend.js';
import { openAiHealthPaths, placementEnv } from './engine-env.js';

/**
 * A newcomer's backend (test/newcomer/newcomer.test.ts copies this file into
 * `packages/control-plane/src/backends/`): llama.cpp's `llama-server -m <model> --host H --port P`.
 */
export const llamaCppBackend: EngineBackend = {
  name: 'llama-cpp',
  kinds: ['llm'],
  ownedFlags: ['-m', '--model', '--host', '--port', '--n-gpu-layers', '-ngl', '--api-key'],
  startupTimeoutMs: 300_000,
  healthPaths: openAiHealthPaths,
  program: () => 'llama-server',
  launch(request, placement) {
    const argv = [
      'llama-server',
      '-m',
      request.modelId,
      '--host',
      placement.host,
      '--port',
      String(placement.port),
      ...(placement.device === 'cuda' ? ['--n-gpu-layers', '999'] : []),
      ...(request.extraArgs ?? []),
    ];
    return { argv, env: placementEnv(placement) };
  },
};
