import { loadavg } from 'node:os';
import { fakeEngineBackend } from '../harness/fake-engine-backend.js';
import { runLoad } from '../harness/load.js';
import { totalCpuSeconds } from '../harness/process-cpu.js';
import { spawnGateway } from '../harness/spawn-gateway.js';
import { type BaselineProxy, spawnMinimalProxy } from '../harness/spawn-minimal-proxy.js';
import { median, round } from '../harness/stats.js';
import { StreamClient } from '../harness/stream-client.js';
import { describeMachine, machineInfo } from '../report/machine-info.js';
import { updateBenchmarksDoc, writeResults } from '../report/results.js';
import type { Benchmark, BenchmarkOptions } from './benchmark.js';
import { OVERHEAD_WORKLOADS } from './overhead-workloads.js';
import { type ProxyGoal, type ProxyRepetition, renderProxyMarkdown } from './proxy-report.js';

const CHAT = OVERHEAD_WORKLOADS.find((workload) => workload.name === 'chat')!;
const STREAM_MODEL = 'fake/stream';
const STREAM_BODY = JSON.stringify({
  model: STREAM_MODEL,
  messages: [{ role: 'user', content: 'Count to twenty.' }],
  stream: true,
});

/** The three goals for the gateway against the minimal Node proxy, measured in one run. */
const PROXY_GOALS: readonly ProxyGoal[] = [
  { key: 'cpuRatio', label: 'CPU per request, sage ÷ minimal', limit: 1.2, better: 'lower' },
  { key: 'throughputRatio', label: 'throughput, sage ÷ minimal', limit: 0.8, better: 'higher' },
  { key: 'ttftAddedRatio', label: 'streaming TTFT added, sage ÷ minimal (p50)', limit: 1.2, better: 'lower' },
];

function log(message: string): void {
  console.log(`[proxy] ${message}`);
}

/** A closed-loop run against one proxy: requests/s and the proxy's own CPU µs per request. */
async function saturate(url: string, pids: number[], connections: number, seconds: number) {
  const before = totalCpuSeconds(pids);
  const result = await runLoad({ url, body: CHAT.body, connections, durationSeconds: seconds });
  const cpu = totalCpuSeconds(pids) - before;
  return {
    requestsPerSecond: result.requestsPerSecond,
    cpuUsPerRequest: result.completed > 0 ? (cpu * 1e6) / result.completed : Number.NaN,
    failures: result.failures,
  };
}

/** `count` streams one at a time through each client, taking turns stream by stream; TTFT median each. */
async function firstTokens(clients: ReadonlyMap<string, StreamClient>, count: number) {
  const samples = new Map<string, number[]>();
  for (let index = 0; index < count; index += 1) {
    for (const [name, client] of clients) {
      const timing = await client.stream(CHAT.path, STREAM_BODY);
      if (timing.status === 200 && Number.isFinite(timing.firstTokenMs)) {
        samples.set(name, [...(samples.get(name) ?? []), timing.firstTokenMs]);
      }
    }
  }
  return new Map([...samples].map(([name, values]) => [name, median(values)]));
}

async function run(options: BenchmarkOptions): Promise<void> {
  const repetitions = Number(options.flags.repetitions ?? (options.quick ? 1 : 5));
  const seconds = Number(options.flags.duration ?? (options.quick ? 1 : 5));
  const connections = Number(options.flags.connections ?? 10);
  const streams = Number(options.flags.streams ?? (options.quick ? 10 : 60));
  const loadBefore = loadavg()[0] ?? 0;
  const gateway = await spawnGateway({
    backends: [fakeEngineBackend],
    engines: [
      { modelId: CHAT.model, backend: 'fake', options: { engineKind: 'llm' } },
      {
        modelId: STREAM_MODEL,
        backend: 'fake',
        options: { extraArgs: ['--chunks', '20', '--chunk-delay-ms', '10'] },
      },
    ],
    logLevel: 'info',
    portRangeStart: 25_300,
  });
  const origin = (model: string) =>
    `http://127.0.0.1:${gateway.engines.find((engine) => engine.modelId === model)?.port}`;
  // The minimal proxy routes by path alone: one for the chat engine, one for the stream engine.
  const proxies: BaselineProxy[] = [];
  const clients = new Map<string, StreamClient>();
  try {
    proxies.push(await spawnMinimalProxy({ [CHAT.path]: origin(CHAT.model) }));
    proxies.push(await spawnMinimalProxy({ [CHAT.path]: origin(STREAM_MODEL) }));
    const [minimal, minimalStreams] = proxies as [BaselineProxy, BaselineProxy];
    clients.set('direct', new StreamClient(origin(STREAM_MODEL), 4));
    clients.set('sage', new StreamClient(gateway.url, 4));
    clients.set('minimal', new StreamClient(minimalStreams.url, 4));
    // Warm-up: connections, JIT, the gateway's pools.
    await runLoad({ url: `${gateway.url}${CHAT.path}`, body: CHAT.body, connections, durationSeconds: 1 });
    await runLoad({ url: `${minimal.url}${CHAT.path}`, body: CHAT.body, connections, durationSeconds: 1 });
    await firstTokens(clients, options.quick ? 2 : 10);

    const measured: ProxyRepetition[] = [];
    for (let index = 0; index < repetitions; index += 1) {
      // Alternate which side goes first, so a trend in the machine's load hits both alike.
      const order = index % 2 === 0 ? (['sage', 'minimal'] as const) : (['minimal', 'sage'] as const);
      const saturated: Partial<Record<'sage' | 'minimal', Awaited<ReturnType<typeof saturate>>>> = {};
      for (const side of order) {
        saturated[side] =
          side === 'sage'
            ? await saturate(`${gateway.url}${CHAT.path}`, [gateway.pid], connections, seconds)
            : await saturate(`${minimal.url}${CHAT.path}`, minimal.pids(), connections, seconds);
      }
      const ttft = await firstTokens(clients, streams);
      const sage = saturated.sage!;
      const floor = saturated.minimal!;
      const direct = ttft.get('direct') ?? Number.NaN;
      const repetition: ProxyRepetition = {
        sage: { ...sage, ttftP50Ms: ttft.get('sage') ?? Number.NaN },
        minimal: { ...floor, ttftP50Ms: ttft.get('minimal') ?? Number.NaN },
        directTtftP50Ms: direct,
        cpuRatio: round(sage.cpuUsPerRequest / floor.cpuUsPerRequest),
        throughputRatio: round(sage.requestsPerSecond / floor.requestsPerSecond),
        ttftAddedRatio: round(
          ((ttft.get('sage') ?? Number.NaN) - direct) / ((ttft.get('minimal') ?? Number.NaN) - direct),
        ),
        loadAverage: round(loadavg()[0] ?? 0, 2),
      };
      measured.push(repetition);
      log(
        `repetition ${index + 1}/${repetitions}: CPU ${repetition.cpuRatio}× (${sage.cpuUsPerRequest.toFixed(0)} / ${floor.cpuUsPerRequest.toFixed(0)} µs), ` +
          `throughput ${repetition.throughputRatio}× (${sage.requestsPerSecond.toFixed(0)} / ${floor.requestsPerSecond.toFixed(0)} req/s), ` +
          `TTFT added ${repetition.ttftAddedRatio}× (direct ${direct.toFixed(2)}, sage ${repetition.sage.ttftP50Ms.toFixed(2)}, minimal ${repetition.minimal.ttftP50Ms.toFixed(2)} ms), load ${repetition.loadAverage}`,
      );
    }
    const settings = {
      repetitions,
      durationSecondsPerRun: seconds,
      connections,
      streamsPerTarget: streams,
      workload: `chat completions (${CHAT.body.length} B body) from the fake engine, --latency-ms 0; streams: 20 chunks 10 ms apart`,
      baseline:
        'minimal: node:http + one undici Pool per engine, in its own process (bench/src/harness/minimal-proxy.ts)',
      cpuMeasurement: 'utime + stime of every thread of the proxy processes, from /proc/<pid>/stat',
      loadAverage: { before: round(loadBefore, 2), after: round(loadavg()[0] ?? 0, 2) },
      machine: describeMachine(machineInfo()),
    };
    const markdown = renderProxyMarkdown(measured, PROXY_GOALS, settings);
    console.log(`\n${markdown}\n`);
    if (options.quick) return log('--quick: nothing written');
    log(`results written to ${writeResults('proxy', settings, measured)}`);
    updateBenchmarksDoc('proxy', markdown);
  } finally {
    for (const client of clients.values()) await client.close();
    for (const proxy of proxies) await proxy.close();
    await gateway.close();
  }
}

export const proxyBenchmark: Benchmark = {
  name: 'proxy',
  description:
    'the gateway against a minimal Node proxy in one run: CPU per request, throughput, streaming TTFT added (the three goals, median of repetitions)',
  run,
};
