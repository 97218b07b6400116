import { collectDefaultMetrics, Registry } from 'prom-client';

let shared: Registry | undefined;

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
  }
  return shared;
}
