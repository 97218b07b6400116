import type { ControlPlane, ModelEvent, SchedulingDecisionEvent } from '@sage/control-plane';
import { EngineStatus } from '@sage/protocol';
import { Gauge } from 'prom-client';
import type { GatewayMetrics } from './gateway-metrics.js';

const BYTES_PER_GB = 1024 ** 3;
const ENGINE_STATES = EngineStatus.options;

/**
 * Connect `metrics` to a manager: gauges read at scrape time (queue depth and capacity, in-flight
 * requests per engine, engine state per engine, GPU memory per GPU) and counters fed by the
 * manager's events (restarts, scheduling decisions). Returns a function that detaches the event
 * listeners.
 */
export function observeManager(metrics: GatewayMetrics, manager: ControlPlane): () => void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'sage_scheduler_queue_depth',
    help: 'Requests waiting in the scheduler queue',
    registers,
    collect() {
      this.set(manager.queueSnapshot().depth);
    },
  });
  new Gauge({
    name: 'sage_scheduler_queue_capacity',
    help: 'Most requests the scheduler queue holds',
    registers,
    collect() {
      this.set(manager.queueSnapshot().capacity);
    },
  });
  new Gauge({
    name: 'sage_engine_in_flight_requests',
    help: 'Leased (forwarded, unfinished) requests per engine',
    labelNames: ['engine_id'] as const,
    registers,
    collect() {
      this.reset();
      for (const engine of manager.listEngines()) {
        this.set({ engine_id: engine.engineId }, manager.engineLoad(engine.engineId));
      }
    },
  });
  new Gauge({
    name: 'sage_engine_state',
    help: 'Engine state: 1 for the state the engine is in, 0 for the others',
    labelNames: ['engine_id', 'model', 'state'] as const,
    registers,
    collect() {
      this.reset();
      for (const engine of manager.listEngines()) {
        for (const state of ENGINE_STATES) {
          this.set(
            { engine_id: engine.engineId, model: engine.modelId, state },
            engine.status === state ? 1 : 0,
          );
        }
      }
    },
  });
  const gpuGauge = (
    name: string,
    help: string,
    field: 'memoryUsedGb' | 'memoryReservedGb' | 'memoryTotalGb',
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['gpu', 'name'] as const,
      registers,
      async collect() {
        this.reset();
        for (const gpu of await manager.getGpuStatus()) {
          this.set({ gpu: String(gpu.index), name: gpu.name }, gpu[field] * BYTES_PER_GB);
        }
      },
    });
  gpuGauge('sage_gpu_memory_used_bytes', 'GPU memory in use (driver view, all processes)', 'memoryUsedGb');
  gpuGauge(
    'sage_gpu_memory_reserved_bytes',
    'GPU memory reserved by the control plane for its engines',
    'memoryReservedGb',
  );
  gpuGauge('sage_gpu_memory_total_bytes', 'GPU memory in total', 'memoryTotalGb');

  new Gauge({
    name: 'sage_model_resident_memory_bytes',
    help: 'GPU memory reserved by the engines of each catalog model, per GPU (resident models)',
    labelNames: ['gpu', 'model'] as const,
    registers,
    collect() {
      this.reset();
      for (const status of manager.catalog.list()) {
        for (const engineId of status.engineIds) {
          const engine = manager.findEngine(engineId);
          for (const gpu of engine?.gpuIds ?? []) {
            const labels = { gpu: String(gpu), model: status.model.name };
            const perGpuGb = engine === undefined ? 0 : engine.reservedMemoryGb / engine.gpuIds.length;
            this.inc(labels, perGpuGb * BYTES_PER_GB);
          }
        }
      }
    },
  });
  new Gauge({
    name: 'sage_model_replicas',
    help: 'Alive engines of each catalog model',
    labelNames: ['model', 'state'] as const,
    registers,
    collect() {
      this.reset();
      for (const status of manager.catalog.list()) {
        this.set({ model: status.model.name, state: status.state }, status.engineIds.length);
      }
    },
  });

  const onModelEvent = (event: ModelEvent) => {
    if (event.type === 'load') {
      metrics.modelLoads.inc({ model: event.model, reason: event.reason, outcome: 'loaded' });
      metrics.modelLoadDuration.observe({ model: event.model }, event.durationMs / 1000);
    } else if (event.type === 'load-failed') {
      metrics.modelLoads.inc({ model: event.model, reason: event.reason, outcome: 'failed' });
    } else if (event.type === 'wake') {
      metrics.modelWakes.inc({ model: event.model, outcome: event.ok ? 'woken' : 'failed' });
      if (event.ok) metrics.modelWakeDuration.observe({ model: event.model }, event.durationMs / 1000);
    } else if (event.type === 'sleep') {
      metrics.modelSleeps.inc({ model: event.model, reason: event.reason });
      if (event.reason === 'evicted') {
        metrics.modelEvictions.inc({ model: event.model, for_model: event.forModel ?? '' });
      }
    } else {
      metrics.modelUnloads.inc({ model: event.model, reason: event.reason });
      if (event.reason === 'evicted') {
        metrics.modelEvictions.inc({ model: event.model, for_model: event.forModel ?? '' });
      }
    }
  };
  const onStateChange = (change: { engineId: string; to: string }) => {
    if (change.to !== 'RESTARTING') return;
    const model = manager.findEngine(change.engineId)?.modelId ?? '';
    metrics.engineRestarts.inc({ engine_id: change.engineId, model });
  };
  const onDecision = (event: SchedulingDecisionEvent) => {
    if (event.type === 'request-dispatched') {
      if (event.waitedForLoad) metrics.modelLoadWait.observe({ model: event.model }, event.queuedMs / 1000);
      metrics.schedulingDecisions.inc({ policy: event.policy, outcome: 'dispatched' });
      metrics.decisionDuration.observe({ policy: event.policy }, event.decisionMs / 1000);
    } else {
      metrics.schedulingDecisions.inc({ policy: manager.schedulingPolicy, outcome: event.reason });
    }
  };
  manager.on('engine-state-change', onStateChange);
  manager.on('scheduling-decision', onDecision);
  manager.on('model-event', onModelEvent);
  return () => {
    manager.off('model-event', onModelEvent);
    manager.off('engine-state-change', onStateChange);
    manager.off('scheduling-decision', onDecision);
  };
}
