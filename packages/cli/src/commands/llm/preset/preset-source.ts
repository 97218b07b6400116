import { resolve } from 'node:path';
import { getBuiltinPreset, loadPresetFile, type Preset } from '@sage/presets';
import { usageError } from '../../../errors.js';

/** `NAME` or `--file F` of `preset show` / `preset apply`. */
export interface PresetSourceFlags {
  file?: string;
}

/**
 * The preset named by a built-in NAME or `--file F` (exactly one of them). A missing or
 * invalid file and an unknown name throw the presets package's errors (exit code 2).
 */
export async function loadPresetFromFlags(
  name: string | undefined,
  flags: PresetSourceFlags,
  cwd: string,
): Promise<Preset> {
  if (name !== undefined && flags.file !== undefined)
    throw usageError('give a preset NAME or --file, not both');
  if (flags.file !== undefined) {
    const path = resolve(cwd, flags.file);
    try {
      return await loadPresetFile(path);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') throw usageError(`--file: no such file: ${path}`);
      throw error;
    }
  }
  if (name === undefined) throw usageError('give a preset NAME (see `sage llm preset list`) or --file F');
  return getBuiltinPreset(name);
}
