import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertEngineBuilt,
  type EngineProcess,
  readMetric,
  spawnEngine,
  temporarySageHome,
  waitUntilHealthy,
} from './engine-process.js';

const MODEL = 'sage/tiny-chat';
const BURST = 12;

let engine: EngineProcess;
let client: OpenAI;
let removeHome: () => Promise<void>;

beforeAll(async () => {
  assertEngineBuilt();
  const home = await temporarySageHome();
  removeHome = home.remove;
  engine = await spawnEngine(['--model', MODEL, '--parallel', '2', '--max-queue', String(BURST)], home.path);
  await waitUntilHealthy(engine.baseUrl);
  client = new OpenAI({ baseURL: `${engine.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await engine?.stop();
  await removeHome?.();
});

describe('sage-engine with --parallel 2', () => {
  it('serves a burst of streaming and non-streaming requests through its slots and queue', async () => {
    const requests = Array.from({ length: BURST }, async (_, index) => {
      const messages = [{ role: 'user' as const, content: `request ${index}` }];
      if (index % 2 === 0) {
        const completion = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 8 });
        return completion.choices[0]?.finish_reason;
      }
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages,
        max_tokens: 8,
        stream: true,
      });
      let finishReason: string | null | undefined;
      for await (const chunk of stream) finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
      return finishReason;
    });
    expect(await Promise.all(requests)).toEqual(Array.from({ length: BURST }, () => 'length'));
    expect(
      await readMetric(engine.baseUrl, 'sage_engine_request_success_total', 'finished_reason="length"'),
    ).toBe(BURST);
    expect(await readMetric(engine.baseUrl, 'sage_engine_requests_running')).toBe(0);
    expect(await readMetric(engine.baseUrl, 'sage_engine_requests_waiting')).toBe(0);
  });
});
