import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { EngineRecord } from './engine-record.js';

/**
 * Where the registry of wanted engines is kept. One seam: a state file today, something shared
 * (e.g. a Kubernetes ConfigMap) later.
 */
export interface RegistryStore {
  load(): Promise<EngineRecord[]>;
  save(records: readonly EngineRecord[]): Promise<void>;
}

interface RegistryFile {
  version: 1;
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
    try {
      const file = JSON.parse(await readFile(this.path, 'utf8')) as RegistryFile;
      return Array.isArray(file.engines) ? file.engines : [];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`cannot read the engine registry ${this.path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  save(records: readonly EngineRecord[]): Promise<void> {
    const body: RegistryFile = {
      version: 1,
      savedAt: new Date().toISOString(),
      engines: records.map((record) => ({ ...record })),
    };
    const text = `${JSON.stringify(body, null, 2)}\n`;
    this.chain = this.chain.then(() => this.write(text)).catch(() => this.write(text));
    return this.chain;
  }

  private async write(text: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.${++this.sequence}.tmp`;
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, this.path);
  }
}
