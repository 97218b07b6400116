import { randomUUID } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeGguf } from '../gguf/gguf-writer.js';
import { tinyLlamaModel } from '../gguf/tiny-llama-model.js';
import type { TinyModel } from './tiny-models.js';

/** The GGUF bytes of a tiny model (deterministic: same bytes on every run). */
export function tinyModelBytes(model: TinyModel): Buffer {
  return writeGguf(tinyLlamaModel(model.options));
}

/**
 * Path of a tiny model's file in `modelsDirectory`, generating it first when missing. The file is
 * written to a unique temporary name and renamed into place, so processes generating it at the
 * same time never see a partial file (rename is atomic within a directory). Delete the file to
 * regenerate it.
 */
export async function ensureTinyModel(model: TinyModel, modelsDirectory: string): Promise<string> {
  const target = join(modelsDirectory, model.fileName);
  if (await exists(target)) return target;
  await mkdir(modelsDirectory, { recursive: true });
  const temporary = join(modelsDirectory, `.${model.fileName}.${process.pid}.${randomUUID()}.tmp`);
  try {
    await writeFile(temporary, tinyModelBytes(model));
    await rename(temporary, target);
  } finally {
    await rm(temporary, { force: true });
  }
  return target;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
