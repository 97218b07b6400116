import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CachedModel } from '@sage/protocol';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { z } from 'zod';
import { asStateDirectoryError, CachedModelNotFoundError } from '../errors.js';

/** The version of `index.json` this control plane writes and reads. */
const MODEL_CACHE_VERSION = 1;

const SHA256 = /^[a-f0-9]{64}$/;
/** Cache ids are 16 hex digits: nothing in one can name a path. */
const CACHE_ID = /^[a-f0-9]{16}$/;

const StoredEntry = z.object({
  id: z.string().regex(CACHE_ID),
  ref: z.string().min(1),
  /** Other references that resolved to this file (`hf:o/r:Q4_K_M#main`), so they are found offline. */
  aliases: z.array(z.string()).default([]),
  sourceUrl: z.string(),
  fileName: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string().regex(SHA256),
  verified: z.boolean(),
  createdAt: z.string(),
  lastUsedAt: z.string(),
});
type StoredEntry = z.infer<typeof StoredEntry>;

const IndexFile = z.object({ version: z.literal(MODEL_CACHE_VERSION), models: z.array(StoredEntry) });

/** What a finished download adds to the cache. */
export interface NewCacheEntry {
  ref: string;
  aliases: readonly string[];
  sourceUrl: string;
  fileName: string;
  sizeBytes: number;
  sha256: string;
  verified: boolean;
}

/** The cache id of a canonical reference. */
export function cacheIdOf(ref: string): string {
  return createHash('sha256').update(ref).digest('hex').slice(0, 16);
}

/**
 * The model cache under `<state dir>/models/cache` (docs/models.md):
 * `blobs/sha256-<hex>.gguf` holds each file once, named by its content; `partial/<id>.partial`
 * holds downloads in progress (resumed with `Range`); `index.json` (written atomically) maps
 * references to blobs with their size, source, hash and last use. Every path is built from a
 * hash or a validated id, so no reference or request can name a file outside the cache.
 */
export class ModelCache {
  readonly root: string;
  private readonly indexPath: string;
  private readonly logger: Logger;
  private readonly now: () => number;
  private chain: Promise<unknown> = Promise.resolve();
  private sequence = 0;

  constructor(options: { root: string; logger?: Logger; now?: () => number }) {
    this.root = options.root;
    this.indexPath = join(this.root, 'index.json');
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.now = options.now ?? Date.now;
  }

  /** Where the blob with this SHA-256 lives. */
  blobPath(sha256: string, fileName: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(
      this.root,
      'blobs',
      `sha256-${sha256}${fileName.toLowerCase().endsWith('.gguf') ? '.gguf' : ''}`,
    );
  }

  /** Where the download of `ref` in progress is kept. */
  partialPath(ref: string): string {
    return join(this.root, 'partial', `${cacheIdOf(ref)}.partial`);
  }

  /** Create the cache's folders (a state-directory problem is a 503 naming the path). */
  async prepare(): Promise<void> {
    for (const folder of ['blobs', 'partial']) {
      await mkdir(join(this.root, folder), { recursive: true }).catch((error: unknown) => {
        throw asStateDirectoryError(error, join(this.root, folder), 'the model cache is not usable');
      });
    }
  }

  /** Every cached model, most recently used first. */
  async list(): Promise<CachedModel[]> {
    const entries = await this.read();
    return entries
      .map((entry) => this.toCachedModel(entry))
      .sort((a, b) => b.lastUsedAt.localeCompare(a.lastUsedAt));
  }

  /** The entry a reference (canonical or alias) or an id names, when its file is still there whole. */
  async find(refOrId: string): Promise<CachedModel | undefined> {
    const entries = await this.read();
    const entry = entries.find(
      (candidate) =>
        candidate.id === refOrId || candidate.ref === refOrId || candidate.aliases.includes(refOrId),
    );
    if (!entry) return undefined;
    const path = this.blobPath(entry.sha256, entry.fileName);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile() || info.size !== entry.sizeBytes) {
      this.logger.warn(
        { id: entry.id, path },
        'model-cache: the file of an entry is gone or changed: forgetting it',
      );
      await this.update((current) => current.filter((candidate) => candidate.id !== entry.id));
      return undefined;
    }
    return this.toCachedModel(entry);
  }

  /** Record a finished, verified download (the blob is already in place). */
  async add(entry: NewCacheEntry): Promise<CachedModel> {
    const at = new Date(this.now()).toISOString();
    const id = cacheIdOf(entry.ref);
    let stored: StoredEntry | undefined;
    await this.update((entries) => {
      const previous = entries.find((candidate) => candidate.id === id);
      const aliases = [...new Set([...(previous?.aliases ?? []), ...entry.aliases])].filter(
        (alias) => alias !== entry.ref,
      );
      // An alias now pointing at this file no longer points at another one.
      const others = entries
        .filter((candidate) => candidate.id !== id)
        .map((candidate) => ({
          ...candidate,
          aliases: candidate.aliases.filter((alias) => !aliases.includes(alias)),
        }));
      stored = {
        id,
        ref: entry.ref,
        aliases,
        sourceUrl: entry.sourceUrl,
        fileName: entry.fileName,
        sizeBytes: entry.sizeBytes,
        sha256: entry.sha256,
        verified: entry.verified,
        createdAt: previous?.createdAt ?? at,
        lastUsedAt: at,
      };
      return [...others, stored];
    });
    return this.toCachedModel(stored as StoredEntry);
  }

  /** Add `alias` to the entry `id` (a quantisation reference found to name a cached file). */
  async addAlias(id: string, alias: string): Promise<void> {
    await this.update((entries) =>
      entries.map((entry) =>
        entry.id === id && entry.ref !== alias && !entry.aliases.includes(alias)
          ? { ...entry, aliases: [...entry.aliases, alias] }
          : entry,
      ),
    );
  }

  /** Mark an entry used now (an engine started with it). */
  async touch(id: string): Promise<void> {
    const at = new Date(this.now()).toISOString();
    await this.update((entries) =>
      entries.map((entry) => (entry.id === id ? { ...entry, lastUsedAt: at } : entry)),
    );
  }

  /** Forget an entry and delete its file unless another entry shares it. Throws {@link CachedModelNotFoundError}. */
  async remove(id: string): Promise<CachedModel> {
    if (!CACHE_ID.test(id)) throw new CachedModelNotFoundError(id);
    let removed: StoredEntry | undefined;
    let shared = false;
    await this.update((entries) => {
      removed = entries.find((entry) => entry.id === id);
      const rest = entries.filter((entry) => entry.id !== id);
      shared = removed !== undefined && rest.some((entry) => entry.sha256 === removed?.sha256);
      return rest;
    });
    if (!removed) throw new CachedModelNotFoundError(id);
    if (!shared) await rm(this.blobPath(removed.sha256, removed.fileName), { force: true });
    await rm(this.partialPath(removed.ref), { force: true });
    return this.toCachedModel(removed);
  }

  private toCachedModel(entry: StoredEntry): CachedModel {
    return {
      id: entry.id,
      ref: entry.ref,
      sourceUrl: entry.sourceUrl,
      fileName: entry.fileName,
      sizeBytes: entry.sizeBytes,
      sha256: entry.sha256,
      verified: entry.verified,
      path: this.blobPath(entry.sha256, entry.fileName),
      createdAt: entry.createdAt,
      lastUsedAt: entry.lastUsedAt,
    };
  }

  private async read(): Promise<StoredEntry[]> {
    await this.chain.catch(() => {});
    return this.readNow();
  }

  private async readNow(): Promise<StoredEntry[]> {
    let text: string;
    try {
      text = await readFile(this.indexPath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw asStateDirectoryError(error, this.indexPath, 'the model cache index cannot be read');
    }
    try {
      return IndexFile.parse(JSON.parse(text)).models;
    } catch (error) {
      // A torn or foreign index must not stop engines: set it aside and start over (the blobs stay).
      const aside = `${this.indexPath}.invalid-${this.now()}`;
      this.logger.warn(
        { path: this.indexPath, aside, err: error },
        'model-cache: index.json is invalid: set aside',
      );
      await rename(this.indexPath, aside).catch(() => {});
      return [];
    }
  }

  /** Read-modify-write of the index, serialised, written atomically (temp file + rename). */
  private update(change: (entries: StoredEntry[]) => StoredEntry[]): Promise<void> {
    const next = this.chain
      .catch(() => {})
      .then(async () => {
        const entries = change(await this.readNow());
        const text = `${JSON.stringify({ version: MODEL_CACHE_VERSION, models: entries }, null, 2)}\n`;
        const temporary = `${this.indexPath}.${process.pid}.${++this.sequence}.tmp`;
        try {
          await mkdir(this.root, { recursive: true });
          await writeFile(temporary, text, { mode: 0o600 });
          await rename(temporary, this.indexPath);
        } catch (error) {
          await rm(temporary, { force: true }).catch(() => {});
          throw asStateDirectoryError(error, this.indexPath, 'the model cache index was not saved');
        }
      });
    this.chain = next;
    return next;
  }
}
