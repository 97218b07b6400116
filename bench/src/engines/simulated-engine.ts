/**
 * A simulated inference engine for the scheduling benchmark: OpenAI-compatible chat completions
 * whose service time follows a simple model, with a concurrency limit and a FIFO queue.
 *
 *   service time = prompt tokens × prefill-ms-per-1k / 1000 + max_tokens × decode-ms-per-token
 *
 * A request beyond `--max-concurrency` waits in the engine's own FIFO queue (as vLLM's waiting
 * queue would). Prompt tokens are counted as whitespace-separated words.
 *
 *   --host H --port N --model ID --prefill-ms-per-1k X --decode-ms-per-token Y --max-concurrency C
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    model: { type: 'string', default: 'sim/chat' },
    device: { type: 'string', default: 'cpu' },
    'prefill-ms-per-1k': { type: 'string', default: '40' },
    'decode-ms-per-token': { type: 'string', default: '4' },
    'max-concurrency': { type: 'string', default: '4' },
  },
  strict: false,
});

const prefillMsPer1k = Number(flags['prefill-ms-per-1k']);
const decodeMsPerToken = Number(flags['decode-ms-per-token']);
const maxConcurrency = Number(flags['max-concurrency']);
let active = 0;
const waiting: Array<() => void> = [];
let served = 0;

interface ChatBody {
  model?: string;
  messages?: Array<{ content?: unknown }>;
  max_tokens?: number;
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

/** Wait for a slot (FIFO); resolves with the ms spent waiting. */
function acquireSlot(): Promise<number> {
  const queuedAt = performance.now();
  if (active < maxConcurrency) {
    active += 1;
    return Promise.resolve(0);
  }
  return new Promise((resolve) => {
    waiting.push(() => {
      active += 1;
      resolve(performance.now() - queuedAt);
    });
  });
}

function releaseSlot(): void {
  active -= 1;
  waiting.shift()?.();
}

async function chat(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readJson(request);
  if (!body || !Array.isArray(body.messages)) {
    return send(response, 400, {
      error: { message: 'invalid request', type: 'invalid_request_error', param: null, code: null },
    });
  }
  const promptTokens = body.messages
    .map((message) =>
      typeof message.content === 'string' ? message.content.split(/\s+/).filter(Boolean).length : 0,
    )
    .reduce((sum, count) => sum + count, 0);
  const completionTokens = typeof body.max_tokens === 'number' && body.max_tokens > 0 ? body.max_tokens : 16;
  const serviceMs = (promptTokens * prefillMsPer1k) / 1000 + completionTokens * decodeMsPerToken;
  const queuedMs = await acquireSlot();
  try {
    await new Promise((resolve) => setTimeout(resolve, serviceMs));
  } finally {
    releaseSlot();
  }
  served += 1;
  send(
    response,
    200,
    {
      id: `sim-${process.pid}-${served}`,
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
      },
    },
    {
      'x-sim-port': String(flags.port),
      'x-sim-queue-ms': queuedMs.toFixed(1),
      'x-sim-service-ms': serviceMs.toFixed(1),
    },
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
  if (request.method === 'POST' && request.url === '/v1/chat/completions')
    return void chat(request, response);
  send(response, 404, {
    error: { message: 'no such route', type: 'invalid_request_error', param: null, code: null },
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(flags.port), String(flags.host), () => {
  process.stdout.write(
    `simulated engine on ${flags.host}:${flags.port}: prefill ${prefillMsPer1k} ms/1k tokens, decode ${decodeMsPerToken} ms/token, ${maxConcurrency} at a time\n`,
  );
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
