import { describe, expect, it } from 'vitest';
import { writeGguf } from './gguf-writer.js';

describe('writeGguf', () => {
  it('writes the GGUF v3 header, metadata and 32-byte aligned tensor data', () => {
    const bytes = writeGguf({
      metadata: [['general.name', { type: 'string', value: 'x' }]],
      tensors: [
        { name: 'a', dimensions: [3], data: new Float32Array([1, 2, 3]) },
        { name: 'b', dimensions: [2], data: new Float32Array([4, 5]) },
      ],
      alignment: 32,
    });
    expect(bytes.subarray(0, 4).toString('ascii')).toBe('GGUF');
    expect(bytes.readUInt32LE(4)).toBe(3);
    expect(bytes.readBigUInt64LE(8)).toBe(2n);
    // general.name plus the general.alignment the writer adds.
    expect(bytes.readBigUInt64LE(16)).toBe(2n);
    // Tensor data is at the end: b's data starts 32 bytes after a's and the file ends padded.
    expect(bytes.length % 32).toBe(0);
    const dataStart = bytes.length - 64;
    expect(bytes.readFloatLE(dataStart)).toBe(1);
    expect(bytes.readFloatLE(dataStart + 32)).toBe(4);
  });

  it('refuses a tensor whose data does not match its dimensions', () => {
    expect(() =>
      writeGguf({
        metadata: [],
        tensors: [{ name: 'a', dimensions: [2, 2], data: new Float32Array(3) }],
        alignment: 32,
      }),
    ).toThrow(/tensor 'a'/);
  });
});
