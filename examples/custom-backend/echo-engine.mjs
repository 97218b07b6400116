#!/usr/bin/env node
// A minimal OpenAI-compatible "engine": it echoes the last user message. It stands in for any
// program you want the control plane to run (llama.cpp's server, TGI, your own): the gateway
// only needs argv placeholders, a health path and OpenAI-shaped answers.
//   node examples/custom-backend/echo-engine.mjs --host 127.0.0.1 --port 8950 --model echo
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    model: { type: 'string' },
  },
});

const json = (response, status, body) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/health') return json(response, 200, { status: 'ok' });
  if (request.method === 'GET' && request.url === '/v1/models') {
    return json(response, 200, {
      object: 'list',
      data: [{ id: values.model, object: 'model', created: 0, owned_by: 'echo' }],
    });
  }
  if (request.method === 'POST' && request.url === '/v1/chat/completions') {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', () => {
      const body = JSON.parse(raw || '{}');
      const text = String(body.messages?.filter((message) => message.role === 'user').at(-1)?.content ?? '');
      const tokens = text.split(/\s+/).filter(Boolean).length;
      json(response, 200, {
        id: `echo-${Date.now()}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: values.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, refusal: null },
            finish_reason: 'stop',
            logprobs: null,
          },
        ],
        usage: { prompt_tokens: tokens, completion_tokens: tokens, total_tokens: 2 * tokens },
      });
    });
    return;
  }
  json(response, 404, {
    error: { message: 'not found', type: 'invalid_request_error', param: null, code: null },
  });
}).listen(Number(values.port), values.host);
