import { describe, expect, it } from 'vitest';
import { EngineMetrics } from './engine-metrics.js';

describe('EngineMetrics', () => {
  it('renders vLLM-named gauges and counters in the Prometheus text format', () => {
    const slots = { running: 1, waiting: 2 };
    const metrics = new EngineMetrics('sage/tiny-chat', slots);
    metrics.addPromptTokens(7);
    metrics.addGenerationTokens(5);
    metrics.recordFinished('length');
    metrics.recordRequest('/v1/completions', 'success');
    metrics.recordRequest('/v1/completions', 'success');
    metrics.markLoaded();
    const text = metrics.render();
    expect(text).toContain('# TYPE sage_engine_requests_running gauge');
    expect(text).toContain('sage_engine_requests_running{model_name="sage/tiny-chat"} 1');
    expect(text).toContain('sage_engine_requests_waiting{model_name="sage/tiny-chat"} 2');
    expect(text).toContain('sage_engine_prompt_tokens_total{model_name="sage/tiny-chat"} 7');
    expect(text).toContain('sage_engine_generation_tokens_total{model_name="sage/tiny-chat"} 5');
    expect(text).toContain(
      'sage_engine_request_success_total{model_name="sage/tiny-chat",finished_reason="length"} 1',
    );
    expect(text).toContain(
      'sage_engine_http_requests_total{model_name="sage/tiny-chat",endpoint="/v1/completions",outcome="success"} 2',
    );
    expect(text).toContain('sage_engine_model_loaded{model_name="sage/tiny-chat"} 1');
  });

  it('escapes quotes and backslashes in label values', () => {
    const text = new EngineMetrics('a"b\\c', { running: 0, waiting: 0 }).render();
    expect(text).toContain('model_name="a\\"b\\\\c"');
  });
});
