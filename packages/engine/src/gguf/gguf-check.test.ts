import { describe, expect, it } from 'vitest';
import { tinyModelBytes } from '../models/ensure-tiny-model.js';
import { findTinyModel } from '../models/tiny-models.js';
import { bufferSource, checkGguf } from './gguf-check.js';
import { SeededRandom } from './seeded-random.js';

const tiny = tinyModelBytes(findTinyModel('sage/tiny-chat')!);

function check(bytes: Uint8Array) {
  return checkGguf(bufferSource(bytes), '/models/x.gguf');
}

/** The tiny model's bytes with a change. */
function patched(change: (bytes: Buffer) => void): Buffer {
  const copy = Buffer.from(tiny);
  change(copy);
  return copy;
}

describe('checkGguf', () => {
  it('accepts a real GGUF file and reports what it holds', async () => {
    const summary = await check(tiny);
    expect(summary).toMatchObject({ version: 3, architecture: 'llama', alignment: 32 });
    expect(summary.tensorCount).toBeGreaterThan(5);
    expect(summary.tensorBytes).toBeGreaterThan(1_000_000);
  });

  it.each([
    ['not GGUF at all', () => Buffer.from('PK\u0003\u0004 a zip file, not a model at all........')],
    ['too small', () => Buffer.from('GGUF')],
    ['an unknown version', () => patched((bytes) => bytes.writeUInt32LE(99, 4))],
    ['version 1', () => patched((bytes) => bytes.writeUInt32LE(1, 4))],
    ['no tensors', () => patched((bytes) => bytes.writeBigUInt64LE(0n, 8))],
    ['a tensor count past the file', () => patched((bytes) => bytes.writeBigUInt64LE(10n ** 9n, 8))],
    ['a metadata count past the file', () => patched((bytes) => bytes.writeBigUInt64LE(2n ** 40n, 16))],
    ['truncated tensor data', () => tiny.subarray(0, tiny.length - 4096)],
    ['truncated metadata', () => tiny.subarray(0, 2000)],
  ])('refuses %s, naming the file', async (_name, bytes) => {
    await expect(check(bytes())).rejects.toThrow(/model file \/models\/x\.gguf cannot be loaded: /);
  });

  it('refuses garbage after a valid magic and version in milliseconds', async () => {
    const random = new SeededRandom(7);
    for (let trial = 0; trial < 50; trial += 1) {
      const bytes = Buffer.alloc(64 * 1024);
      for (let index = 0; index < bytes.length; index += 1) bytes[index] = Math.floor(random.next() * 256);
      bytes.write('GGUF', 0, 'ascii');
      bytes.writeUInt32LE(3, 4);
      const started = performance.now();
      await expect(check(bytes)).rejects.toThrow(/cannot be loaded/);
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });

  it('refuses a file whose first metadata key length is garbage', async () => {
    await expect(check(patched((bytes) => bytes.writeBigUInt64LE(2n ** 50n, 24)))).rejects.toThrow(
      /metadata key 0/,
    );
  });
});
