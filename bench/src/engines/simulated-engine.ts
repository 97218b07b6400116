/**
 * A simulated inference engine for the scheduling benchmark: OpenAI-compatible chat completions
 * whose service time follows a simple model, with a concurrency limit, a memory limit on
 * concurrent sequences and a prefix cache, and a FIFO queue.
 *
 *   service time = uncached prompt tokens × prefill-ms-per-1k / 1000 + max_tokens × decode-ms-per-token
 *
 * Prompt tokens are whitespace-separated words of every message (a role marker counts as one),
 * in blocks of `BLOCK_TOKENS`; block `i` is identified by a hash chained over blocks 0…i (as
 * vLLM's prefix cache does). The longest run of leading blocks found in the engine's LRU cache
 * (`--prefix-cache-tokens` capacity, 0 = no cache) costs nothing to prefill; the request's
 * blocks are then cached. A request runs once a slot is free (`--max-concurrency`) and the KV
 * memory of the running sequences — prompt + max_tokens each — leaves room for it
 * (`--kv-capacity-tokens`, 0 = unlimited; a request larger than the whole capacity runs alone);
 * otherwise it waits in the engine's own FIFO queue (as vLLM's waiting queue would).
 *
 * With `"stream": true` the answer is an event stream: headers and the first token once prefill
 * is done (time to first token), the rest when decoding ends.
 *
 *   --host H --port N --model ID --prefill-ms-per-1k X --decode-ms-per-token Y --max-concurrency C
 *   --prefix-cache-tokens T --kv-capacity-tokens K
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { EngineSlots, PrefixBlockCache, promptBlocks, serviceTimes } from './engine-model.js';

const { values: flags } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    model: { type: 'string', default: 'sim/chat' },
    device: { type: 'string', default: 'cpu' },
    'prefill-ms-per-1k': { type: 'string', default: '40' },
    'decode-ms-per-token': { type: 'string', default: '4' },
    'max-concurrency': { type: 'string', default: '4' },
    'prefix-cache-tokens': { type: 'string', default: '0' },
    'kv-capacity-tokens': { type: 'string', default: '0' },
  },
  strict: false,
});

const prefillMsPer1k = Number(flags['prefill-ms-per-1k']);
const decodeMsPerToken = Number(flags['decode-ms-per-token']);
const maxConcurrency = Number(flags['max-concurrency']);
const cache = new PrefixBlockCache(Number(flags['prefix-cache-tokens']));
const slots = new EngineSlots<{ tokens: number; start: () => void }>(
  maxConcurrency,
  Number(flags['kv-capacity-tokens']),
);
let served = 0;
let promptTokensTotal = 0;
let cachedTokensTotal = 0;

interface ChatBody {
  model?: string;
  messages?: Array<{ role?: unknown; content?: unknown }>;
  max_tokens?: number;
  stream?: boolean;
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

async function readJson(request: IncomingMessage): Promise<ChatBody | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatBody;
  } catch {
    return undefined;
  }
}

/** Wait for a slot and KV memory (FIFO); resolves with the ms spent waiting. */
function acquireSlot(tokens: number): Promise<number> {
  const queuedAt = performance.now();
  return new Promise((resolve) => {
    const entry = { tokens, start: () => resolve(performance.now() - queuedAt) };
    if (slots.tryStart(entry)) resolve(0);
  });
}

function releaseSlot(tokens: number): void {
  for (const next of slots.release(tokens)) next.start();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function chat(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readJson(request);
  if (!body || !Array.isArray(body.messages)) {
    return send(response, 400, {
      error: { message: 'invalid request', type: 'invalid_request_error', param: null, code: null },
    });
  }
  const { hashes, tokens: promptTokens } = promptBlocks(body.messages);
  const completionTokens = typeof body.max_tokens === 'number' && body.max_tokens > 0 ? body.max_tokens : 16;
  const sequenceTokens = promptTokens + completionTokens;
  const queuedMs = await acquireSlot(sequenceTokens);
  const cachedTokens = Math.min(promptTokens, cache.lookupAndInsert(hashes));
  promptTokensTotal += promptTokens;
  cachedTokensTotal += cachedTokens;
  const { prefillMs, decodeMs } = serviceTimes(
    { prefillMsPer1k, decodeMsPerToken },
    promptTokens - cachedTokens,
    completionTokens,
  );
  served += 1;
  const id = `sim-${process.pid}-${served}`;
  const headers = {
    'x-sim-port': String(flags.port),
    'x-sim-queue-ms': queuedMs.toFixed(1),
    'x-sim-service-ms': (prefillMs + decodeMs).toFixed(1),
    'x-sim-cached-tokens': String(cachedTokens),
    'x-sim-prompt-tokens': String(promptTokens),
  };
  try {
    await sleep(prefillMs);
    if (body.stream === true) {
      response.writeHead(200, { 'content-type': 'text/event-stream', ...headers });
      const chunk = (content: string, finish: string | null) =>
        `data: ${JSON.stringify({
          id,
          object: 'chat.completion.chunk',
          created: Math.floor(Date.now() / 1000),
          model: body.model ?? flags.model,
          choices: [{ index: 0, delta: { content }, finish_reason: finish }],
        })}\n\n`;
      response.write(chunk('ok', null));
      await sleep(decodeMs);
      response.end(`${chunk(' ok'.repeat(Math.max(0, completionTokens - 1)), 'length')}data: [DONE]\n\n`);
      return;
    }
    await sleep(decodeMs);
  } finally {
    releaseSlot(sequenceTokens);
  }
  send(
    response,
    200,
    {
      id,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model ?? flags.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'ok '.repeat(completionTokens).trim() },
          finish_reason: 'length',
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: cachedTokens },
      },
    },
    headers,
  );
}

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/health') return send(response, 200, { status: 'ok' });
  if (request.method === 'GET' && request.url === '/v1/models') {
    return send(response, 200, {
      object: 'list',
      data: [{ id: flags.model, object: 'model', created: 0, owned_by: 'sim' }],
    });
  }
  if (request.method === 'GET' && request.url === '/sim/stats') {
    return send(response, 200, {
      served,
      promptTokens: promptTokensTotal,
      cachedTokens: cachedTokensTotal,
      cachedBlocks: cache.size,
    });
  }
  if (request.method === 'POST' && request.url === '/sim/reset') {
    cache.clear();
    served = 0;
    promptTokensTotal = 0;
    cachedTokensTotal = 0;
    return send(response, 200, { ok: true });
  }
  if (request.method === 'POST' && request.url === '/v1/chat/completions')
    return void chat(request, response);
  send(response, 404, {
    error: { message: 'no such route', type: 'invalid_request_error', param: null, code: null },
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(flags.port), String(flags.host), () => {
  process.stdout.write(
    `simulated engine on ${flags.host}:${flags.port}: prefill ${prefillMsPer1k} ms/1k tokens, decode ${decodeMsPerToken} ms/token, ${maxConcurrency} at a time, prefix cache ${cache.capacityTokens} tokens, KV ${slots.kvCapacityTokens || 'unlimited'} tokens\n`,
  );
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
