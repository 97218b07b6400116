import { ApiError, type ManagementClient } from '../api.js';
import { el, replaceChildren } from '../dom.js';
import type { EngineStore } from '../engine-store.js';

/** Lines kept on the page; older ones are dropped from the top. */
const MAX_LINES = 5000;

/**
 * An engine's log, following: the last lines, then each new one as the engine writes it
 * (`GET /v1/management/engines/{id}/logs?tail=200&follow=true`, server-sent events). Lines are
 * text nodes: engine output is never parsed as HTML.
 */
export function logsView(
  client: ManagementClient,
  store: EngineStore,
  initial: string | null,
  onSelect: (engineId: string) => void,
): { element: HTMLElement; dispose: () => void } {
  const picker = el('select', { id: 'log-engine', name: 'engine' });
  const output = el('pre', { class: 'log', tabindex: 0, 'aria-label': 'Engine log', 'aria-live': 'off' });
  const status = el('p', { class: 'muted', role: 'status' });
  let follow: AbortController | null = null;
  let selected = initial;

  const fillPicker = () => {
    const ids = store.list().map((entry) => entry.engine.engine_id);
    const first = ids[0];
    if (selected === null && first !== undefined) {
      selected = first;
      start(first);
    }
    const current = [...picker.options].map((item) => item.value).join('\n');
    if (current === ids.join('\n')) return;
    replaceChildren(
      picker,
      ...ids.map((id) =>
        el(
          'option',
          { value: id, selected: id === selected },
          `${id} (${store.engines.get(id)?.engine.model_id ?? ''})`,
        ),
      ),
    );
  };

  const append = (line: string) => {
    const atBottom = output.scrollTop + output.clientHeight >= output.scrollHeight - 4;
    output.append(el('span', { class: 'log-line' }, line), '\n');
    while (output.childNodes.length > MAX_LINES * 2) {
      output.firstChild?.remove();
      output.firstChild?.remove();
    }
    if (atBottom) output.scrollTop = output.scrollHeight;
  };

  function start(engineId: string): void {
    follow?.abort();
    const controller = new AbortController();
    follow = controller;
    replaceChildren(output);
    status.textContent = `Connecting to the log of ${engineId}…`;
    const path = `/v1/management/engines/${encodeURIComponent(engineId)}/logs?tail=200&follow=true`;
    client
      .stream(
        path,
        controller.signal,
        (event) => {
          const { line } = JSON.parse(event.data) as { line: string };
          append(line);
        },
        // Only once the gateway answered does it follow: lines written before may be in the tail.
        () => {
          if (!controller.signal.aborted) status.textContent = `Following ${engineId}…`;
        },
      )
      .then(() => {
        if (!controller.signal.aborted) status.textContent = `The log of ${engineId} ended.`;
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        status.textContent = error instanceof ApiError ? error.message : String(error);
      });
  }

  picker.addEventListener('change', () => {
    selected = picker.value;
    onSelect(selected);
    start(selected);
  });
  const unsubscribe = store.subscribe(fillPicker);
  if (selected !== null) start(selected);
  fillPicker();
  return {
    element: el(
      'section',
      { 'aria-labelledby': 'logs-title' },
      el('h2', { id: 'logs-title' }, 'Engine log'),
      el('div', { class: 'field inline' }, el('label', { for: 'log-engine' }, 'Engine'), picker),
      output,
      status,
    ),
    dispose: () => {
      unsubscribe();
      follow?.abort();
    },
  };
}
