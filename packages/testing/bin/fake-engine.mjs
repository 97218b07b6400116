#!/usr/bin/env node
// A fake OpenAI-compatible engine for tests and benchmarks. Plain Node, no dependencies, so it
// starts in milliseconds. Failure-mode flags mirror llama-swap's simple-responder.
//
//   --port N --host H --model ID --kind llm|embedding
//   --slow-start-ms N        /health answers 503 for N ms after start
//   --unhealthy-after-ms N   /health answers 503 from N ms after start on
//   --crash-after-ms N       exit(1) N ms after start
//   --exit-at-start CODE     print an error and exit with CODE at once
//   --ignore-sigterm         keep running on SIGTERM (stop must escalate to SIGKILL)
//   --spawn-child            start a grandchild process (stop must kill the whole group)
//   --spawn-detached-child   start a grandchild in its own session (setsid): only the marker in
//                            its environment ties it to the engine
//   --grow-memory-mb-per-s N allocate N MB per second while loading (memory-bound tests)
//   --hang-health            /health never answers
//   --latency-ms N           delay each inference answer by N ms
//   --chunk-delay-ms N       delay between streamed chunks (default 5)
//   --chunks N               number of streamed content chunks (default 5)
//   --fail-status CODE       every inference request answers CODE
//   --sleep-delay-ms N       POST /sleep takes N ms (vLLM's sleep mode: /sleep, /wake_up, /is_sleeping)
//   --wake-delay-ms N        POST /wake_up takes N ms
//   --sleep-fails            POST /sleep answers 500
//   --garbage-after-wake     once woken, completions answer a malformed body (the canary must catch it)
//
// While asleep (after POST /sleep), inference requests answer 503.
// GET /debug/env answers the names of the variables in its environment (the gateway's secrets
// must not be among them).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    model: { type: 'string', default: 'fake-model' },
    kind: { type: 'string', default: 'llm' },
    device: { type: 'string', default: 'cpu' },
    'slow-start-ms': { type: 'string', default: '0' },
    'unhealthy-after-ms': { type: 'string' },
    'crash-after-ms': { type: 'string' },
    'exit-at-start': { type: 'string' },
    'ignore-sigterm': { type: 'boolean', default: false },
    'spawn-child': { type: 'boolean', default: false },
    'spawn-detached-child': { type: 'boolean', default: false },
    'grow-memory-mb-per-s': { type: 'string' },
    'hang-health': { type: 'boolean', default: false },
    'latency-ms': { type: 'string', default: '0' },
    'chunk-delay-ms': { type: 'string', default: '5' },
    chunks: { type: 'string', default: '5' },
    'fail-status': { type: 'string' },
    'sleep-delay-ms': { type: 'string', default: '0' },
    'wake-delay-ms': { type: 'string', default: '0' },
    'sleep-fails': { type: 'boolean', default: false },
    'garbage-after-wake': { type: 'boolean', default: false },
  },
  strict: false,
  allowPositionals: true,
});

const startedAt = Date.now();
const num = (name) => Number(flags[name]);
const log = (message) => process.stdout.write(`[fake-engine ${process.pid}] ${message}\n`);

if (flags['exit-at-start'] !== undefined) {
  process.stderr.write(`fake-engine: refusing to start (exit code ${flags['exit-at-start']})\n`);
  process.exit(Number(flags['exit-at-start']));
}

if (flags['ignore-sigterm']) {
  process.on('SIGTERM', () => log('got SIGTERM, ignoring it'));
} else {
  process.on('SIGTERM', () => {
    log('got SIGTERM, exiting');
    process.exit(0);
  });
}

if (flags['spawn-child']) {
  const child = spawn(process.execPath, ['-e', 'process.on("SIGTERM",()=>{});setInterval(()=>{},1000)'], {
    stdio: 'ignore',
  });
  log(`spawned child ${child.pid}`);
  process.stdout.write(`CHILD_PID=${child.pid}\n`);
}

if (flags['spawn-detached-child']) {
  const child = spawn(process.execPath, ['-e', 'process.on("SIGTERM",()=>{});setInterval(()=>{},1000)'], {
    stdio: 'ignore',
    detached: true,
  });
  child.unref();
  log(`spawned detached child ${child.pid}`);
  process.stdout.write(`DETACHED_CHILD_PID=${child.pid}\n`);
}

if (flags['grow-memory-mb-per-s'] !== undefined) {
  // Like a model load gone wrong: resident memory climbs until someone stops the process.
  const held = [];
  const perTick = Math.max(1, Math.round(num('grow-memory-mb-per-s') / 10));
  setInterval(() => {
    const block = Buffer.alloc(perTick * 1024 * 1024, 1);
    held.push(block);
  }, 100);
}

if (flags['crash-after-ms'] !== undefined) {
  setTimeout(() => {
    process.stderr.write('fake-engine: simulated crash\n');
    process.exit(1);
  }, num('crash-after-ms'));
}

let running = 0;
let served = 0;
let sleeping = false;
let woken = false;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function healthy() {
  const elapsed = Date.now() - startedAt;
  if (elapsed < num('slow-start-ms')) return false;
  if (flags['unhealthy-after-ms'] !== undefined && elapsed >= num('unhealthy-after-ms')) return false;
  return true;
}

function sendJson(response, status, body) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function readBody(request) {
  return new Promise((resolve) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch {
        resolve(null);
      }
    });
  });
}

function promptText(body) {
  if (Array.isArray(body.messages))
    return body.messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join(' ');
  if (typeof body.prompt === 'string') return body.prompt;
  if (Array.isArray(body.prompt)) return body.prompt.join(' ');
  return '';
}

function embeddingOf(text) {
  const vector = Array.from(
    { length: 8 },
    (_, i) => ((text.charCodeAt(i % Math.max(text.length, 1)) || 1) % 7) + i + 1,
  );
  const norm = Math.hypot(...vector);
  return vector.map((v) => v / norm);
}

/** OpenAI's `encoding_format: "base64"` (what the openai SDK asks by default): little-endian float32 bytes. */
function base64Float32(vector) {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

async function inference(request, response, route) {
  const body = await readBody(request);
  if (body === null)
    return sendJson(response, 400, {
      error: { message: 'invalid JSON', type: 'invalid_request_error', param: null, code: null },
    });
  if (flags['fail-status'] !== undefined) {
    return sendJson(response, Number(flags['fail-status']), {
      error: { message: 'fake failure', type: 'server_error', param: null, code: null },
    });
  }
  if (sleeping) {
    return sendJson(response, 503, {
      error: { message: 'the engine is sleeping', type: 'server_error', param: null, code: null },
    });
  }
  if (woken && flags['garbage-after-wake'] && route !== 'embeddings') {
    return sendJson(response, 200, { id: 'garbage', choices: [{ index: 0, text: null }] });
  }
  running += 1;
  let aborted = false;
  response.on('close', () => {
    if (!response.writableFinished) aborted = true;
  });
  try {
    if (num('latency-ms') > 0) await sleep(num('latency-ms'));
    const created = Math.floor(Date.now() / 1000);
    const model = body.model ?? flags.model;
    const id = `fake-${process.pid}-${++served}`;
    const prompt = promptText(body);
    const promptTokens = Math.max(1, prompt.split(/\s+/).filter(Boolean).length);
    if (route === 'embeddings') {
      const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
      return sendJson(response, 200, {
        object: 'list',
        model,
        data: inputs.map((input, index) => ({
          object: 'embedding',
          index,
          embedding:
            body.encoding_format === 'base64'
              ? base64Float32(embeddingOf(String(input)))
              : embeddingOf(String(input)),
        })),
        usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
      });
    }
    const chunkCount = num('chunks');
    const pieces = Array.from({ length: chunkCount }, (_, i) => `tok${i} `);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: chunkCount,
      total_tokens: promptTokens + chunkCount,
    };
    const isChat = route === 'chat';
    if (!body.stream) {
      const text = pieces.join('');
      const choice = isChat
        ? {
            index: 0,
            message: { role: 'assistant', content: text, refusal: null },
            finish_reason: 'stop',
            logprobs: null,
          }
        : { index: 0, text, finish_reason: 'stop', logprobs: null };
      return sendJson(response, 200, {
        id,
        object: isChat ? 'chat.completion' : 'text_completion',
        created,
        model,
        choices: [choice],
        usage,
        engine_pid: process.pid,
      });
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const object = isChat ? 'chat.completion.chunk' : 'text_completion';
    const write = (choice, extra = {}) =>
      response.write(
        `data: ${JSON.stringify({ id, object, created, model, choices: choice ? [choice] : [], ...extra })}\n\n`,
      );
    for (const [index, piece] of pieces.entries()) {
      if (aborted) return;
      const choice = isChat
        ? {
            index: 0,
            delta: index === 0 ? { role: 'assistant', content: piece } : { content: piece },
            finish_reason: null,
          }
        : { index: 0, text: piece, finish_reason: null };
      write(choice);
      await sleep(num('chunk-delay-ms'));
    }
    write(
      isChat ? { index: 0, delta: {}, finish_reason: 'stop' } : { index: 0, text: '', finish_reason: 'stop' },
    );
    if (body.stream_options?.include_usage) write(null, { usage });
    response.end('data: [DONE]\n\n');
  } finally {
    running -= 1;
  }
}

const server = createServer((request, response) => {
  const url = request.url ?? '/';
  if (request.method === 'GET' && url === '/health') {
    if (flags['hang-health']) return;
    return healthy()
      ? sendJson(response, 200, { status: 'ok' })
      : sendJson(response, 503, { status: 'loading' });
  }
  if (request.method === 'GET' && url === '/v1/models') {
    return sendJson(response, 200, {
      object: 'list',
      data: [{ id: flags.model, object: 'model', created: Math.floor(startedAt / 1000), owned_by: 'fake' }],
    });
  }
  if (request.method === 'GET' && url === '/debug/env') {
    return sendJson(response, 200, { names: Object.keys(process.env).sort() });
  }
  if (request.method === 'GET' && url === '/metrics') {
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    return response.end(`vllm:num_requests_running ${running}\nvllm:num_requests_waiting 0\n`);
  }
  if (request.method === 'POST' && url.startsWith('/sleep')) {
    if (flags['sleep-fails'])
      return sendJson(response, 500, { error: { message: 'sleep failed', type: 'server_error' } });
    log(`sleeping (${url})`);
    return void sleep(num('sleep-delay-ms')).then(() => {
      sleeping = true;
      response.writeHead(200).end();
    });
  }
  if (request.method === 'POST' && url === '/wake_up') {
    return void sleep(num('wake-delay-ms')).then(() => {
      log('woken up');
      sleeping = false;
      woken = true;
      response.writeHead(200).end();
    });
  }
  if (request.method === 'GET' && url === '/is_sleeping') {
    return sendJson(response, 200, { is_sleeping: sleeping });
  }
  if (request.method === 'POST' && url === '/v1/chat/completions')
    return void inference(request, response, 'chat');
  if (request.method === 'POST' && url === '/v1/completions')
    return void inference(request, response, 'completions');
  if (request.method === 'POST' && url === '/v1/embeddings')
    return void inference(request, response, 'embeddings');
  sendJson(response, 404, {
    error: {
      message: `no route ${request.method} ${url}`,
      type: 'invalid_request_error',
      param: null,
      code: null,
    },
  });
});

server.keepAliveTimeout = 65_000;
server.listen(Number(flags.port), flags.host, () => {
  const address = server.address();
  log(
    `listening on ${flags.host}:${address.port} model=${flags.model} kind=${flags.kind} device=${flags.device} cuda=${process.env.CUDA_VISIBLE_DEVICES ?? '(unset)'}`,
  );
  process.stdout.write(`PORT=${address.port}\n`);
});
