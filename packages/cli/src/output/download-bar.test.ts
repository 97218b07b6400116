import { formatBytes } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { formatEta, renderDownloadBar } from './download-bar.js';

describe('download bar', () => {
  it('shows the share done, sizes, rate and ETA', () => {
    expect(
      renderDownloadBar(
        {
          ref: 'r',
          downloaded_bytes: 600 * 1024 ** 2,
          total_bytes: 1.5 * 1024 ** 3,
          bytes_per_second: 12.3 * 1024 ** 2,
          eta_seconds: 75,
        },
        10,
      ),
    ).toBe('[####......]  39%  600.0 MB / 1.5 GB  12.3 MB/s  ETA 1m15s');
  });

  it('shows bytes and rate while the size is unknown', () => {
    expect(
      renderDownloadBar({
        ref: 'r',
        downloaded_bytes: 2048,
        total_bytes: null,
        bytes_per_second: 0,
        eta_seconds: null,
      }),
    ).toBe('2.0 KB  0 B/s');
  });

  it.each([
    [512, '512 B'],
    [1536, '1.5 KB'],
    [3 * 1024 ** 3, '3.0 GB'],
  ])('formats %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it.each([
    [null, '?'],
    [9.6, '10s'],
    [3725, '1h02m'],
  ])('formats an ETA of %s as %s', (seconds, text) => {
    expect(formatEta(seconds)).toBe(text);
  });
});
