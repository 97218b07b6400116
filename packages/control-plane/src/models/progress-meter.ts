import type { DownloadProgress } from '@sage/protocol';

/** The rate is measured over this much recent time. */
const WINDOW_MS = 5_000;

/**
 * Download progress with a rate over the last few seconds and the ETA it implies (pure: the
 * clock is given).
 *
 * @example
 * const meter = new ProgressMeter('hf:o/r/m.gguf', 1000, 0, 0);
 * meter.sample(500, 1000); // { downloadedBytes: 500, bytesPerSecond: 500, etaSeconds: 1, … }
 */
export class ProgressMeter {
  private readonly samples: Array<{ at: number; bytes: number }> = [];

  constructor(
    private readonly ref: string,
    private readonly totalBytes: number | null,
    startBytes: number,
    startedAt: number,
  ) {
    this.samples.push({ at: startedAt, bytes: startBytes });
  }

  sample(downloadedBytes: number, at: number): DownloadProgress {
    this.samples.push({ at, bytes: downloadedBytes });
    while (this.samples.length > 2 && at - (this.samples[1]?.at ?? at) >= WINDOW_MS) this.samples.shift();
    const first = this.samples[0] as { at: number; bytes: number };
    const elapsedSeconds = (at - first.at) / 1000;
    const bytesPerSecond =
      elapsedSeconds > 0 ? Math.max(0, (downloadedBytes - first.bytes) / elapsedSeconds) : 0;
    const remaining = this.totalBytes === null ? null : Math.max(0, this.totalBytes - downloadedBytes);
    const etaSeconds =
      remaining === null
        ? null
        : remaining === 0
          ? 0
          : bytesPerSecond > 0
            ? remaining / bytesPerSecond
            : null;
    return {
      ref: this.ref,
      downloadedBytes,
      totalBytes: this.totalBytes,
      bytesPerSecond: Math.round(bytesPerSecond),
      etaSeconds: etaSeconds === null ? null : Math.round(etaSeconds * 10) / 10,
    };
  }
}
