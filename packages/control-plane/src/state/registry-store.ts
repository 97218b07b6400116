import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { asStateDirectoryError } from '../errors.js';
import type { EngineRecord } from './engine-record.js';
import { EngineRecordSchema, firstIssue } from './engine-record-schema.js';
import { RegistryFileError } from './registry-file-error.js';

/** The version of `registry.json` this control plane writes and reads. */
export const REGISTRY_VERSION = 1;

/**
 * Where the registry of wanted engines is kept. One seam: a state file today, something shared
 * (e.g. a Kubernetes ConfigMap) later.
 */
export interface RegistryStore {
  load(): Promise<EngineRecord[]>;
  save(records: readonly EngineRecord[]): Promise<void>;
}

interface RegistryFile {
  version: typeof REGISTRY_VERSION;
  savedAt: string;
  engines: EngineRecord[];
}

/**
 * `<stateDir>/registry.json`, written atomically (temp file + rename) and serialised, so a crash
 * mid-write never leaves a torn file and concurrent saves land in order.
 */
export class FileRegistryStore implements RegistryStore {
  readonly path: string;
  private chain: Promise<void> = Promise.resolve();
  private sequence = 0;

  constructor(stateDir: string) {
    this.path = join(stateDir, 'registry.json');
  }

  async load(): Promise<EngineRecord[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return [];
      throw new RegistryFileError(this.path, `it cannot be read (${code ?? (error as Error).message})`);
    }
    if (text.trim() === '') return [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new RegistryFileError(this.path, `it is not JSON (${(error as Error).message})`);
    }
    return parseRegistryFile(value, this.path);
  }

  save(records: readonly EngineRecord[]): Promise<void> {
    const body: RegistryFile = {
      version: REGISTRY_VERSION,
      savedAt: new Date().toISOString(),
      engines: records.map((record) => ({ ...record })),
    };
    const text = `${JSON.stringify(body, null, 2)}\n`;
    this.chain = this.chain.then(() => this.write(text)).catch(() => this.write(text));
    return this.chain;
  }

  private async write(text: string): Promise<void> {
    const temporary = `${this.path}.${process.pid}.${++this.sequence}.tmp`;
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(temporary, text, { mode: 0o600 });
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => {});
      throw asStateDirectoryError(error, this.path, 'the engine registry was not saved');
    }
  }
}

/**
 * Validate the contents of a registry file: its version, then every record against
 * {@link EngineRecordSchema}. An empty object (a lost or reset registry) has no records — the
 * manager then rebuilds what it can from the engines' markers. Throws {@link RegistryFileError}.
 */
export function parseRegistryFile(value: unknown, path: string): EngineRecord[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RegistryFileError(path, 'it is not a JSON object with "version" and "engines"');
  }
  const file = value as Record<string, unknown>;
  if (file.version === undefined && file.engines === undefined) return [];
  if (file.version !== REGISTRY_VERSION) {
    throw new RegistryFileError(
      path,
      `its version ${JSON.stringify(file.version)} is not one this control plane reads (it reads version ${REGISTRY_VERSION}; a newer sage may have written it)`,
    );
  }
  if (!Array.isArray(file.engines)) throw new RegistryFileError(path, '"engines" is not a list');
  const seen = new Set<string>();
  return file.engines.map((entry, index) => {
    const id = (entry as { engineId?: unknown } | null)?.engineId;
    const label = `engines[${index}]${typeof id === 'string' ? ` (${id})` : ''}`;
    const parsed = EngineRecordSchema.safeParse(entry);
    if (!parsed.success) throw new RegistryFileError(path, firstIssue(parsed.error), label);
    if (seen.has(parsed.data.engineId))
      throw new RegistryFileError(path, 'a second record with the same id', label);
    seen.add(parsed.data.engineId);
    return parsed.data;
  });
}
