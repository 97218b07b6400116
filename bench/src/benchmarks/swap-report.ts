import { markdownTable, ratioCell } from '../report/markdown-table.js';
import type { LoopResult, SwapResults } from './swap-types.js';

function failures(result: LoopResult): string {
  const entries = Object.entries(result.failed);
  return entries.length === 0 ? '0' : entries.map(([status, count]) => `${count} (${status})`).join(', ');
}

function loopRows(results: readonly LoopResult[]): string[][] {
  return results.map((result) => [
    result.fleet,
    String(result.answered),
    failures(result),
    String(result.loads),
    String(result.evictions),
    String(result.p50Ms),
    String(result.p99Ms),
    String(result.p99WaitMs),
  ]);
}

const LOOP_HEADER = ['fleet', 'answered', 'failed', 'loads', 'evictions', 'p50 ms', 'p99 ms', 'p99 wait ms'];

/** The `docs/benchmarks.md` section of `pnpm bench swap`. */
export function renderSwapMarkdown(
  results: SwapResults,
  settings: { durationMs: number; serviceMs: number; stepServiceMs: number },
): string {
  const { cold, roundRobin, replicas } = results;
  const [swapping, allFit] = roundRobin;
  const [one, three] = replicas;
  return [
    `**(a) Cold start.** A catalog model whose fake engine takes ${cold.engineStartMs} ms to become healthy. The first request through the gateway waits for the load; the same engine is also spawned directly and polled every 5 ms until \`/health\` answers 200. Medians over ${cold.trials.length} alternating trials (the model is unloaded between them), readiness poll 10 ms.`,
    '',
    markdownTable(
      ['direct start (ms)', 'cold request through the gateway (ms)', 'gateway ÷ direct (goal ≤ 1.05)'],
      [[String(cold.medianDirectMs), String(cold.medianGatewayMs), ratioCell(cold.ratio, 3)]],
    ),
    '',
    `**(b) Round-robin over 3 models.** 3 closed-loop clients for ${settings.durationMs / 1000} s send chat requests to rr-1, rr-2, rr-3, rr-1 … The engines start in 300 ms and answer in ${settings.serviceMs} ms. There is one mock GPU of 24 GB. In the first fleet 2 of the 3 models fit at once (10 GB each), so the third one evicts one; in the second fleet all 3 fit (8 GB each). Minimum residency is 1 s. \`p99 wait\` is p99 latency minus the ${settings.serviceMs} ms of service.`,
    '',
    markdownTable(LOOP_HEADER, loopRows(roundRobin)),
    '',
    swapping && allFit
      ? `Requests answered, swapping ÷ all fit: ${ratioCell(swapping.answered / Math.max(1, allFit.answered), 2)}; p50 ${ratioCell(swapping.p50Ms / Math.max(0.001, allFit.p50Ms), 2)}, p99 ${ratioCell(swapping.p99Ms / Math.max(0.001, allFit.p99Ms), 2)}.`
      : '',
    '',
    `**(c) Replicas under a load step.** One model; each engine serves 2 requests at a time in ${settings.stepServiceMs} ms. 16 closed-loop clients start at once for ${settings.durationMs / 1000} s (the first engine is already loaded). A replica starts when the oldest queued request has waited 200 ms, and only once every engine of the model is RUNNING. \`p99 wait\` is p99 latency minus the ${settings.stepServiceMs} ms of service.`,
    '',
    markdownTable(LOOP_HEADER, loopRows(replicas)),
    '',
    one && three
      ? `p99 wait, max_replicas 3 ÷ max_replicas 1: ${ratioCell(three.p99WaitMs / Math.max(0.001, one.p99WaitMs), 2)}; requests answered: ${ratioCell(three.answered / Math.max(1, one.answered), 2)}.`
      : '',
  ].join('\n');
}
