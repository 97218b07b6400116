import { seededRandom } from '../harness/stats.js';
import { FLEET, serviceMs } from './scheduling-fleet.js';

export const PRIORITY_CLASSES = ['critical', 'high', 'normal', 'low', 'background'] as const;
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

/** Share of each class in the mix, and its SLO deadline (ms) and the share of its requests that carry one. */
export const CLASS_MIX: Record<PriorityClass, { share: number; deadlineMs?: number; deadlineShare: number }> =
  {
    critical: { share: 0.05, deadlineMs: 400, deadlineShare: 1 },
    high: { share: 0.15, deadlineMs: 800, deadlineShare: 1 },
    normal: { share: 0.5, deadlineMs: 2000, deadlineShare: 0.5 },
    low: { share: 0.2, deadlineShare: 0 },
    background: { share: 0.1, deadlineShare: 0 },
  };

const COMPLETION_TOKENS = [8, 16, 32, 64] as const;
const PROMPT_WORDS = { min: 50, max: 400 };

/** One request of the workload. */
export interface WorkloadRequest {
  index: number;
  /** ms after the start of the run. */
  sendAtMs: number;
  priority: PriorityClass;
  deadlineMs: number | undefined;
  promptWords: number;
  maxTokens: number;
}

/** Requests per second the fleet can serve with the workload's mean request (all engines busy). */
export function fleetCapacity(): number {
  const meanPrompt = (PROMPT_WORDS.min + PROMPT_WORDS.max) / 2;
  const meanTokens = COMPLETION_TOKENS.reduce((sum, tokens) => sum + tokens, 0) / COMPLETION_TOKENS.length;
  return FLEET.reduce(
    (sum, engine) => sum + (engine.maxConcurrency * 1000) / serviceMs(engine, meanPrompt, meanTokens),
    0,
  );
}

/**
 * `count` requests with Poisson arrivals at `load` × fleet capacity, the class mix above and
 * uniform prompt lengths and completion sizes. The same seed gives every strategy the same list.
 */
export function generateWorkload(count: number, load: number, seed: number): WorkloadRequest[] {
  const random = seededRandom(seed);
  const rate = load * fleetCapacity();
  const requests: WorkloadRequest[] = [];
  let at = 0;
  for (let index = 0; index < count; index += 1) {
    at += (-Math.log(1 - random()) * 1000) / rate;
    let pick = random();
    let priority: PriorityClass = 'background';
    for (const candidate of PRIORITY_CLASSES) {
      pick -= CLASS_MIX[candidate].share;
      if (pick < 0) {
        priority = candidate;
        break;
      }
    }
    const mix = CLASS_MIX[priority];
    const deadlineMs =
      mix.deadlineMs !== undefined && random() < mix.deadlineShare ? mix.deadlineMs : undefined;
    requests.push({
      index,
      sendAtMs: at,
      priority,
      deadlineMs,
      promptWords: PROMPT_WORDS.min + Math.floor(random() * (PROMPT_WORDS.max - PROMPT_WORDS.min + 1)),
      maxTokens: COMPLETION_TOKENS[Math.floor(random() * COMPLETION_TOKENS.length)] as number,
    });
  }
  return requests;
}

/** The chat body of a workload request. */
export function requestBody(request: WorkloadRequest, model: string): string {
  return JSON.stringify({
    model,
    messages: [{ role: 'user', content: 'word '.repeat(request.promptWords).trim() }],
    max_tokens: request.maxTokens,
  });
}
