/**
 * The engine's Prometheus metrics, in the Prometheus text format (0.0.4). Names follow
 * Prometheus' conventions (`sage_engine_*`, no `:`, which is for recording rules), so
 * `promtool check metrics` passes; each maps to the vLLM metric of the same meaning
 * (`sage_engine_requests_running` ↔ `vllm:num_requests_running`, docs/engines.md).
 */

/** How a request ended, as counted by `sage_engine_http_requests_total`. */
export type RequestOutcome = 'success' | 'aborted' | 'rejected' | 'invalid' | 'error';
/** The `finished_reason` label of `sage_engine_request_success_total` (vLLM's values). */
export type FinishedReason = 'stop' | 'length' | 'abort';

export interface SlotGauges {
  readonly running: number;
  readonly waiting: number;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(values: Record<string, string>): string {
  const pairs = Object.entries(values).map(([name, value]) => `${name}="${escapeLabel(value)}"`);
  return `{${pairs.join(',')}}`;
}

/**
 * @example
 * const metrics = new EngineMetrics('sage/tiny-chat', slots);
 * metrics.addGenerationTokens(3);
 * metrics.render(); // "# HELP sage_engine_requests_running …"
 */
export class EngineMetrics {
  private promptTokens = 0;
  private generationTokens = 0;
  private readonly finished = new Map<FinishedReason, number>();
  private readonly requests = new Map<string, { endpoint: string; outcome: RequestOutcome; count: number }>();
  private loaded = false;

  constructor(
    private readonly modelName: string,
    private readonly slots: SlotGauges,
  ) {}

  markLoaded(): void {
    this.loaded = true;
  }

  addPromptTokens(count: number): void {
    this.promptTokens += count;
  }

  addGenerationTokens(count: number): void {
    this.generationTokens += count;
  }

  recordFinished(reason: FinishedReason): void {
    this.finished.set(reason, (this.finished.get(reason) ?? 0) + 1);
  }

  recordRequest(endpoint: string, outcome: RequestOutcome): void {
    const key = `${endpoint}\u0000${outcome}`;
    const entry = this.requests.get(key) ?? { endpoint, outcome, count: 0 };
    entry.count += 1;
    this.requests.set(key, entry);
  }

  render(): string {
    const model = { model_name: this.modelName };
    const lines: string[] = [];
    const metric = (
      name: string,
      type: 'gauge' | 'counter',
      help: string,
      samples: Array<[string, number]>,
    ) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labelText, value] of samples) lines.push(`${name}${labelText} ${value}`);
    };
    metric('sage_engine_requests_running', 'gauge', 'Requests being generated or embedded now.', [
      [labels(model), this.slots.running],
    ]);
    metric('sage_engine_requests_waiting', 'gauge', 'Requests waiting for a free slot.', [
      [labels(model), this.slots.waiting],
    ]);
    metric('sage_engine_prompt_tokens_total', 'counter', 'Prompt tokens processed.', [
      [labels(model), this.promptTokens],
    ]);
    metric('sage_engine_generation_tokens_total', 'counter', 'Tokens generated.', [
      [labels(model), this.generationTokens],
    ]);
    metric(
      'sage_engine_request_success_total',
      'counter',
      'Generations that ended, by finished_reason (stop, length, abort).',
      (['stop', 'length', 'abort'] as const).map((reason) => [
        labels({ ...model, finished_reason: reason }),
        this.finished.get(reason) ?? 0,
      ]),
    );
    metric(
      'sage_engine_http_requests_total',
      'counter',
      'HTTP inference requests by endpoint and outcome (success, aborted, rejected, invalid, error).',
      [...this.requests.values()].map((entry) => [
        labels({ ...model, endpoint: entry.endpoint, outcome: entry.outcome }),
        entry.count,
      ]),
    );
    metric(
      'sage_engine_model_loaded',
      'gauge',
      '1 once the model is loaded and the engine serves requests.',
      [[labels(model), this.loaded ? 1 : 0]],
    );
    return `${lines.join('\n')}\n`;
  }
}
