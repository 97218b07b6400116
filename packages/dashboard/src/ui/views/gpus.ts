import type { GpuListWire, GpuStatusWire } from '@sage/protocol';
import { ApiError, type ManagementClient } from '../api.js';
import { el, replaceChildren, svg } from '../dom.js';
import type { EngineStore } from '../engine-store.js';
import { gigabytes } from '../format.js';

/** A bar of the device's memory: used (driver) and reserved (control plane) against the total. */
function memoryBar(gpu: GpuStatusWire): SVGSVGElement {
  const total = gpu.memory_total_gb || 1;
  const used = Math.min(1, gpu.memory_used_gb / total) * 100;
  const reserved = Math.min(1, gpu.memory_reserved_gb / total) * 100;
  return svg(
    'svg',
    {
      class: 'memory-bar',
      viewBox: '0 0 100 8',
      preserveAspectRatio: 'none',
      role: 'img',
      'aria-label': `GPU ${gpu.index}: ${gigabytes(gpu.memory_used_gb)} used, ${gigabytes(gpu.memory_reserved_gb)} reserved of ${gigabytes(gpu.memory_total_gb)}`,
    },
    svg('rect', { class: 'bar-total', x: 0, y: 0, width: 100, height: 8 }),
    svg('rect', { class: 'bar-reserved', x: 0, y: 0, width: reserved, height: 4 }),
    svg('rect', { class: 'bar-used', x: 0, y: 4, width: used, height: 4 }),
  );
}

/**
 * GPUs: per device, memory used (what the driver reports) and reserved (what the control plane
 * set aside for engines), and which engines hold it. Refreshed on engine events and every few seconds.
 */
export function gpusView(
  client: ManagementClient,
  store: EngineStore,
  refreshMs: number,
): { element: HTMLElement; dispose: () => void } {
  const list = el('div', { class: 'gpus' });
  const status = el('p', { class: 'muted' });
  let latest: GpuListWire | null = null;

  const render = () => {
    if (!latest) return;
    if (latest.gpus.length === 0) {
      replaceChildren(list, el('p', { class: 'empty' }, 'No GPUs on this machine: engines run on CPU.'));
    } else {
      replaceChildren(
        list,
        ...latest.gpus.map((gpu) =>
          el(
            'article',
            { class: 'gpu', 'data-gpu-index': gpu.index },
            el('h3', {}, `GPU ${gpu.index} · ${gpu.name}${gpu.mock ? ' (mock)' : ''}`),
            memoryBar(gpu),
            el(
              'p',
              { class: 'gpu-numbers' },
              `used ${gigabytes(gpu.memory_used_gb)} · reserved ${gigabytes(gpu.memory_reserved_gb)} · free ${gigabytes(gpu.memory_free_gb)} of ${gigabytes(gpu.memory_total_gb)}`,
              gpu.utilization_percent === null ? null : ` · ${gpu.utilization_percent}% busy`,
            ),
            gpu.engine_ids.length === 0
              ? el('p', { class: 'muted' }, 'No engine holds it.')
              : el(
                  'ul',
                  { class: 'holders' },
                  ...gpu.engine_ids.map((engineId) => {
                    const engine = store.engines.get(engineId)?.engine;
                    return el(
                      'li',
                      {},
                      el('strong', {}, engineId),
                      engine
                        ? ` ${engine.model_id} · ${engine.status} · reserved ${gigabytes(engine.reserved_memory_gb)}`
                        : '',
                    );
                  }),
                ),
          ),
        ),
      );
    }
    const cpu = store.list().filter((entry) => entry.engine.gpu_ids.length === 0);
    status.textContent = `${cpu.length} engine(s) on CPU${latest.mock ? ' · GPUs are mocked (SAGE_DISABLE_NVML)' : ''}`;
  };

  const refresh = async () => {
    try {
      latest = await client.request<GpuListWire>('GET', '/v1/management/gpu');
      render();
    } catch (error) {
      status.textContent = error instanceof ApiError ? error.message : String(error);
    }
  };
  const unsubscribe = store.subscribe(() => void refresh());
  const timer = setInterval(() => void refresh(), refreshMs);
  void refresh();
  return {
    element: el(
      'section',
      { 'aria-labelledby': 'gpus-title' },
      el('h2', { id: 'gpus-title' }, 'GPUs'),
      list,
      status,
    ),
    dispose: () => {
      unsubscribe();
      clearInterval(timer);
    },
  };
}
