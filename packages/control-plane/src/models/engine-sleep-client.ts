import type { EngineKind } from '@sage/protocol';

/** Where an engine listens. */
interface SleepTarget {
  host: string;
  port: number;
}

function baseUrl(target: SleepTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `http://${host}:${target.port}`;
}

async function post(url: string, body: unknown, timeoutMs: number): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

async function expectOk(response: Response, what: string): Promise<void> {
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const text = (await response.text().catch(() => '')).slice(0, 200);
  throw new Error(`${what} answered ${response.status}${text ? `: ${text}` : ''}`);
}

/** `POST /sleep?level=N` (vLLM's sleep mode): the engine gives its GPU memory back. */
export async function sleepEngine(target: SleepTarget, level: 1 | 2, timeoutMs: number): Promise<void> {
  await expectOk(await post(`${baseUrl(target)}/sleep?level=${level}`, undefined, timeoutMs), 'POST /sleep');
}

/** `POST /wake_up`: the engine takes its GPU memory again. */
export async function wakeEngine(target: SleepTarget, timeoutMs: number): Promise<void> {
  await expectOk(await post(`${baseUrl(target)}/wake_up`, undefined, timeoutMs), 'POST /wake_up');
}

/**
 * One tiny request a woken engine must answer, well formed, before it gets traffic (woken engines
 * have been seen answering garbage): a one-token completion, or one embedding of finite numbers.
 * Throws with what was wrong.
 */
export async function canaryRequest(
  target: SleepTarget,
  kind: EngineKind,
  modelId: string,
  timeoutMs: number,
): Promise<void> {
  const url = `${baseUrl(target)}/v1/${kind === 'embedding' ? 'embeddings' : 'completions'}`;
  const body =
    kind === 'embedding'
      ? { model: modelId, input: 'ping' }
      : { model: modelId, prompt: 'ping', max_tokens: 1, temperature: 0 };
  const response = await post(url, body, timeoutMs);
  if (!response.ok) await expectOk(response, 'the canary request');
  const answer = (await response.json().catch(() => null)) as {
    choices?: Array<{ text?: unknown }>;
    data?: Array<{ embedding?: unknown }>;
  } | null;
  const wellFormed =
    kind === 'embedding'
      ? Array.isArray(answer?.data?.[0]?.embedding) &&
        (answer.data[0].embedding as unknown[]).length > 0 &&
        (answer.data[0].embedding as unknown[]).every(
          (value) => typeof value === 'number' && Number.isFinite(value),
        )
      : typeof answer?.choices?.[0]?.text === 'string';
  if (!wellFormed) throw new Error('the canary request got a malformed answer');
}
