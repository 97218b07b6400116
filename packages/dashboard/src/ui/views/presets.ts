import type { CatalogModelStatusWire, PresetApplyWire } from '@sage/protocol';
import { ApiError, type ManagementClient } from '../api.js';
import { el, replaceChildren } from '../dom.js';
import type { EngineStore } from '../engine-store.js';
import { confirmAction } from './confirm.js';
import { createNotice } from './notice.js';

/** A built-in preset as `GET /v1/management/presets` lists it. */
interface PresetWire {
  name: string;
  description?: string;
  engines: Array<{
    name: string;
    model: string;
    kind: string;
    backend?: string;
    use_gpu?: boolean | null;
    gpu_ids?: number[];
    tensor_parallel?: number;
    port?: number;
    label?: string;
  }>;
}

function gpuChoice(engine: PresetWire['engines'][number]): string {
  if (engine.use_gpu === true) return engine.gpu_ids ? `yes (${engine.gpu_ids.join(',')})` : 'yes';
  if (engine.use_gpu === false) return 'no';
  return engine.kind === 'llm' ? 'auto (GPU)' : 'auto (CPU)';
}

/** The plan of a preset: one row per engine it starts (the CLI's `sage llm preset apply` plan). */
function planTable(preset: PresetWire): HTMLTableElement {
  const head = ['Engine', 'Model', 'Kind', 'Backend', 'GPU', 'Port'];
  return el(
    'table',
    { class: 'plan', 'aria-label': `Plan of ${preset.name}` },
    el('thead', {}, el('tr', {}, ...head.map((name) => el('th', { scope: 'col' }, name)))),
    el(
      'tbody',
      {},
      ...preset.engines.map((engine) =>
        el(
          'tr',
          {},
          el('th', { scope: 'row' }, engine.name),
          el('td', {}, engine.model),
          el('td', {}, engine.kind),
          el('td', {}, engine.backend ?? 'default'),
          el('td', {}, gpuChoice(engine)),
          el('td', {}, engine.port === undefined ? 'auto' : String(engine.port)),
        ),
      ),
    ),
  );
}

/**
 * Presets (each with its plan, shown before it is applied) and the model catalog of `sage.yaml`
 * (`GET /v1/management/catalog`: state, replicas, load and unload).
 */
export function presetsView(
  client: ManagementClient,
  store: EngineStore,
): { element: HTMLElement; dispose: () => void } {
  const notice = createNotice();
  const presets = el('div', { class: 'presets' });
  const catalog = el('div', { class: 'catalog' });

  const apply = async (preset: PresetWire) => {
    const ok = await confirmAction({
      title: `Apply preset ${preset.name}?`,
      body: el('div', {}, el('p', {}, 'These engines will be started:'), planTable(preset)),
      confirmLabel: 'Apply preset',
    });
    if (!ok) return;
    notice.ok(`Applying ${preset.name}: starting ${preset.engines.length} engine(s)…`);
    try {
      const applied = await client.request<PresetApplyWire>('POST', '/v1/management/presets/apply', {
        name: preset.name,
      });
      for (const engine of applied.engines) store.put(engine);
      notice.ok(`Applied ${preset.name}: ${applied.engines.map((engine) => engine.engine_id).join(', ')}`);
    } catch (error) {
      notice.error(`Not applied: ${error instanceof ApiError ? error.message : String(error)}`);
    }
  };

  const loadPresets = async () => {
    try {
      const body = await client.request<{ presets: PresetWire[] }>('GET', '/v1/management/presets');
      replaceChildren(
        presets,
        ...body.presets.map((preset) =>
          el(
            'article',
            { class: 'preset', 'data-preset': preset.name },
            el('h3', {}, preset.name),
            el('p', {}, preset.description ?? ''),
            planTable(preset),
            el(
              'button',
              { type: 'button', class: 'primary', onclick: () => void apply(preset) },
              `Apply ${preset.name}…`,
            ),
          ),
        ),
      );
    } catch (error) {
      replaceChildren(
        presets,
        el('p', { class: 'error' }, error instanceof ApiError ? error.message : String(error)),
      );
    }
  };

  const modelAction = async (model: CatalogModelStatusWire, verb: 'load' | 'unload') => {
    if (
      verb === 'unload' &&
      !(await confirmAction({
        title: `Unload ${model.name}?`,
        body: 'Its engines are drained and stopped; the next request for it loads it again.',
        confirmLabel: 'Unload',
        danger: true,
      }))
    )
      return;
    try {
      await client.request('POST', `/v1/management/catalog/${encodeURIComponent(model.name)}/${verb}`);
      notice.ok(`${verb === 'load' ? 'Loaded' : 'Unloaded'} ${model.name}`);
      await loadCatalog();
    } catch (error) {
      notice.error(error instanceof ApiError ? error.message : String(error));
    }
  };

  const loadCatalog = async () => {
    try {
      const body = await client.request<{ models: CatalogModelStatusWire[] }>(
        'GET',
        '/v1/management/catalog',
      );
      if (body.models.length === 0) {
        replaceChildren(
          catalog,
          el('p', { class: 'empty' }, 'No catalog models: list some under models: in sage.yaml.'),
        );
        return;
      }
      const head = ['Name', 'Model', 'Kind', 'State', 'Replicas', 'Idle TTL', 'Last used', 'Actions'];
      replaceChildren(
        catalog,
        el(
          'table',
          { class: 'catalog-table' },
          el('thead', {}, el('tr', {}, ...head.map((name) => el('th', { scope: 'col' }, name)))),
          el(
            'tbody',
            {},
            ...body.models.map((model) =>
              el(
                'tr',
                { 'data-model': model.name },
                el('th', { scope: 'row' }, model.name),
                el('td', {}, model.model_id),
                el('td', {}, model.kind),
                el('td', {}, model.state),
                el('td', {}, `${model.replicas} (${model.min_replicas}–${model.max_replicas})`),
                el('td', {}, model.ttl_s === 0 ? 'never' : `${model.ttl_s}s`),
                el('td', {}, model.last_used_at ?? '—'),
                el(
                  'td',
                  {},
                  el('button', { type: 'button', onclick: () => void modelAction(model, 'load') }, 'Load'),
                  ' ',
                  el(
                    'button',
                    { type: 'button', class: 'danger', onclick: () => void modelAction(model, 'unload') },
                    'Unload',
                  ),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (error) {
      replaceChildren(
        catalog,
        el('p', { class: 'error' }, error instanceof ApiError ? error.message : String(error)),
      );
    }
  };

  void loadPresets();
  void loadCatalog();
  return {
    element: el(
      'section',
      { 'aria-labelledby': 'presets-title' },
      el('h2', { id: 'presets-title' }, 'Presets'),
      notice.element,
      presets,
      el('h2', {}, 'Model catalog'),
      catalog,
    ),
    dispose: () => {},
  };
}
