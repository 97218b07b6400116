/**
 * A small seeded PRNG (mulberry32) so generated model weights are identical on every run and
 * platform. Not for anything that needs real randomness.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let value = this.state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [-scale, scale). */
  symmetric(scale: number): number {
    return (this.next() * 2 - 1) * scale;
  }

  /** `count` values uniform in [-scale, scale), as float32. */
  float32Array(count: number, scale: number): Float32Array {
    const values = new Float32Array(count);
    for (let index = 0; index < count; index += 1) values[index] = this.symmetric(scale);
    return values;
  }
}
