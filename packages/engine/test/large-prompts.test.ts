import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertEngineBuilt,
  type EngineProcess,
  postJson,
  spawnEngine,
  temporarySageHome,
  waitUntilHealthy,
} from './engine-process.js';

// Issue 12, item 4: the engine tokenised prompts synchronously before taking a slot; llama.cpp
// tokenises one long word in quadratic time, so a 400 KB prompt froze the engine for 20 s and
// a 1 MB prompt failed its health checks until it was restarted. The prompts here are single
// words (no spaces), the worst case.

const KB = 1000;
let chat: EngineProcess;
let embed: EngineProcess;
const homes: Array<() => Promise<void>> = [];

beforeAll(async () => {
  assertEngineBuilt();
  const [chatHome, embedHome] = await Promise.all([temporarySageHome(), temporarySageHome()]);
  homes.push(chatHome.remove, embedHome.remove);
  [chat, embed] = await Promise.all([
    spawnEngine(['--model', 'sage/tiny-chat'], chatHome.path),
    spawnEngine(['--model', 'sage/tiny-embed'], embedHome.path),
  ]);
  await Promise.all([waitUntilHealthy(chat.baseUrl), waitUntilHealthy(embed.baseUrl)]);
});

afterAll(async () => {
  await Promise.all([chat?.stop(), embed?.stop()]);
  for (const remove of homes) await remove();
});

/**
 * Poll `/health` until `done` settles; every probe must answer 200 within `probeTimeoutMs` (a
 * blocked event loop answers nothing). Returns how many probes were answered.
 */
async function healthWhile(baseUrl: string, done: Promise<unknown>, probeTimeoutMs = 3_000): Promise<number> {
  let settled = false;
  void done.finally(() => {
    settled = true;
  });
  let answered = 0;
  do {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(probeTimeoutMs) });
    expect(response.status).toBe(200);
    answered += 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
  } while (!settled);
  return answered;
}

function contextExceeded(answer: { status: number; body: unknown }) {
  expect(answer.status).toBe(400);
  const error = (answer.body as { error: { code: string; message: string } }).error;
  expect(error.code).toBe('context_length_exceeded');
  expect(error.message).toMatch(/maximum context length is 512 tokens/);
}

describe('prompts far larger than the context', () => {
  it.each([
    ['400 KB', 400 * KB],
    ['1 MB', 1000 * KB],
  ])(
    'a %s chat prompt is a 400 before tokenisation, and /health answers throughout',
    async (_size, chars) => {
      const answer = postJson(chat.baseUrl, '/v1/chat/completions', {
        messages: [{ role: 'user', content: 'x'.repeat(chars) }],
        max_tokens: 1,
      });
      await healthWhile(chat.baseUrl, answer);
      contextExceeded(await answer);
    },
  );

  it('a 1 MB completion prompt and a 1 MB embedding input are refused the same way', async () => {
    contextExceeded(
      await postJson(chat.baseUrl, '/v1/completions', { prompt: 'y'.repeat(1000 * KB), max_tokens: 1 }),
    );
    const embedding = await postJson(embed.baseUrl, '/v1/embeddings', {
      input: ['ok', 'z'.repeat(1000 * KB)],
    });
    expect(embedding.status).toBe(400);
    expect(embedding.body).toMatchObject({ error: { code: 'context_length_exceeded', param: 'input.1' } });
  });

  it('ten of them at once leave the engine serving normal requests', async () => {
    const floods = Array.from({ length: 10 }, () =>
      postJson(chat.baseUrl, '/v1/completions', { prompt: 'x'.repeat(400 * KB), max_tokens: 1 }),
    );
    const normal = await postJson(chat.baseUrl, '/v1/completions', { prompt: 'hello', max_tokens: 4 });
    expect(normal.status).toBe(200);
    for (const answer of await Promise.all(floods)) contextExceeded(answer);
  });

  it('/health answers while a generation runs', async () => {
    const generation = postJson(chat.baseUrl, '/v1/completions', {
      prompt: 'go',
      max_tokens: 400,
      temperature: 1,
    });
    expect(await healthWhile(chat.baseUrl, generation)).toBeGreaterThan(0);
    expect((await generation).status).toBe(200);
  });

  it('a JSON body nested deeper than the limit is a 400 that says so, not a crash', async () => {
    const deep = `{"prompt":"x","extra":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const answer = await postJson(chat.baseUrl, '/v1/completions', deep);
    expect(answer.status).toBe(400);
    expect((answer.body as { error: { message: string } }).error.message).toMatch(/deeper than 128 levels/);
    expect((await fetch(`${chat.baseUrl}/health`)).status).toBe(200);
  });
});
