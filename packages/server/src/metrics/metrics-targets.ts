import { type EngineInfo, hasLiveProcess } from '@sage/protocol';

/** One target group of Prometheus' HTTP service discovery (`http_sd_configs`). */
export interface MetricsTargetGroup {
  /** `host:port` of one engine. */
  targets: string[];
  /** Attached to every series scraped from the engine. */
  labels: Record<string, string>;
}

/** `host:port` with IPv6 hosts in brackets, as Prometheus expects a target. */
function targetOf(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return reachable.includes(':') && !reachable.startsWith('[')
    ? `[${reachable}]:${port}`
    : `${reachable}:${port}`;
}

/**
 * The engines Prometheus should scrape (those with a live process), one target group each, in the shape of Prometheus'
 * HTTP service discovery: `[{ targets: ['127.0.0.1:8001'], labels: { engine_id, model, backend,
 * engine_kind, __metrics_path__ } }]`. Pure: the route passes `manager.listEngines()`.
 *
 * @example
 * ```ts
 * metricsTargets(manager.listEngines()); // [{ targets: ['127.0.0.1:8001'], labels: { engine_id: 'engine-1a2b', … } }]
 * ```
 */
export function metricsTargets(engines: readonly EngineInfo[]): MetricsTargetGroup[] {
  return engines
    .filter((engine) => hasLiveProcess(engine.status))
    .map((engine) => ({
      targets: [targetOf(engine.host, engine.port)],
      labels: {
        __metrics_path__: '/metrics',
        engine_id: engine.engineId,
        model: engine.modelId,
        backend: engine.backend,
        engine_kind: engine.engineKind,
      },
    }));
}
