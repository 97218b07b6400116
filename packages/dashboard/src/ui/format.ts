import type { EngineInfoWire } from '@sage/protocol';

/** `3725` → `1h 2m`; `42` → `42s`. */
function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes}m ${s % 60}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** States with a process whose uptime keeps counting. */
const LIVE = new Set(['STARTING', 'RUNNING', 'UNHEALTHY', 'DRAINING', 'DOWNLOADING']);

/** The uptime shown now: the reported one plus the time since the report, while a process lives. */
export function uptimeOf(engine: EngineInfoWire, receivedAt: number, now: number): string {
  if (!LIVE.has(engine.status)) return '—';
  return formatDuration(engine.uptime_seconds + (now - receivedAt) / 1000);
}

/** Where the engine runs: `GPU 0,1` or `CPU`. */
export function placementOf(engine: EngineInfoWire): string {
  return engine.gpu_ids.length > 0 ? `GPU ${engine.gpu_ids.join(',')}` : 'CPU';
}

/** The last exit in words: `killed (SIGKILL)`, `crashed (exit 1)`, or `—`. */
export function lastExitOf(engine: EngineInfoWire): string {
  const how = engine.last_exit_class;
  const detail = engine.last_exit_signal
    ? engine.last_exit_signal
    : engine.last_exit_code === null
      ? null
      : `exit ${engine.last_exit_code}`;
  if (!how && !detail) return '—';
  return detail ? `${how ?? 'exited'} (${detail})` : (how ?? '—');
}

/** `1.5` → `1.5 GB`. */
export function gigabytes(value: number): string {
  return `${Math.round(value * 10) / 10} GB`;
}

/** `12.3` → `12.3 ms`; null → `—`. */
export function milliseconds(value: number | null): string {
  if (value === null) return '—';
  return value >= 1000 ? `${Math.round(value / 100) / 10} s` : `${Math.round(value * 10) / 10} ms`;
}
