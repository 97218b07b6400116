import type { EngineInfoWire, GpuStatusWire } from '@sage/protocol';
import {
  formatDevice,
  formatGb,
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

/** The extra columns of `-o wide`. */
const ENGINE_WIDE_COLUMNS: TableColumn[] = [
  { header: 'label' },
  { header: 'host' },
  { header: 'reserved gb', align: 'right' },
  { header: 'max conc', align: 'right' },
  { header: 'created' },
  { header: 'last error' },
];

/** The engine table of `sage llm engine list` (and `status`, `preset apply`); `wide` adds columns. */
export function engineTable(engines: readonly EngineInfoWire[], options: { wide?: boolean } = {}): string {
  if (engines.length === 0) return 'no engines';
  const wide = options.wide === true;
  return renderTable(
    wide ? [...ENGINE_COLUMNS, ...ENGINE_WIDE_COLUMNS] : ENGINE_COLUMNS,
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
      ...(wide
        ? [
            orDash(engine.engine_label),
            engine.host,
            formatGb(engine.reserved_memory_gb),
            String(engine.max_concurrent_requests),
            engine.created_at,
            oneLine(engine.last_error),
          ]
        : []),
    ]),
  );
}

/** A cell never breaks the table: the first line of `text`, at most 60 characters. */
function oneLine(text: string | null): string {
  if (!text) return '-';
  const first = text.split('\n')[0] ?? '';
  return first.length > 60 ? `${first.slice(0, 59)}…` : first;
}

const GPU_COLUMNS: TableColumn[] = [
  { header: 'gpu', align: 'right' },
  { header: 'name' },
  { header: 'used/reserved/total' },
  { header: 'free', align: 'right' },
  { header: 'util', align: 'right' },
  { header: 'engines' },
];

/** The GPU table of `sage llm gpu`; `wide` adds the UUID. */
export function gpuTable(gpus: readonly GpuStatusWire[], options: { wide?: boolean } = {}): string {
  const wide = options.wide === true;
  return renderTable(
    wide ? [...GPU_COLUMNS, { header: 'uuid' }] : GPU_COLUMNS,
    gpus.map((gpu) => [
      String(gpu.index),
      gpu.mock ? `${gpu.name} (mock)` : gpu.name,
      formatGpuMemory(gpu),
      `${Math.round(gpu.memory_free_gb * 10) / 10} GB`,
      formatPercent(gpu.utilization_percent),
      gpu.engine_ids.length === 0 ? '-' : gpu.engine_ids.join(','),
      ...(wide ? [orDash(gpu.uuid)] : []),
    ]),
  );
}
