import { describe, expect, it } from 'vitest';
import { l2Normalize, toBase64Float32 } from './vector-encoding.js';

describe('l2Normalize', () => {
  it('scales a vector to unit length and leaves a zero vector alone', () => {
    expect(l2Normalize([3, 4])).toEqual([0.6, 0.8]);
    expect(l2Normalize([0, 0])).toEqual([0, 0]);
  });
});

describe('toBase64Float32', () => {
  it('encodes little-endian float32 values that decode back to the same numbers', () => {
    const encoded = toBase64Float32([1, -0.5, 0.25]);
    const bytes = Buffer.from(encoded, 'base64');
    expect(bytes.length).toBe(12);
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4), bytes.readFloatLE(8)]).toEqual([1, -0.5, 0.25]);
  });
});
