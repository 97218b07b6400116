/**
 * Pure parsers for `nvidia-smi` CSV queries (STYLE G7). They accept `--format=csv` with or
 * without `noheader` and `nounits`: with a header, columns are found by name; without one, they
 * are taken in the order of the query's fields. `[N/A]` and `[Not Supported]` become null.
 */

/** Fields of the GPU query, in the order the control plane asks for them. */
export const GPU_QUERY_FIELDS = [
  'index',
  'uuid',
  'name',
  'memory.total',
  'memory.used',
  'memory.free',
  'utilization.gpu',
] as const;

/** Fields of the per-process query, in the order the control plane asks for them. */
export const COMPUTE_APPS_QUERY_FIELDS = ['pid', 'gpu_uuid', 'used_memory'] as const;

/** The argv for the GPU query. */
export function gpuQueryArgs(): string[] {
  return [`--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
}

/** The argv for the per-process query. */
export function computeAppsQueryArgs(): string[] {
  return [`--query-compute-apps=${COMPUTE_APPS_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
}

/** One GPU row. Memory in MiB, as nvidia-smi reports it. */
export interface NvidiaSmiGpu {
  index: number;
  uuid: string | null;
  name: string;
  memoryTotalMib: number;
  memoryUsedMib: number | null;
  memoryFreeMib: number | null;
  utilizationPercent: number | null;
}

/** One compute process on one GPU. */
export interface NvidiaSmiComputeApp {
  pid: number;
  gpuUuid: string;
  usedMemoryMib: number | null;
}

/** Header names nvidia-smi prints that differ from the query field names. */
const HEADER_ALIASES: Record<string, string> = { used_gpu_memory: 'used_memory' };

/** Parse `--query-gpu` output. Rows without a numeric index or total memory are skipped. */
export function parseGpuQuery(text: string, fields: readonly string[] = GPU_QUERY_FIELDS): NvidiaSmiGpu[] {
  const gpus: NvidiaSmiGpu[] = [];
  for (const row of parseRows(text, fields, 'index')) {
    const index = parseNumber(row.get('index'));
    const memoryTotalMib = parseNumber(row.get('memory.total'));
    if (index === null || !Number.isInteger(index) || memoryTotalMib === null) continue;
    gpus.push({
      index,
      uuid: parseText(row.get('uuid')),
      name: parseText(row.get('name')) ?? `GPU ${index}`,
      memoryTotalMib,
      memoryUsedMib: parseNumber(row.get('memory.used')),
      memoryFreeMib: parseNumber(row.get('memory.free')),
      utilizationPercent: parseNumber(row.get('utilization.gpu')),
    });
  }
  return gpus;
}

/** Parse `--query-compute-apps` output. Rows without a numeric pid or a GPU uuid are skipped. */
export function parseComputeAppsQuery(
  text: string,
  fields: readonly string[] = COMPUTE_APPS_QUERY_FIELDS,
): NvidiaSmiComputeApp[] {
  const apps: NvidiaSmiComputeApp[] = [];
  for (const row of parseRows(text, fields, 'pid')) {
    const pid = parseNumber(row.get('pid'));
    const gpuUuid = parseText(row.get('gpu_uuid'));
    if (pid === null || !Number.isInteger(pid) || gpuUuid === null) continue;
    apps.push({ pid, gpuUuid, usedMemoryMib: parseNumber(row.get('used_memory')) });
  }
  return apps;
}

/** Split CSV lines into field → raw cell maps, using the header when there is one. */
function parseRows(text: string, fields: readonly string[], firstField: string): Map<string, string>[] {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  let columns: readonly string[] = fields;
  const rows: Map<string, string>[] = [];
  for (const line of lines) {
    const cells = line.split(',').map((cell) => cell.trim());
    if (cells[0] === firstField) {
      columns = cells.map(headerField);
      continue;
    }
    rows.push(new Map(columns.map((column, position) => [column, cells[position] ?? ''])));
  }
  return rows;
}

/** `memory.total [MiB]` → `memory.total`; `used_gpu_memory [MiB]` → `used_memory`. */
function headerField(cell: string): string {
  const name = cell.replace(/\s*\[[^\]]*\]\s*$/, '').trim();
  return HEADER_ALIASES[name] ?? name;
}

/** A cell that nvidia-smi could not fill: `[N/A]`, `[Not Supported]`, `N/A`, empty. */
function isMissing(cell: string | undefined): boolean {
  if (cell === undefined) return true;
  const value = cell.trim();
  return value === '' || /^\[.*\]$/.test(value) || /^n\/a$/i.test(value);
}

function parseText(cell: string | undefined): string | null {
  return isMissing(cell) ? null : cell!.trim();
}

/** `81559 MiB`, `81559`, `37 %` → the number; missing or non-numeric → null. */
function parseNumber(cell: string | undefined): number | null {
  if (isMissing(cell)) return null;
  const match = /^(-?\d+(?:\.\d+)?)\s*(?:MiB|%|W|C)?$/i.exec(cell!.trim());
  return match ? Number(match[1]) : null;
}
