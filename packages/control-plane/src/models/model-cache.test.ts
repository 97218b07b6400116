import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelCache } from './model-cache.js';

const SHA = 'a'.repeat(64);

async function cacheWithBlob() {
  const cache = new ModelCache({ root: join(mkdtempSync(join(tmpdir(), 'sage-cache-')), 'cache') });
  await cache.prepare();
  writeFileSync(cache.blobPath(SHA, 'm.gguf'), 'GGUF1234');
  const entry = {
    ref: 'hf:o/r/m.gguf#main',
    aliases: ['hf:o/r:Q4#main'],
    sourceUrl: 'https://hub/m.gguf',
    fileName: 'm.gguf',
    sizeBytes: 8,
    sha256: SHA,
    verified: true,
  };
  return { cache, entry };
}

describe('ModelCache', () => {
  it('finds an entry by id, reference or alias, and forgets one whose file is gone', async () => {
    const { cache, entry } = await cacheWithBlob();
    const model = await cache.add(entry);
    expect(model.id).toMatch(/^[a-f0-9]{16}$/);
    expect(model.path).toBe(join(cache.root, 'blobs', `sha256-${SHA}.gguf`));
    for (const key of [model.id, entry.ref, 'hf:o/r:Q4#main'])
      expect((await cache.find(key))?.id).toBe(model.id);
    writeFileSync(model.path, 'short');
    expect(await cache.find(entry.ref)).toBeUndefined();
    expect(await cache.list()).toEqual([]);
  });

  it('deletes a file only when no other entry shares it, and refuses ids that are not cache ids', async () => {
    const { cache, entry } = await cacheWithBlob();
    const first = await cache.add(entry);
    const second = await cache.add({ ...entry, ref: 'https://mirror/m.gguf', aliases: [] });
    await cache.remove(first.id);
    expect(readdirSync(join(cache.root, 'blobs'))).toHaveLength(1);
    await cache.remove(second.id);
    expect(readdirSync(join(cache.root, 'blobs'))).toHaveLength(0);
    await expect(cache.remove(first.id)).rejects.toThrow(/no cached model/);
    await expect(cache.remove('../../registry')).rejects.toThrow(/no cached model/);
  });

  it('sets an invalid index aside instead of failing', async () => {
    const { cache } = await cacheWithBlob();
    mkdirSync(cache.root, { recursive: true });
    writeFileSync(join(cache.root, 'index.json'), '{ torn');
    expect(await cache.list()).toEqual([]);
    expect(readdirSync(cache.root).some((name) => name.startsWith('index.json.invalid-'))).toBe(true);
  });
});
