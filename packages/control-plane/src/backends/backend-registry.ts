import { type EngineStartRequest, isModelUrl } from '@sage/protocol';
import { UnknownBackendError } from '../errors.js';
import type { EngineBackend } from './engine-backend.js';
import { hfEmbedBackend } from './hf-embed.js';
import { sageBackend } from './sage.js';
import { vllmBackend } from './vllm.js';

/** The one list of built-in backends. A new backend is one file plus one line here. */
export const builtinBackends = {
  vllm: vllmBackend,
  sage: sageBackend,
  'hf-embed': hfEmbedBackend,
} satisfies Record<string, EngineBackend>;

/**
 * The backend a request gets when it names none: `sage` for the bundled tiny models, `.gguf`
 * paths, `hf:` URIs and model URLs; otherwise `vllm` for LLMs and `hf-embed` for embedding models.
 */
export function defaultBackendName(request: Pick<EngineStartRequest, 'modelId' | 'engineKind'>): string {
  const model = request.modelId;
  if (
    model.startsWith('sage/') ||
    model.toLowerCase().endsWith('.gguf') ||
    model.startsWith('hf:') ||
    isModelUrl(model)
  )
    return 'sage';
  return request.engineKind === 'embedding' ? 'hf-embed' : 'vllm';
}

/** Built-in backends plus configured custom ones, looked up by name. */
export class BackendRegistry {
  private readonly backends = new Map<string, EngineBackend>();

  constructor(custom: readonly EngineBackend[] = []) {
    for (const backend of Object.values(builtinBackends)) this.backends.set(backend.name, backend);
    for (const backend of custom) this.backends.set(backend.name, backend);
  }

  names(): string[] {
    return [...this.backends.keys()];
  }

  get(name: string): EngineBackend {
    const backend = this.backends.get(name);
    if (!backend) throw new UnknownBackendError(name, this.names());
    return backend;
  }

  /** The backend for a request: the one it names, or {@link defaultBackendName}. */
  resolve(request: Pick<EngineStartRequest, 'modelId' | 'engineKind' | 'backend'>): EngineBackend {
    return this.get(request.backend ?? defaultBackendName(request));
  }
}
