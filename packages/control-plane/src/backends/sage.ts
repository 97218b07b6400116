import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendUnavailableError } from '../errors.js';
import type { EngineBackend } from './engine-backend.js';
import { openAiHealthPaths, placementEnv } from './engine-env.js';

/** Environment variable naming the engine's JS entry (`…/@sage/engine/dist/bin/sage-engine.js`). */
export const SAGE_ENGINE_BIN_ENV = 'SAGE_ENGINE_BIN';
const ENGINE_PACKAGE = '@sage/engine';
/** The sage engine loads small GGUF models in seconds; 120 s covers a large model on a slow disk. */
const SAGE_STARTUP_TIMEOUT_MS = 120_000;

/**
 * Where the `sage-engine` script is, in this order:
 * 1. `$SAGE_ENGINE_BIN`;
 * 2. `@sage/engine` resolved by Node from this package (installed next to `@sage/control-plane`:
 *    an app that depends on both, or a package manager that hoists it);
 * 3. in a source checkout of this monorepo, the sibling workspace package (`packages/engine`).
 * The control plane never imports the engine; it runs its bin with the current Node.
 * Throws {@link BackendUnavailableError} naming the fixes when none applies.
 */
export function resolveSageEngineBin(environment: NodeJS.ProcessEnv = process.env): string {
  const fromEnvironment = environment[SAGE_ENGINE_BIN_ENV];
  if (fromEnvironment) return resolve(fromEnvironment);
  const packageDirectory = installedEnginePackage() ?? workspaceEnginePackage();
  if (!packageDirectory) {
    throw new BackendUnavailableError(
      'sage',
      `the ${ENGINE_PACKAGE} package is not installed: install it next to @sage/control-plane ` +
        `(npm install ${ENGINE_PACKAGE}) or set ${SAGE_ENGINE_BIN_ENV} to its dist/bin/sage-engine.js`,
    );
  }
  return join(packageDirectory, engineBinEntry(packageDirectory));
}

function installedEnginePackage(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${ENGINE_PACKAGE}/package.json`));
  } catch {
    return undefined;
  }
}

/** Walk up from this module (src/ or the bundled dist/) to a `packages/` folder holding `engine/`. */
function workspaceEnginePackage(): string | undefined {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(directory, 'engine', 'package.json');
    if (existsSync(manifest) && packageName(manifest) === ENGINE_PACKAGE) return dirname(manifest);
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

function packageName(manifest: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

/** The `sage-engine` entry of the package's `bin` field. */
function engineBinEntry(packageDirectory: string): string {
  const manifest = JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.['sage-engine'];
  if (!bin)
    throw new BackendUnavailableError('sage', `${packageDirectory}/package.json has no 'sage-engine' bin`);
  return bin;
}

/** {@link resolveSageEngineBin}, cached until `SAGE_ENGINE_BIN` changes. */
function cachedEngineBin(): () => string {
  let cached: { key: string | undefined; path: string } | undefined;
  return () => {
    const key = process.env[SAGE_ENGINE_BIN_ENV];
    if (cached === undefined || cached.key !== key) cached = { key, path: resolveSageEngineBin() };
    return cached.path;
  };
}

/**
 * Build the `sage` backend; `engineBin` finds the `sage-engine` script (injected in tests).
 *
 * @example
 * const backend = createSageBackend(() => '/opt/sage/engine/dist/bin/sage-engine.js');
 */
export function createSageBackend(engineBin: () => string = cachedEngineBin()): EngineBackend {
  return {
    name: 'sage',
    // Everything `launch` sets, and the served name the gateway addresses the engine by.
    ownedFlags: [
      '--model',
      '--kind',
      '--host',
      '--port',
      '--device',
      '--models-dir',
      '--max-queue',
      '--served-model-name',
    ],
    kinds: ['llm', 'embedding'],
    startupTimeoutMs: SAGE_STARTUP_TIMEOUT_MS,
    healthPaths: openAiHealthPaths,
    /** The script itself, so a missing or unbuilt engine fails the start with a clear error. */
    program: () => engineBin(),
    launch(request, placement) {
      const argv = [
        process.execPath,
        engineBin(),
        '--model',
        placement.modelPath ?? request.modelId,
        // A pulled file is served under the reference it was asked by.
        ...(placement.modelPath ? ['--served-model-name', request.modelId] : []),
        '--kind',
        request.engineKind,
        '--host',
        placement.host,
        '--port',
        String(placement.port),
        '--device',
        placement.device,
        '--models-dir',
        join(placement.stateDir, 'models'),
        // The engine queues what the scheduler may send it, so it does not answer 429 to the gateway.
        '--max-queue',
        String(request.maxConcurrentRequests),
        ...(request.extraArgs ?? []),
      ];
      return { argv, env: placementEnv(placement) };
    },
  };
}

/**
 * `sage`: the project's own engine (`@sage/engine`, node-llama-cpp) for the bundled tiny models,
 * `.gguf` files and `hf:` URIs: `node sage-engine.js --model M --kind K --host H --port P
 * --device cpu|cuda --models-dir <state>/models --max-queue N …`. Readiness: `/health`.
 */
export const sageBackend: EngineBackend = createSageBackend();
