import {
  EngineLoadTracker,
  planRound,
  type QueuedRequest,
  type SchedulableEngine,
  type SchedulingPolicy,
  schedulingPolicies,
  schedulingPolicyNames,
} from '@sage/control-plane';
import { round, seededRandom } from '../harness/stats.js';
import { markdownTable } from '../report/markdown-table.js';
import { updateBenchmarksDoc, writeResults } from '../report/results.js';
import type { Benchmark, BenchmarkOptions } from './benchmark.js';

const PRIORITIES = ['critical', 'high', 'normal', 'low', 'background'] as const;

interface DecisionResult {
  policy: string;
  /** µs per dispatch round that dispatches one request, 1 000 queued, 16 engines, one slot free. */
  roundUs: number;
  /** µs per decision when 16 requests are dispatched in one round (one free slot per engine). */
  batchUs: number;
}

/**
 * The scheduler's cost per decision, in process: 16 engines (capacity 4, one slot free), 1 000
 * queued requests with mixed classes, deadlines and prompt hashes. "Round" is one dispatch
 * round that dispatches a single request, the common case on a busy gateway (a lease is released,
 * one request leaves); the queue is pre-sorted for stable-order policies as the scheduler keeps
 * it. "Batch" dispatches 16 in one round.
 */
async function run(options: BenchmarkOptions): Promise<void> {
  const iterations = Number(options.flags.iterations ?? (options.quick ? 200 : 3000));
  const random = seededRandom(7);
  const built = new Map<string, SchedulingPolicy>();
  const policies = {
    get(name: string): SchedulingPolicy {
      let policy = built.get(name);
      if (!policy) {
        policy = schedulingPolicies[name as keyof typeof schedulingPolicies]({
          policy: (other) => policies.get(other),
        });
        built.set(name, policy);
      }
      return policy;
    },
  };
  const engines: SchedulableEngine[] = Array.from({ length: 16 }, (_, index) => ({
    engineId: `engine-${String(index).padStart(2, '0')}`,
    modelId: 'model-a',
    engineLabel: null,
    engineKind: 'llm',
    status: 'RUNNING',
    maxConcurrentRequests: 4,
    gpuCount: 1 + (index % 2),
    pricePerGpuHour: 1 + (index % 3),
  }));
  const requests: QueuedRequest[] = Array.from({ length: 1000 }, (_, index) => ({
    requestId: `r${index}`,
    model: 'model-a',
    kind: 'llm',
    priority: PRIORITIES[Math.floor(random() * PRIORITIES.length)] ?? 'normal',
    deadlineMs: random() < 0.5 ? 500 + Math.floor(random() * 2000) : undefined,
    estimatedTokens: 64,
    arrivedAt: index,
    sequence: index,
    prefixHashes: Array.from({ length: 8 }, (_, chunk) => (index % 20) * 100 + chunk),
  }));
  const results: DecisionResult[] = [];
  for (const name of schedulingPolicyNames) {
    const policy = policies.get(name);
    const measure = (freePerEngine: number, freeEngines: number): number => {
      const loads = new EngineLoadTracker();
      for (const [index, engine] of engines.entries()) {
        const busy = index < freeEngines ? 4 - freePerEngine : 4;
        for (let lease = 0; lease < busy; lease += 1) loads.acquire(engine.engineId);
        loads.release(engine.engineId, { ok: true, latencyMs: 100 + index * 10 });
        loads.acquire(engine.engineId);
      }
      const stable = policy.stableOrder === true;
      const entries = (
        stable
          ? [...requests].sort((a, b) => policy.compare(a, b, { now: 0, queue: [], engines: [] }))
          : requests
      ).map((request) => ({ request, policyName: undefined, excludeEngineIds: new Set<string>() }));
      const input = {
        entries,
        engines,
        loads,
        policy,
        policyByName: (other: string) => policies.get(other),
        now: 1500,
        ordered: stable,
        checkAvailability: false,
      };
      for (let warm = 0; warm < 50; warm += 1) planRound(input);
      const started = performance.now();
      for (let index = 0; index < iterations; index += 1) planRound(input);
      return ((performance.now() - started) * 1000) / iterations;
    };
    const roundUs = measure(1, 1);
    const batchUs = measure(1, 16) / 16;
    results.push({ policy: name, roundUs: round(roundUs, 2), batchUs: round(batchUs, 2) });
    console.log(
      `[scheduler-decision] ${name.padEnd(16)} round ${roundUs.toFixed(2)} µs, batch ${batchUs.toFixed(2)} µs/decision`,
    );
  }
  const markdown = [
    `16 engines (capacity 4), 1 000 queued requests (mixed classes, half with deadlines, 8 prompt chunks each), in process, ${iterations} rounds per cell after a warm-up. **One dispatch** = a round in which one slot is free and one request is dispatched (the queue kept sorted for policies with a stable order, as the scheduler does); **batch** = a round with one free slot on each of the 16 engines, per decision. Goal: ≤ 5 µs per decision. Measured on \`planRound\`, what the scheduler calls each round.`,
    '',
    markdownTable(
      ['policy', 'one dispatch (µs)', 'batch (µs / decision)', '≤ 5 µs'],
      results.map((result) => [
        result.policy,
        result.roundUs.toFixed(2),
        result.batchUs.toFixed(2),
        result.roundUs <= 5 ? 'yes' : '**no**',
      ]),
    ),
  ].join('\n');
  console.log(`\n${markdown}\n`);
  if (options.quick) return;
  writeResults('scheduler-decision', { iterations, engines: 16, queued: 1000 }, results);
  updateBenchmarksDoc('scheduler-decision', markdown);
}

export const schedulerDecisionBenchmark: Benchmark = {
  name: 'scheduler-decision',
  description: 'cost of one scheduling decision with 16 engines and 1 000 queued requests, per policy',
  run,
};
