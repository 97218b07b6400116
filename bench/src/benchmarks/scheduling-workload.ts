import { seededRandom } from '../harness/stats.js';
import { FLEET, serviceMs } from './scheduling-fleet.js';

export const PRIORITY_CLASSES = ['critical', 'high', 'normal', 'low', 'background'] as const;
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

/** Share of each class in the mix, its SLO deadline (ms, end to end) and the share of its requests that carry one. */
export const CLASS_MIX: Record<PriorityClass, { share: number; deadlineMs?: number; deadlineShare: number }> =
  {
    critical: { share: 0.05, deadlineMs: 300, deadlineShare: 1 },
    high: { share: 0.15, deadlineMs: 600, deadlineShare: 1 },
    normal: { share: 0.5, deadlineMs: 1500, deadlineShare: 0.5 },
    low: { share: 0.2, deadlineShare: 0 },
    background: { share: 0.1, deadlineShare: 0 },
  };

/** `shared`: multi-turn chats, shared system prompts and few-shot templates; `unique`: no prompt shares a prefix. */
export const WORKLOADS = ['shared', 'unique'] as const;
export type WorkloadKind = (typeof WORKLOADS)[number];

const COMPLETION_TOKENS = [8, 16, 32, 64] as const;

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One request of the workload. */
export interface WorkloadRequest {
  index: number;
  /** ms after the start of the run. */
  sendAtMs: number;
  priority: PriorityClass;
  deadlineMs: number | undefined;
  /** `chat` (a turn of a multi-turn conversation), `system`, `few-shot` or `unique`. */
  family: string;
  messages: ChatMessage[];
  /** Prompt tokens as the simulated engine counts them (words + one per message). */
  promptTokens: number;
  maxTokens: number;
}

function words(random: () => number, count: number, tag: string): string {
  const out: string[] = [];
  for (let index = 0; index < count; index += 1) out.push(`${tag}${Math.floor(random() * 50_000)}`);
  return out.join(' ');
}

const between = (random: () => number, min: number, max: number) =>
  min + Math.floor(random() * (max - min + 1));

function tokensOf(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, message) => sum + 1 + message.content.split(' ').filter(Boolean).length, 0);
}

/** Prompts of the `shared` workload: 40 % chat turns, 35 % one of 4 system prompts, 25 % one of 3 few-shot templates. */
function sharedPrompts(
  random: () => number,
  count: number,
): Array<{ family: string; messages: ChatMessage[] }> {
  const systems = Array.from({ length: 4 }, (_, index) => words(random, 1200, `s${index}_`));
  const templates = Array.from({ length: 3 }, (_, index) => words(random, 1000, `f${index}_`));
  const chats = Array.from({ length: 10 }, (_, index) => ({
    id: index,
    generation: 0,
    messages: [{ role: 'system', content: words(random, 150, `c${index}_`) }] as ChatMessage[],
  }));
  const prompts: Array<{ family: string; messages: ChatMessage[] }> = [];
  for (let index = 0; index < count; index += 1) {
    const pick = random();
    if (pick < 0.4) {
      const chat = chats[Math.floor(random() * chats.length)]!;
      if (chat.messages.length > 24) {
        chat.generation += 1;
        chat.messages = [{ role: 'system', content: words(random, 150, `c${chat.id}g${chat.generation}_`) }];
      }
      chat.messages.push({ role: 'user', content: words(random, between(random, 40, 80), 'u') });
      prompts.push({ family: 'chat', messages: [...chat.messages] });
      chat.messages.push({ role: 'assistant', content: words(random, between(random, 40, 80), 'a') });
    } else if (pick < 0.75) {
      const system = systems[Math.floor(random() * systems.length)]!;
      prompts.push({
        family: 'system',
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: words(random, between(random, 20, 80), 'q') },
        ],
      });
    } else {
      const template = templates[Math.floor(random() * templates.length)]!;
      prompts.push({
        family: 'few-shot',
        messages: [{ role: 'user', content: `${template} ${words(random, between(random, 30, 60), 'x')}` }],
      });
    }
  }
  return prompts;
}

/** Prompts of the `unique` workload: 600–1600 words each, no two sharing a first word. */
function uniquePrompts(
  random: () => number,
  count: number,
): Array<{ family: string; messages: ChatMessage[] }> {
  return Array.from({ length: count }, (_, index) => ({
    family: 'unique',
    messages: [{ role: 'user', content: `n${index} ${words(random, between(random, 600, 1600), 'n')}` }],
  }));
}

/** Requests per second the fleet serves with a mean request of `promptTokens` and `completionTokens`, no cache hits. */
function fleetCapacity(promptTokens: number, completionTokens: number): number {
  return FLEET.reduce(
    (sum, engine) => sum + (engine.maxConcurrency * 1000) / serviceMs(engine, promptTokens, completionTokens),
    0,
  );
}

/** A generated workload and the capacity its load is measured against. */
export interface Workload {
  kind: WorkloadKind;
  load: number;
  requests: WorkloadRequest[];
  /** Requests/s the fleet serves with this workload's mean request and no cache hits. */
  capacity: number;
  meanPromptTokens: number;
}

/**
 * `count` requests of `kind` with Poisson arrivals at `load` × the fleet's capacity (the capacity
 * for this workload's mean request **without** cache hits, so a cache-aware policy can serve the
 * same arrivals with headroom), the class mix above and 8–64 output tokens. The same seed gives
 * every strategy the same list.
 */
export function generateWorkload(kind: WorkloadKind, count: number, load: number, seed: number): Workload {
  const random = seededRandom(seed);
  const prompts = kind === 'shared' ? sharedPrompts(random, count) : uniquePrompts(random, count);
  const maxTokens = prompts.map(
    () => COMPLETION_TOKENS[Math.floor(random() * COMPLETION_TOKENS.length)] as number,
  );
  const promptTokens = prompts.map((prompt) => tokensOf(prompt.messages));
  const meanPromptTokens = promptTokens.reduce((sum, tokens) => sum + tokens, 0) / Math.max(1, count);
  const meanTokens = maxTokens.reduce((sum, tokens) => sum + tokens, 0) / Math.max(1, count);
  const capacity = fleetCapacity(meanPromptTokens, meanTokens);
  const rate = load * capacity;
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
    const prompt = prompts[index]!;
    requests.push({
      index,
      sendAtMs: at,
      priority,
      deadlineMs,
      family: prompt.family,
      messages: prompt.messages,
      promptTokens: promptTokens[index] as number,
      maxTokens: maxTokens[index] as number,
    });
  }
  return { kind, load, requests, capacity, meanPromptTokens };
}

/**
 * The streamed chat body of a workload request. `salt` starts the first message, so runs of
 * different strategies never meet each other's cached prefixes (in the engines or the scheduler).
 */
export function requestBody(request: WorkloadRequest, model: string, salt: string): string {
  const [first, ...rest] = request.messages;
  const messages = first ? [{ ...first, content: `${salt} ${first.content}` }, ...rest] : [];
  return JSON.stringify({ model, messages, max_tokens: request.maxTokens, stream: true });
}
