import { describe, expect, it } from 'vitest';
import { ProgressMeter } from './progress-meter.js';

describe('ProgressMeter', () => {
  it('reports the rate over recent seconds and the ETA it implies', () => {
    const meter = new ProgressMeter('r', 10_000, 1_000, 0);
    expect(meter.sample(1_000, 0)).toMatchObject({ bytesPerSecond: 0, etaSeconds: null });
    expect(meter.sample(3_000, 1_000)).toMatchObject({
      downloadedBytes: 3_000,
      bytesPerSecond: 2_000,
      etaSeconds: 3.5,
    });
    expect(meter.sample(10_000, 2_000)).toMatchObject({ etaSeconds: 0 });
  });

  it('has no ETA while the size is unknown', () => {
    const meter = new ProgressMeter('r', null, 0, 0);
    expect(meter.sample(500, 1_000)).toMatchObject({
      totalBytes: null,
      bytesPerSecond: 500,
      etaSeconds: null,
    });
  });
});
