import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the test server saw it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown> | null;
}

export interface TestServerBehaviour {
  /** Never answer inference requests (for timeouts). */
  hang?: boolean;
  /** Models that answer 404 `model_not_found`. */
  unknownModels?: string[];
  /** Streamed chunks per answer and the delay between them. */
  chunks?: number;
  chunkDelayMs?: number;
}

/**
 * A small OpenAI-shaped control plane for client tests: records every request (headers and
 * body), serves chat, completions (plain and SSE), embeddings, models and management status,
 * and notes streams whose client went away before the end.
 */
export class OpenAiTestServer {
  readonly requests: RecordedRequest[] = [];
  /** Streams the client closed before the server finished them. */
  abandonedStreams = 0;
  behaviour: TestServerBehaviour;
  /** Engines reported by `GET /v1/management/status`; `POST /v1/management/engines` adds one. */
  engines: Array<Record<string, unknown>> = [engineWire('engine-1', 'test/chat', 'llm')];
  readonly #server: Server;
  #port = 0;

  constructor(behaviour: TestServerBehaviour = {}) {
    this.behaviour = behaviour;
    this.#server = createServer((request, response) => void this.#handle(request, response));
    this.#server.keepAliveTimeout = 5_000;
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/v1`;
  }

  async listen(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => resolve());
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  lastRequest(path: string): RecordedRequest | undefined {
    return this.requests.filter((request) => request.url.startsWith(path)).at(-1);
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    const url = request.url ?? '/';
    this.requests.push({ method: request.method ?? 'GET', url, headers: request.headers, body });
    const requestId = String(request.headers['x-request-id'] ?? 'server-made-id');
    response.setHeader('x-request-id', requestId);

    if (url === '/health') return sendJson(response, 200, { status: 'ok' });
    if (url === '/v1/models') {
      return sendJson(response, 200, {
        object: 'list',
        data: [
          { id: 'test/chat', object: 'model', created: 1, owned_by: 'sage', kind: 'llm' },
          { id: 'test/embed', object: 'model', created: 1, owned_by: 'sage', kind: 'embedding' },
        ],
      });
    }
    if (url === '/v1/management/status') return sendJson(response, 200, managementStatus(this.engines));
    if (url.startsWith('/v1/management/engines') && request.method === 'POST') {
      const engine = engineWire(
        `engine-${this.engines.length + 1}`,
        String(body?.model_id),
        String(body?.engine_kind),
      );
      this.engines.push(engine);
      return sendJson(response, 201, engine);
    }
    if (this.behaviour.hang) return;
    const model = typeof body?.model === 'string' ? body.model : 'test/chat';
    if (this.behaviour.unknownModels?.includes(model)) {
      response.setHeader('x-sage-error-source', 'gateway');
      return sendJson(response, 404, {
        error: {
          message: `no engine serves model '${model}' (available: test/chat, test/embed)`,
          type: 'invalid_request_error',
          param: 'model',
          code: 'model_not_found',
        },
      });
    }
    if (url === '/v1/embeddings') return sendJson(response, 200, embeddings(body, model));
    const isChat = url === '/v1/chat/completions';
    if (!isChat && url !== '/v1/completions')
      return sendJson(response, 404, { error: { message: 'no route' } });
    if (body?.stream) return this.#stream(response, isChat, model);
    return sendJson(response, 200, completion(isChat, model, 'hello from the test server'));
  }

  async #stream(response: ServerResponse, isChat: boolean, model: string): Promise<void> {
    const count = this.behaviour.chunks ?? 3;
    const delay = this.behaviour.chunkDelayMs ?? 5;
    let closedEarly = false;
    response.on('close', () => {
      if (!response.writableFinished) closedEarly = true;
    });
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (let index = 0; index < count; index += 1) {
      if (closedEarly) break;
      const piece = `tok${index} `;
      const choice = isChat
        ? { index: 0, delta: { content: piece }, finish_reason: null }
        : { index: 0, text: piece, finish_reason: null };
      response.write(`data: ${JSON.stringify(chunkOf(isChat, model, choice))}\n\n`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    if (closedEarly) {
      this.abandonedStreams += 1;
      return;
    }
    response.end('data: [DONE]\n\n');
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function completion(isChat: boolean, model: string, text: string) {
  const usage = { prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 };
  return isChat
    ? {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model,
        choices: [
          { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null },
        ],
        usage,
      }
    : {
        id: 'cmpl-1',
        object: 'text_completion',
        created: 1,
        model,
        choices: [{ index: 0, text, finish_reason: 'stop', logprobs: null }],
        usage,
      };
}

function chunkOf(isChat: boolean, model: string, choice: unknown) {
  return {
    id: 'stream-1',
    object: isChat ? 'chat.completion.chunk' : 'text_completion',
    created: 1,
    model,
    choices: [choice],
  };
}

function embeddings(body: Record<string, unknown> | null, model: string) {
  const inputs = Array.isArray(body?.input) ? (body.input as string[]) : [String(body?.input ?? '')];
  return {
    object: 'list',
    model,
    // Out of order on purpose: the client must sort by index.
    data: inputs
      .map((input, index) => ({ object: 'embedding', index, embedding: [input.length, index, 0.5] }))
      .reverse(),
    usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
  };
}

function engineWire(engineId: string, modelId: string, engineKind: string): Record<string, unknown> {
  return {
    engine_id: engineId,
    model_id: modelId,
    engine_kind: engineKind,
    backend: 'sage',
    status: 'RUNNING',
    host: '127.0.0.1',
    port: 8001,
    gpu_ids: [],
    device: 'cpu',
    pid: 4242,
    command: ['sage-engine'],
    env: { CUDA_VISIBLE_DEVICES: '' },
    restart_count: 0,
    last_exit_code: null,
    last_error: null,
    log_path: null,
    engine_label: null,
    max_concurrent_requests: 256,
    reserved_memory_gb: 0,
    created_at: '2025-01-01T00:00:00Z',
    uptime_seconds: 3,
  };
}

function managementStatus(engines: Array<Record<string, unknown>>) {
  return {
    engines,
    gpus: [],
    scheduling_policy: 'adaptive',
    queue: { depth: 0, capacity: 1024 },
    engine_counts: { RUNNING: engines.length },
  };
}
