import type { EngineInfoWire, GpuStatusWire } from '@sage/protocol';

/** An engine as the management API returns it, with overrides. */
export function engineInfo(overrides: Partial<EngineInfoWire> = {}): EngineInfoWire {
  return {
    engine_id: 'engine-1',
    model_id: 'sage/tiny-chat',
    engine_kind: 'llm',
    backend: 'sage',
    status: 'RUNNING',
    host: '127.0.0.1',
    port: 8001,
    gpu_ids: [],
    device: 'cpu',
    pid: 4242,
    command: ['sage-engine', '--model', 'sage/tiny-chat', '--device', 'cpu'],
    env: {},
    restart_count: 0,
    last_exit_code: null,
    last_error: null,
    log_path: '/tmp/sage/engines/engine-1.log',
    engine_label: null,
    max_concurrent_requests: 256,
    reserved_memory_gb: 0,
    created_at: '2025-01-01T00:00:00.000Z',
    uptime_seconds: 125,
    ...overrides,
  };
}

/** A GPU as `GET /v1/management/gpu` returns it, with overrides. */
export function gpuStatus(overrides: Partial<GpuStatusWire> = {}): GpuStatusWire {
  return {
    index: 0,
    name: 'NVIDIA H100 80GB HBM3',
    uuid: 'GPU-0',
    memory_total_gb: 80,
    memory_used_gb: 6,
    memory_reserved_gb: 12,
    memory_free_gb: 68,
    utilization_percent: 37,
    engine_ids: [],
    mock: false,
    ...overrides,
  };
}
