import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { type EngineStartRequest, isModelPath, modelIdProblem, ValidationError } from '@sage/protocol';
import { allowedFlagProblem, extraArgsProblem } from './engine-args.js';
import type { EngineBackend } from './engine-backend.js';

/** Options of {@link EngineRequestPolicy}. */
export interface EngineRequestPolicyOptions {
  /** Flags requests may pass per backend name (`engines.allowed_extra_args`). Default: none. */
  allowedExtraArgs?: Readonly<Record<string, readonly string[]>> | undefined;
  /** Directories a model path may lie under (`engines.model_dirs`). */
  modelDirs: readonly string[];
  /** Relative model paths are resolved against this directory. Default `process.cwd()`. */
  cwd?: string;
  /** Resolves symbolic links of an existing path (injected in tests). Default `fs.realpathSync`. */
  realpath?: (path: string) => string;
}

function realpathOrSelf(realpath: (path: string) => string, path: string): string {
  try {
    return realpath(path);
  } catch {
    return path;
  }
}

function isInside(directory: string, path: string): boolean {
  const rest = relative(directory, path);
  return rest === '' || (!rest.startsWith('..') && !isAbsolute(rest));
}

/**
 * What a start request may ask of an engine's command line (docs/security.md): its `model_id`
 * has an accepted shape and, when it is a path, lies under an allowed model directory (links
 * resolved); its `extra_args` pass the backend's allow-list. Checked before any backend sees the
 * request, on every start and relaunch.
 *
 * @example
 * const policy = new EngineRequestPolicy({ modelDirs: ['/srv/models'], allowedExtraArgs: { vllm: ['--max-model-len'] } });
 * policy.check(request, vllmBackend); // throws ValidationError naming the field and the flag
 */
export class EngineRequestPolicy {
  readonly #allowed: Readonly<Record<string, readonly string[]>>;
  readonly #modelDirs: string[];
  readonly #cwd: string;
  readonly #realpath: (path: string) => string;

  constructor(options: EngineRequestPolicyOptions) {
    this.#allowed = options.allowedExtraArgs ?? {};
    this.#cwd = options.cwd ?? process.cwd();
    this.#realpath = options.realpath ?? realpathSync.native;
    this.#modelDirs = options.modelDirs.map((directory) =>
      realpathOrSelf(this.#realpath, resolve(this.#cwd, directory)),
    );
  }

  /** Throw a ValidationError (path `engines.allowed_extra_args.<backend>.<i>`) for a flag no backend may allow. */
  checkAllowList(backends: readonly EngineBackend[]): void {
    const byName = new Map(backends.map((backend) => [backend.name, backend]));
    for (const [name, flags] of Object.entries(this.#allowed)) {
      const backend = byName.get(name);
      const path = `engines.allowed_extra_args.${name}`;
      if (!backend) {
        throw new ValidationError({
          message: `${path}: no backend '${name}' (available: ${[...byName.keys()].join(', ')})`,
          path,
        });
      }
      for (const [index, flag] of flags.entries()) {
        const problem = allowedFlagProblem(flag, { backend: name, owned: backend.ownedFlags });
        if (problem)
          throw new ValidationError({ message: `${path}.${index}: ${problem}`, path: `${path}.${index}` });
      }
    }
  }

  /** Throw a ValidationError naming `model_id` or `extra_args.<i>` when the request may not run. */
  check(request: EngineStartRequest, backend: EngineBackend): void {
    this.#checkModelId(request.modelId);
    const problem = extraArgsProblem(request.extraArgs ?? [], {
      backend: backend.name,
      owned: backend.ownedFlags,
      allowed: this.#allowed[backend.name] ?? [],
    });
    if (problem) {
      const path = `extra_args.${problem.index}`;
      throw new ValidationError({ message: `${path}: ${problem.message}`, path });
    }
  }

  #checkModelId(modelId: string): void {
    const problem = modelIdProblem(modelId);
    if (problem) throw new ValidationError({ message: `model_id ${problem}`, path: 'model_id' });
    if (!isModelPath(modelId)) return;
    const path = realpathOrSelf(this.#realpath, resolve(this.#cwd, modelId));
    if (this.#modelDirs.some((directory) => isInside(directory, path))) return;
    throw new ValidationError({
      message: `model_id: '${modelId}' is not under an allowed model directory (${this.#modelDirs.join(', ') || 'none'}); an operator can add one in sage.yaml under engines.model_dirs`,
      path: 'model_id',
    });
  }
}
