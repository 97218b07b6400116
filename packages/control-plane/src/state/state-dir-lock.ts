import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMarker, hasMarker, SageError } from '@sage/protocol';
import { isPidAlive } from '../lifecycle/process-tree.js';

const stateDirInUse = errorMarker('control-plane', 'StateDirectoryInUseError');
/** Another live control plane already manages this state directory. */
export class StateDirectoryInUseError extends SageError {
  readonly [stateDirInUse] = true;
  constructor(
    readonly stateDir: string,
    readonly pid: number,
  ) {
    super({
      name: 'StateDirectoryInUseError',
      message:
        `another control plane (pid ${pid}) already manages ${stateDir}: connect to it instead ` +
        `(UnifiedInferenceClient.create({ controlPlaneUrl }) or sage --api-base), or use another state directory (SAGE_HOME)`,
    });
  }
  static override isInstance(error: unknown): error is StateDirectoryInUseError {
    return hasMarker(error, stateDirInUse);
  }
}

interface LockRecord {
  pid: number;
  instance: string;
  startedAt: string;
}

/**
 * One control plane per state directory: `<stateDir>/manager.lock` is created exclusively at
 * start and removed at close. Two managers over one directory would adopt, health-check and
 * restart the same engines twice; a lock left by a dead process is taken over.
 */
export class StateDirectoryLock {
  readonly path: string;
  private readonly instance = randomUUID();

  constructor(readonly stateDir: string) {
    this.path = join(stateDir, 'manager.lock');
  }

  async acquire(): Promise<void> {
    await mkdir(this.stateDir, { recursive: true });
    const record: LockRecord = {
      pid: process.pid,
      instance: this.instance,
      startedAt: new Date().toISOString(),
    };
    const text = `${JSON.stringify(record)}\n`;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        const handle = await open(this.path, 'wx');
        await handle.writeFile(text);
        await handle.close();
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await this.read();
      if (holder && holder.instance !== this.instance && isPidAlive(holder.pid)) {
        throw new StateDirectoryInUseError(this.stateDir, holder.pid);
      }
      // Stale (its process is gone) or unreadable: replace it atomically and try again.
      const temporary = `${this.path}.${this.instance}.tmp`;
      await writeFile(temporary, text);
      await rename(temporary, this.path);
      if ((await this.read())?.instance === this.instance) return;
    }
    throw new Error(`could not take ${this.path}`);
  }

  async release(): Promise<void> {
    if ((await this.read())?.instance === this.instance) await unlink(this.path).catch(() => undefined);
  }

  private async read(): Promise<LockRecord | null> {
    try {
      const value = JSON.parse(await readFile(this.path, 'utf8')) as Partial<LockRecord>;
      return typeof value.pid === 'number' && typeof value.instance === 'string'
        ? (value as LockRecord)
        : null;
    } catch {
      return null;
    }
  }
}
