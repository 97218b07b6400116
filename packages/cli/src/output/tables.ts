import type { EngineInfoWire, GpuStatusWire } from '@sage/protocol';
import {
  formatDevice,
  formatGpuMemory,
  formatLastExit,
  formatPercent,
  formatUptime,
  orDash,
} from './format.js';
import { renderTable, type TableColumn } from './print.js';

const ENGINE_COLUMNS: TableColumn[] = [
  { header: 'id' },
  { header: 'model' },
  { header: 'kind' },
  { header: 'backend' },
  { header: 'state' },
  { header: 'port', align: 'right' },
  { header: 'gpus' },
  { header: 'pid', align: 'right' },
  { header: 'uptime', align: 'right' },
  { header: 'restarts', align: 'right' },
  { header: 'last exit' },
];

/** The engine table of `sage llm engine list` (and `status`, `preset apply`). */
export function engineTable(engines: readonly EngineInfoWire[]): string {
  if (engines.length === 0) return 'no engines';
  return renderTable(
    ENGINE_COLUMNS,
    engines.map((engine) => [
      engine.engine_id,
      engine.model_id,
      engine.engine_kind,
      engine.backend,
      engine.status,
      String(engine.port),
      formatDevice(engine),
      orDash(engine.pid),
      engine.status === 'RUNNING' ? formatUptime(engine.uptime_seconds) : '-',
      String(engine.restart_count),
      formatLastExit(engine),
    ]),
  );
}

const GPU_COLUMNS: TableColumn[] = [
  { header: 'gpu', align: 'right' },
  { header: 'name' },
  { header: 'used/reserved/total' },
  { header: 'free', align: 'right' },
  { header: 'util', align: 'right' },
  { header: 'engines' },
];

/** The GPU table of `sage llm gpu`. */
export function gpuTable(gpus: readonly GpuStatusWire[]): string {
  return renderTable(
    GPU_COLUMNS,
    gpus.map((gpu) => [
      String(gpu.index),
      gpu.mock ? `${gpu.name} (mock)` : gpu.name,
      formatGpuMemory(gpu),
      `${Math.round(gpu.memory_free_gb * 10) / 10} GB`,
      formatPercent(gpu.utilization_percent),
      gpu.engine_ids.length === 0 ? '-' : gpu.engine_ids.join(','),
    ]),
  );
}
