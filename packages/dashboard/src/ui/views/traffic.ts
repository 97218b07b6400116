import type { ManagementStatsWire, TrafficSummaryWire } from '@sage/protocol';
import { ApiError, type ManagementClient } from '../api.js';
import { lineChart } from '../chart.js';
import { el, replaceChildren } from '../dom.js';
import { milliseconds } from '../format.js';

/** Points of history kept by the page for the latency and queue charts. */
const HISTORY = 60;

function errorsText(summary: TrafficSummaryWire): string {
  const types = Object.entries(summary.errors_by_type);
  if (types.length === 0) return String(summary.errors);
  return `${summary.errors} (${types.map(([type, count]) => `${type}: ${count}`).join(', ')})`;
}

function tile(label: string, value: string, name: string): HTMLElement {
  return el(
    'div',
    { class: 'tile', 'data-stat': name },
    el('span', { class: 'tile-label' }, label),
    el('strong', {}, value),
  );
}

/**
 * Traffic: requests/s, p50/p99 latency, TTFT, queue depth, errors by type, per model, from
 * `GET /v1/management/stats` (a compact JSON summary; the page never parses `/metrics`), with
 * small live charts. Polled every `refreshMs` while the dashboard is open.
 */
export function trafficView(
  client: ManagementClient,
  refreshMs: number,
): { element: HTMLElement; dispose: () => void } {
  const tiles = el('div', { class: 'tiles' });
  const charts = el('div', { class: 'charts' });
  const models = el('tbody');
  const status = el('p', { class: 'muted' });
  const p50: number[] = [];
  const p99: number[] = [];
  const queue: number[] = [];

  const render = (stats: ManagementStatsWire) => {
    const { total } = stats;
    for (const [list, value] of [
      [p50, total.latency_ms.p50 ?? 0],
      [p99, total.latency_ms.p99 ?? 0],
      [queue, stats.queue.depth],
    ] as const) {
      list.push(value);
      if (list.length > HISTORY) list.shift();
    }
    replaceChildren(
      tiles,
      tile('Requests/s', String(total.requests_per_second), 'requests-per-second'),
      tile(`Requests (${stats.window_seconds}s)`, String(total.requests), 'requests'),
      tile('Latency p50', milliseconds(total.latency_ms.p50), 'latency-p50'),
      tile('Latency p99', milliseconds(total.latency_ms.p99), 'latency-p99'),
      tile(
        'TTFT p50 / p99',
        `${milliseconds(total.ttft_ms.p50)} / ${milliseconds(total.ttft_ms.p99)}`,
        'ttft',
      ),
      tile('Queue', `${stats.queue.depth} / ${stats.queue.capacity}`, 'queue'),
      tile('In flight', String(stats.in_flight), 'in-flight'),
      tile('Errors', errorsText(total), 'errors'),
    );
    const perSecond = stats.series.map((point) => point.requests);
    const errors = stats.series.map((point) => point.errors);
    replaceChildren(
      charts,
      el(
        'figure',
        { class: 'chart-box', 'data-chart': 'requests' },
        lineChart(
          [
            { values: perSecond, className: 'line-requests' },
            { values: errors, className: 'line-errors' },
          ],
          `Requests per second over the last ${stats.window_seconds} seconds, now ${perSecond.at(-1) ?? 0}`,
        ),
        el('figcaption', {}, 'Requests per second (errors in red)'),
      ),
      el(
        'figure',
        { class: 'chart-box', 'data-chart': 'latency' },
        lineChart(
          [
            { values: p99, className: 'line-p99' },
            { values: p50, className: 'line-p50' },
          ],
          `Latency p50 ${milliseconds(total.latency_ms.p50)}, p99 ${milliseconds(total.latency_ms.p99)}`,
        ),
        el('figcaption', {}, 'Latency p50 and p99 (p99 darker)'),
      ),
      el(
        'figure',
        { class: 'chart-box', 'data-chart': 'queue' },
        lineChart([{ values: queue, className: 'line-queue' }], `Queue depth, now ${stats.queue.depth}`),
        el('figcaption', {}, 'Queue depth'),
      ),
    );
    replaceChildren(
      models,
      ...(stats.models.length === 0
        ? [el('tr', {}, el('td', { colspan: 7, class: 'empty' }, 'No requests in the window.'))]
        : stats.models.map((model) =>
            el(
              'tr',
              { 'data-model': model.model },
              el('th', { scope: 'row' }, model.model || '(no model)'),
              el('td', {}, String(model.requests)),
              el('td', {}, String(model.requests_per_second)),
              el('td', {}, milliseconds(model.latency_ms.p50)),
              el('td', {}, milliseconds(model.latency_ms.p99)),
              el('td', {}, `${milliseconds(model.ttft_ms.p50)} / ${milliseconds(model.ttft_ms.p99)}`),
              el('td', {}, errorsText(model)),
            ),
          )),
    );
    status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  };

  const refresh = async () => {
    try {
      render(await client.request<ManagementStatsWire>('GET', '/v1/management/stats'));
    } catch (error) {
      status.textContent = error instanceof ApiError ? error.message : String(error);
    }
  };
  const timer = setInterval(() => void refresh(), refreshMs);
  void refresh();
  const head = ['Model', 'Requests', 'Req/s', 'p50', 'p99', 'TTFT p50 / p99', 'Errors'];
  return {
    element: el(
      'section',
      { 'aria-labelledby': 'traffic-title' },
      el('h2', { id: 'traffic-title' }, 'Traffic'),
      tiles,
      charts,
      el('h3', {}, 'Per model'),
      el(
        'div',
        { class: 'table-wrap' },
        el(
          'table',
          { class: 'models' },
          el('thead', {}, el('tr', {}, ...head.map((name) => el('th', { scope: 'col' }, name)))),
          models,
        ),
      ),
      status,
    ),
    dispose: () => clearInterval(timer),
  };
}
