import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ModelSpecError } from '../errors.js';
import { ensureTinyModel } from './ensure-tiny-model.js';
import { findTinyModel, TINY_MODELS } from './tiny-models.js';

/** What a `--model` spec names. Pure: no file system access. */
export type ModelSpec =
  | { type: 'tiny'; name: string }
  | { type: 'huggingface'; uri: string }
  | { type: 'file'; path: string };

export function parseModelSpec(spec: string): ModelSpec {
  if (findTinyModel(spec)) return { type: 'tiny', name: spec };
  if (spec.startsWith('hf:')) return { type: 'huggingface', uri: spec };
  if (spec.toLowerCase().endsWith('.gguf')) return { type: 'file', path: spec };
  const tinyNames = TINY_MODELS.map((model) => model.name).join(', ');
  throw new ModelSpecError(
    spec,
    `expected a local .gguf file, an hf: URI (e.g. hf:user/repo:Q4_K_M), or a bundled model (${tinyNames})`,
    undefined,
    'unrecognized',
  );
}

/** Resolves an `hf:` URI to a local file (downloading when the host can); injected so tests need no network. */
export type HuggingFaceResolver = (uri: string, modelsDirectory: string) => Promise<string>;

/** Turn a `--model` spec into a local GGUF path: generate a tiny model, resolve an `hf:` URI, or check a file. */
export async function resolveModelPath(
  spec: string,
  modelsDirectory: string,
  resolveHuggingFace: HuggingFaceResolver,
): Promise<string> {
  const parsed = parseModelSpec(spec);
  switch (parsed.type) {
    case 'tiny':
      return ensureTinyModel(findTinyModel(parsed.name)!, modelsDirectory);
    case 'huggingface':
      try {
        return await resolveHuggingFace(parsed.uri, modelsDirectory);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ModelSpecError(
          spec,
          `could not resolve the Hugging Face model (${reason}); downloads need network access — on an offline host pass a local .gguf path instead`,
          error,
        );
      }
    case 'file': {
      const path = resolve(parsed.path);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) throw new ModelSpecError(spec, `no such file: ${path}`);
      return path;
    }
  }
}
