import { collectDefaultMetrics, Registry } from 'prom-client';

let shared: Registry | undefined;

/**
 * Gauges prom-client names `*_total`, which `promtool check metrics` rejects ("non-counter
 * metrics should not have _total suffix"); the same counts stay, by type, in `nodejs_active_handles`,
 * `nodejs_active_requests` and `nodejs_active_resources`.
 */
const NOT_PROMTOOL_CLEAN = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * prom-client's default `process_*` and `nodejs_*` series (CPU, memory, file descriptors, event
 * loop lag, GC, heap) in one registry per process. They describe the process, not a gateway, and
 * the event-loop monitor is a timer: a process holding several gateways (tests do) keeps one.
 * Read at scrape time only; nothing runs on the request path.
 */
export function runtimeMetricsRegistry(): Registry {
  if (shared === undefined) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
    for (const name of NOT_PROMTOOL_CLEAN) shared.removeSingleMetric(name);
  }
  return shared;
}
