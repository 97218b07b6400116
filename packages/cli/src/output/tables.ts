import type { CatalogModelStatusWire, EngineInfoWire, GpuStatusWire } from '@sage/protocol';
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

/** The state, with the share downloaded while DOWNLOADING (`DOWNLOADING 38%`). */
function stateCell(engine: EngineInfoWire): string {
  const download = engine.download;
  if (engine.status !== 'DOWNLOADING' || !download?.total_bytes) return engine.status;
  return `DOWNLOADING ${Math.floor((download.downloaded_bytes / download.total_bytes) * 100)}%`;
}

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
      stateCell(engine),
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

const CATALOG_COLUMNS: TableColumn[] = [
  { header: 'name' },
  { header: 'model' },
  { header: 'kind' },
  { header: 'state' },
  { header: 'replicas', align: 'right' },
  { header: 'ttl', align: 'right' },
  { header: 'priority' },
  { header: 'memory gb', align: 'right' },
];

/** The extra columns of `-o wide`. */
const CATALOG_WIDE_COLUMNS: TableColumn[] = [
  { header: 'aliases' },
  { header: 'backend' },
  { header: 'engines' },
  { header: 'last used' },
  { header: 'last error' },
];

/** The catalog table of `sage llm model list`; `wide` adds columns. */
export function catalogTable(
  models: readonly CatalogModelStatusWire[],
  options: { wide?: boolean } = {},
): string {
  if (models.length === 0) return 'no catalog models (add models: to sage.yaml)';
  const wide = options.wide === true;
  return renderTable(
    wide ? [...CATALOG_COLUMNS, ...CATALOG_WIDE_COLUMNS] : CATALOG_COLUMNS,
    models.map((model) => [
      model.name,
      model.model_id,
      model.kind,
      model.state,
      `${model.replicas}/${model.max_replicas}`,
      model.ttl_s === 0 ? 'never' : `${model.ttl_s}s`,
      model.pinned ? `${model.priority} (pinned)` : model.priority,
      model.memory_gb === null ? 'est.' : formatGb(model.memory_gb),
      ...(wide
        ? [
            model.aliases.join(', ') || '-',
            orDash(model.backend),
            model.engine_ids.join(', ') || '-',
            orDash(model.last_used_at),
            orDash(model.last_error?.split('\n')[0]),
          ]
        : []),
    ]),
  );
}
