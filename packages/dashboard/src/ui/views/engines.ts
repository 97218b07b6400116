import type { EngineInfoWire } from '@sage/protocol';
import { ApiError, type ManagementClient } from '../api.js';
import { el, replaceChildren, setText } from '../dom.js';
import type { EngineEntry, EngineStore } from '../engine-store.js';
import { lastExitOf, placementOf, uptimeOf } from '../format.js';
import { confirmAction } from './confirm.js';
import { createNotice } from './notice.js';
import { startForm } from './start-form.js';

interface Row {
  element: HTMLTableRowElement;
  cells: Record<
    'model' | 'kind' | 'backend' | 'placement' | 'port' | 'uptime' | 'restarts' | 'exit',
    HTMLElement
  >;
  state: HTMLElement;
}

const COLUMNS = [
  'Engine',
  'Model',
  'Kind',
  'Backend',
  'State',
  'GPU',
  'Port',
  'Uptime',
  'Restarts',
  'Last exit',
  'Actions',
];

/**
 * The engines table, updated in place from the {@link EngineStore} (the event stream), with
 * start, restart, drain, stop and a link to each engine's log. Destructive actions confirm.
 */
export function enginesView(
  client: ManagementClient,
  store: EngineStore,
  openLog: (engineId: string) => void,
): { element: HTMLElement; dispose: () => void } {
  const notice = createNotice();
  const body = el('tbody');
  const empty = el('p', { class: 'empty' }, 'No engines yet: start one below, or apply a preset.');
  const rows = new Map<string, Row>();

  const act = async (label: string, run: () => Promise<EngineInfoWire | unknown>) => {
    notice.clear();
    try {
      const result = await run();
      if (result && typeof result === 'object' && 'engine_id' in result) store.put(result as EngineInfoWire);
      notice.ok(label);
    } catch (error) {
      notice.error(error instanceof ApiError ? error.message : String(error));
    }
  };

  const actions = (engineId: string) => {
    const path = `/v1/management/engines/${encodeURIComponent(engineId)}`;
    const ask = (verb: string, detail: string) =>
      confirmAction({ title: `${verb} ${engineId}?`, body: detail, confirmLabel: verb, danger: true });
    return el(
      'div',
      { class: 'row-actions' },
      el('button', { type: 'button', class: 'link', onclick: () => openLog(engineId) }, 'Log'),
      el(
        'button',
        {
          type: 'button',
          onclick: async () => {
            if (await ask('Restart', 'Its process is stopped and started again; requests in flight fail.'))
              await act(`Restarting ${engineId}`, () => client.request('POST', `${path}/restart`));
          },
        },
        'Restart',
      ),
      el(
        'button',
        {
          type: 'button',
          onclick: async () => {
            if (await ask('Drain', 'It takes no new requests, finishes those in flight, then stops.'))
              await act(`Draining ${engineId}`, () => client.request('DELETE', `${path}?drain=true`));
          },
        },
        'Drain',
      ),
      el(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: async () => {
            if (await ask('Stop', 'Its process is stopped now; requests in flight fail.'))
              await act(`Stopping ${engineId}`, () => client.request('DELETE', path));
          },
        },
        'Stop',
      ),
    );
  };

  const createRow = (engineId: string): Row => {
    const cell = () => el('td');
    const cells = {
      model: cell(),
      kind: cell(),
      backend: cell(),
      placement: cell(),
      port: cell(),
      uptime: cell(),
      restarts: cell(),
      exit: cell(),
    };
    const state = el('span', { class: 'state' });
    const element = el(
      'tr',
      { 'data-engine-id': engineId },
      el('th', { scope: 'row' }, engineId),
      cells.model,
      cells.kind,
      cells.backend,
      el('td', {}, state),
      cells.placement,
      cells.port,
      cells.uptime,
      cells.restarts,
      cells.exit,
      el('td', {}, actions(engineId)),
    );
    return { element, cells, state };
  };

  const update = (row: Row, entry: EngineEntry, now: number) => {
    const { engine } = entry;
    setText(row.cells.model, engine.model_id);
    setText(row.cells.kind, engine.engine_kind);
    setText(row.cells.backend, engine.backend);
    setText(row.cells.placement, placementOf(engine));
    setText(row.cells.port, String(engine.port));
    setText(row.cells.uptime, uptimeOf(engine, entry.receivedAt, now));
    setText(row.cells.restarts, String(engine.restart_count));
    setText(row.cells.exit, lastExitOf(engine));
    row.cells.exit.title = engine.last_error ?? '';
    setText(row.state, engine.status);
    row.state.className = `state state-${engine.status.toLowerCase()}`;
    row.element.dataset.state = engine.status;
  };

  const render = () => {
    const now = Date.now();
    const entries = store.list();
    for (const [engineId, row] of rows) {
      if (!store.engines.has(engineId)) {
        row.element.remove();
        rows.delete(engineId);
      }
    }
    let previous: HTMLTableRowElement | null = null;
    for (const entry of entries) {
      let row = rows.get(entry.engine.engine_id);
      if (!row) {
        row = createRow(entry.engine.engine_id);
        rows.set(entry.engine.engine_id, row);
      }
      update(row, entry, now);
      const expected: Element | null = previous ? previous.nextElementSibling : body.firstElementChild;
      if (expected !== row.element) body.insertBefore(row.element, expected);
      previous = row.element;
    }
    empty.hidden = entries.length > 0;
  };

  const prune = el(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: async () => {
        const ok = await confirmAction({
          title: 'Remove stopped and failed engines?',
          body: 'Their records are removed from the list; their log files stay.',
          confirmLabel: 'Remove',
          danger: true,
        });
        if (!ok) return;
        await act('Removed stopped engines', async () => {
          const result = await client.request<{ removed: string[] }>('POST', '/v1/management/engines/prune');
          for (const engineId of result.removed) store.engines.delete(engineId);
          render();
          return result;
        });
      },
    },
    'Remove stopped',
  );

  const unsubscribe = store.subscribe(render);
  const ticker = setInterval(render, 1000);
  render();
  const element = el(
    'section',
    { 'aria-labelledby': 'engines-title' },
    el('div', { class: 'section-head' }, el('h2', { id: 'engines-title' }, 'Engines'), prune),
    notice.element,
    el(
      'div',
      { class: 'table-wrap' },
      el(
        'table',
        { class: 'engines' },
        el('thead', {}, el('tr', {}, ...COLUMNS.map((name) => el('th', { scope: 'col' }, name)))),
        body,
      ),
    ),
    empty,
    startForm(client, (engine) => store.put(engine)),
  );
  return {
    element,
    dispose: () => {
      unsubscribe();
      clearInterval(ticker);
      replaceChildren(body);
    },
  };
}
