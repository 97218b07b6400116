import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendUnavailableError } from '../errors.js';
import type { EngineBackend } from './engine-backend.js';
import { openAiHealthPaths, placementEnv } from './engine-env.js';

/** Importing torch and downloading a Hugging Face model can take minutes. */
const HF_EMBED_STARTUP_TIMEOUT_MS = 600_000;
const PYTHON = 'python3';
const SCRIPT = join('assets', 'hf-embed-server.py');

/**
 * Absolute path of the embedding server shipped in this package's `assets/` folder, found by
 * walking up from this module (it runs from src/ in tests and from the bundled dist/).
 */
export function hfEmbedServerScript(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(directory, SCRIPT);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(directory);
    if (parent === directory) {
      throw new BackendUnavailableError(
        'hf-embed',
        `${SCRIPT} is missing from the @sage/control-plane package`,
      );
    }
    directory = parent;
  }
}

/**
 * Build the `hf-embed` backend; `script` locates the server script (injected in tests).
 *
 * @example
 * const backend = createHfEmbedBackend(() => '/opt/sage/hf-embed-server.py');
 */
export function createHfEmbedBackend(script: () => string = hfEmbedServerScript): EngineBackend {
  return {
    name: 'hf-embed',
    kinds: ['embedding'],
    ownedFlags: ['--model', '--host', '--port', '--device', '--served-model-name'],
    startupTimeoutMs: HF_EMBED_STARTUP_TIMEOUT_MS,
    healthPaths: openAiHealthPaths,
    program: () => PYTHON,
    launch(request, placement) {
      if (request.engineKind !== 'embedding') {
        throw new BackendUnavailableError(
          'hf-embed',
          `it serves embedding models only, not '${request.engineKind}'`,
        );
      }
      const argv = [
        PYTHON,
        script(),
        '--model',
        request.modelId,
        '--host',
        placement.host,
        '--port',
        String(placement.port),
        '--device',
        placement.device,
        ...(request.extraArgs ?? []),
      ];
      return { argv, env: placementEnv(placement, { PYTHONUNBUFFERED: '1' }) };
    },
  };
}

/**
 * `hf-embed`: a one-file Python embedding server (torch + transformers, attention-masked mean
 * pooling, L2 normalisation): `python3 assets/hf-embed-server.py --model M --host H --port P
 * --device cpu|cuda …`. Embedding models only; readiness `/health`.
 */
export const hfEmbedBackend: EngineBackend = createHfEmbedBackend();
