import type { EngineInfoWire, GpuStatusWire } from '@sage/protocol';

/** `3661` → `1h1m`; `42` → `42s`; `90061` → `1d1h`. */
export function formatUptime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '-';
  const whole = Math.floor(seconds);
  const days = Math.floor(whole / 86_400);
  const hours = Math.floor((whole % 86_400) / 3_600);
  const minutes = Math.floor((whole % 3_600) / 60);
  if (days > 0) return `${days}d${hours}h`;
  if (hours > 0) return `${hours}h${minutes}m`;
  if (minutes > 0) return `${minutes}m${whole % 60}s`;
  return `${whole}s`;
}

/** GB with at most one decimal: `24` → `24`, `7.25` → `7.3`. */
export function formatGb(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** The GPUs of an engine (`0,1`) or `CPU`. */
export function formatDevice(engine: Pick<EngineInfoWire, 'gpu_ids' | 'device'>): string {
  return engine.gpu_ids.length === 0 ? 'CPU' : engine.gpu_ids.join(',');
}

/** `used/reserved/total GB` of one GPU. */
export function formatGpuMemory(gpu: GpuStatusWire): string {
  return `${formatGb(gpu.memory_used_gb)}/${formatGb(gpu.memory_reserved_gb)}/${formatGb(gpu.memory_total_gb)} GB`;
}

/** `37%`, or `-` when the driver does not say. */
export function formatPercent(value: number | null): string {
  return value === null ? '-' : `${Math.round(value)}%`;
}

/** A value or `-`. */
export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '-' : String(value);
}

/** How the engine's last process ended: `not_startable:65`, `killed:SIGKILL`, or `-`. */
export function formatLastExit(
  engine: Pick<EngineInfoWire, 'last_exit_class' | 'last_exit_code' | 'last_exit_signal'>,
): string {
  if (!engine.last_exit_class) return '-';
  const how = engine.last_exit_signal ?? engine.last_exit_code;
  return how === null || how === undefined ? engine.last_exit_class : `${engine.last_exit_class}:${how}`;
}
