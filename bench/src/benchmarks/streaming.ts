import { fakeEngineBackend } from '../harness/fake-engine-backend.js';
import { spawnGateway } from '../harness/spawn-gateway.js';
import { type Percentiles, percentiles, round } from '../harness/stats.js';
import { interChunkGaps, StreamClient, type StreamTiming } from '../harness/stream-client.js';
import { updateBenchmarksDoc, writeResults } from '../report/results.js';
import type { Benchmark, BenchmarkOptions } from './benchmark.js';
import { renderStreamingMarkdown } from './streaming-report.js';

const MODEL = 'fake/stream';
const PATH = '/v1/chat/completions';
const BODY = JSON.stringify({
  model: MODEL,
  messages: [{ role: 'user', content: 'Count to twenty.' }],
  stream: true,
});

/** One target's streams in one scenario. */
export interface StreamingSide {
  firstTokenMs: Percentiles;
  gapMs: Percentiles;
  /** Share of socket reads that carried more than one event. */
  coalescedShare: number;
  streams: number;
  failed: number;
}

export interface StreamingScenario {
  name: string;
  concurrency: number;
  direct: StreamingSide;
  sage: StreamingSide;
  addedFirstTokenP50Ms: number;
  addedFirstTokenP99Ms: number;
  /** sage gap ÷ direct gap: 1 means the chunk cadence is preserved. */
  gapRatioP50: number;
  gapRatioP99: number;
}

function summarise(timings: readonly StreamTiming[]): StreamingSide {
  const ok = timings.filter((timing) => timing.status === 200 && timing.eventArrivalsMs.length > 0);
  const reads = ok.reduce((sum, timing) => sum + timing.reads, 0);
  return {
    firstTokenMs: percentiles(ok.map((timing) => timing.firstTokenMs)),
    gapMs: percentiles(ok.flatMap(interChunkGaps)),
    coalescedShare: round(ok.reduce((sum, timing) => sum + timing.coalescedReads, 0) / Math.max(1, reads), 4),
    streams: ok.length,
    failed: timings.length - ok.length,
  };
}

/** `count` streams per target, `concurrency` at a time, the two targets alternating batch by batch. */
async function scenario(
  name: string,
  targets: { direct: StreamClient; sage: StreamClient },
  count: number,
  concurrency: number,
): Promise<StreamingScenario> {
  const timings: { direct: StreamTiming[]; sage: StreamTiming[] } = { direct: [], sage: [] };
  for (let done = 0; done < count; done += concurrency) {
    for (const side of ['direct', 'sage'] as const) {
      const batch = Array.from({ length: Math.min(concurrency, count - done) }, () =>
        targets[side].stream(PATH, BODY),
      );
      timings[side].push(...(await Promise.all(batch)));
    }
  }
  const direct = summarise(timings.direct);
  const sage = summarise(timings.sage);
  const result: StreamingScenario = {
    name,
    concurrency,
    direct,
    sage,
    addedFirstTokenP50Ms: round(sage.firstTokenMs.p50 - direct.firstTokenMs.p50),
    addedFirstTokenP99Ms: round(sage.firstTokenMs.p99 - direct.firstTokenMs.p99),
    gapRatioP50: round(sage.gapMs.p50 / direct.gapMs.p50),
    gapRatioP99: round(sage.gapMs.p99 / direct.gapMs.p99),
  };
  console.log(
    `[streaming] ${name}: TTFT p50 direct ${direct.firstTokenMs.p50.toFixed(2)} ms, sage ${sage.firstTokenMs.p50.toFixed(2)} ms; ` +
      `gap p50 ${direct.gapMs.p50.toFixed(2)} / ${sage.gapMs.p50.toFixed(2)} ms`,
  );
  return result;
}

async function run(options: BenchmarkOptions): Promise<void> {
  const chunks = Number(options.flags.chunks ?? 20);
  const chunkDelayMs = Number(options.flags['chunk-delay-ms'] ?? 10);
  const count = Number(options.flags.streams ?? (options.quick ? 10 : 60));
  const gateway = await spawnGateway({
    backends: [fakeEngineBackend],
    engines: [
      {
        modelId: MODEL,
        backend: 'fake',
        options: { extraArgs: ['--chunks', String(chunks), '--chunk-delay-ms', String(chunkDelayMs)] },
      },
    ],
    logLevel: 'info',
    portRangeStart: 25_200,
  });
  const engine = gateway.engines[0]!;
  const targets = {
    direct: new StreamClient(`http://127.0.0.1:${engine.port}`, 32),
    sage: new StreamClient(gateway.url, 32),
  };
  try {
    await scenario('warm-up', targets, 4, 2);
    const scenarios = [
      await scenario('one stream at a time', targets, count, 1),
      await scenario('20 concurrent streams', targets, Math.max(count, 20) * 2, 20),
    ];
    const settings = {
      engine: `@sage/testing fake engine, --chunks ${chunks} --chunk-delay-ms ${chunkDelayMs}`,
      streamsPerTargetSequential: count,
      client: 'undici Pool in the bench process; gateway and engine in their own processes',
    };
    const markdown = renderStreamingMarkdown(scenarios, { chunks, chunkDelayMs });
    console.log(`\n${markdown}\n`);
    if (options.quick) return console.log('[streaming] --quick: nothing written');
    console.log(`[streaming] results written to ${writeResults('streaming', settings, scenarios)}`);
    updateBenchmarksDoc('streaming', markdown);
  } finally {
    await targets.direct.close();
    await targets.sage.close();
    await gateway.close();
  }
}

export const streamingBenchmark: Benchmark = {
  name: 'streaming',
  description: 'time to first token added by the gateway, and inter-chunk timing direct vs through it',
  run,
};
