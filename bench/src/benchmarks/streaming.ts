import { loadavg } from 'node:os';
import { startBaselines } from '../harness/baselines.js';
import { fakeEngineBackend } from '../harness/fake-engine-backend.js';
import { spawnGateway } from '../harness/spawn-gateway.js';
import { percentiles, round } from '../harness/stats.js';
import { interChunkGaps, StreamClient, type StreamTiming } from '../harness/stream-client.js';
import { updateBenchmarksDoc, writeResults } from '../report/results.js';
import type { Benchmark, BenchmarkOptions } from './benchmark.js';
import { renderStreamingMarkdown } from './streaming-report.js';
import type { StreamingProxy, StreamingScenario, StreamingSide, StreamingTarget } from './streaming-types.js';

const MODEL = 'fake/stream';
const PATH = '/v1/chat/completions';
const BODY = JSON.stringify({
  model: MODEL,
  messages: [{ role: 'user', content: 'Count to twenty.' }],
  stream: true,
});

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

/** `count` streams per target, `concurrency` at a time, the targets taking turns batch by batch. */
async function scenario(
  name: string,
  clients: ReadonlyMap<StreamingTarget, StreamClient>,
  count: number,
  concurrency: number,
): Promise<StreamingScenario> {
  const timings = new Map<StreamingTarget, StreamTiming[]>();
  for (let done = 0; done < count; done += concurrency) {
    for (const [target, client] of clients) {
      const batch = Array.from({ length: Math.min(concurrency, count - done) }, () =>
        client.stream(PATH, BODY),
      );
      timings.set(target, [...(timings.get(target) ?? []), ...(await Promise.all(batch))]);
    }
  }
  const sides: StreamingScenario['sides'] = {};
  for (const [target, measured] of timings) sides[target] = summarise(measured);
  const direct = sides.direct as StreamingSide;
  const added: StreamingScenario['addedFirstTokenMs'] = {};
  for (const target of clients.keys()) {
    const side = sides[target];
    if (target === 'direct' || !side) continue;
    added[target] = {
      p50: round(side.firstTokenMs.p50 - direct.firstTokenMs.p50),
      p99: round(side.firstTokenMs.p99 - direct.firstTokenMs.p99),
    };
  }
  const sage = sides.sage as StreamingSide;
  const minimalAdded = added.minimal?.p50;
  const result: StreamingScenario = {
    name,
    concurrency,
    sides,
    addedFirstTokenMs: added,
    sageAddedVsMinimalP50:
      minimalAdded !== undefined && added.sage ? round(added.sage.p50 / minimalAdded) : Number.NaN,
    gapRatioP50: round(sage.gapMs.p50 / direct.gapMs.p50),
    gapRatioP99: round(sage.gapMs.p99 / direct.gapMs.p99),
  };
  const ttft = [...clients.keys()]
    .map((target) => `${target} ${sides[target]?.firstTokenMs.p50.toFixed(2)} ms`)
    .join(', ');
  console.log(
    `[streaming] ${name}: TTFT p50 ${ttft}; gap p50 direct ${direct.gapMs.p50.toFixed(2)} / sage ${sage.gapMs.p50.toFixed(2)} ms`,
  );
  return result;
}

async function run(options: BenchmarkOptions): Promise<void> {
  const chunks = Number(options.flags.chunks ?? 20);
  const chunkDelayMs = Number(options.flags['chunk-delay-ms'] ?? 10);
  const count = Number(options.flags.streams ?? (options.quick ? 10 : 100));
  const loadBefore = loadavg()[0] ?? 0;
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
  const engineOrigin = `http://127.0.0.1:${engine.port}`;
  const baselines = await startBaselines(
    { [PATH]: engineOrigin },
    { nginx: options.flags.nginx !== 'false' },
  ).catch(async (error: unknown) => {
    await gateway.close();
    throw error;
  });
  const clients = new Map<StreamingTarget, StreamClient>([
    ['direct', new StreamClient(engineOrigin, 32)],
    ['sage', new StreamClient(gateway.url, 32)],
    ...baselines.proxies.map((proxy) => [proxy.name, new StreamClient(proxy.url, 32)] as const),
  ]);
  try {
    for (const note of baselines.skipped) console.log(`[streaming] ${note}`);
    await scenario('warm-up', clients, options.quick ? 4 : 40, options.quick ? 2 : 20);
    const scenarios = [
      await scenario('one stream at a time', clients, count, 1),
      await scenario('20 concurrent streams', clients, Math.max(count, 20) * 2, 20),
    ];
    const settings = {
      engine: `@sage/testing fake engine, --chunks ${chunks} --chunk-delay-ms ${chunkDelayMs}`,
      streamsPerTargetSequential: count,
      baselines: baselines.described,
      skipped: baselines.skipped,
      client: 'undici Pool in the bench process; gateway, baselines and engine in their own processes',
      loadAverage: { before: round(loadBefore, 2), after: round(loadavg()[0] ?? 0, 2) },
    };
    const proxies = [...clients.keys()].filter((target): target is StreamingProxy => target !== 'direct');
    const markdown = renderStreamingMarkdown(scenarios, { chunks, chunkDelayMs, proxies, ...settings });
    console.log(`\n${markdown}\n`);
    if (options.quick) return console.log('[streaming] --quick: nothing written');
    console.log(`[streaming] results written to ${writeResults('streaming', settings, scenarios)}`);
    updateBenchmarksDoc('streaming', markdown);
  } finally {
    for (const client of clients.values()) await client.close();
    await baselines.close();
    await gateway.close();
  }
}

export const streamingBenchmark: Benchmark = {
  name: 'streaming',
  description: 'time to first token added by the gateway, a minimal Node proxy and nginx; inter-chunk timing',
  run,
};
