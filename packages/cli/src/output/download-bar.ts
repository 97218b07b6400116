import { type DownloadProgressWire, formatBytes } from '@sage/protocol';

/** `45s`, `3m05s`, `1h02m`; `?` when unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * One line of download progress (pure):
 * `[#########...............]  38%  600.0 MB / 1.5 GB  12.3 MB/s  ETA 1m15s`.
 */
export function renderDownloadBar(progress: DownloadProgressWire, width = 24): string {
  const rate = `${formatBytes(progress.bytes_per_second)}/s`;
  if (progress.total_bytes === null || progress.total_bytes === 0) {
    return `${formatBytes(progress.downloaded_bytes)}  ${rate}`;
  }
  const fraction = Math.min(1, progress.downloaded_bytes / progress.total_bytes);
  const filled = Math.round(fraction * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const percent = `${String(Math.floor(fraction * 100)).padStart(3)}%`;
  return `${bar} ${percent}  ${formatBytes(progress.downloaded_bytes)} / ${formatBytes(progress.total_bytes)}  ${rate}  ETA ${formatEta(progress.eta_seconds)}`;
}
