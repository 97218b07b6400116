import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promtoolAvailable, promtoolCheckMetrics } from '@sage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway-harness.js';
import { exposedSeries, missingFrom } from './support/promql-series.js';

const MONITORING = fileURLToPath(new URL('../../../docs/monitoring/', import.meta.url));

/**
 * The request-path metrics, driven by real requests through a gateway to fake engine processes
 * and read back from `/metrics`: tokens, TTFT, inter-token latency, e2e latency, queue wait,
 * errors by OpenAI type and code, client disconnects as 499, mid-stream engine failures as 502.
 */
let harness: TestGateway;

beforeAll(async () => {
  harness = await startTestGateway(16);
  await Promise.all([
    harness.startEngine('fake/metrics', { extraArgs: ['--chunks', '5', '--chunk-delay-ms', '30'] }),
    harness.startEngine('fake/long', { extraArgs: ['--chunks', '400', '--chunk-delay-ms', '20'] }),
    harness.startEngine('fake/broken', { extraArgs: ['--fail-status', '400'] }),
  ]);
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

async function scrape(): Promise<string> {
  return (await fetch(`${harness.url}/metrics`)).text();
}

/** The value of the series `name` whose labels include `labels` (summed over the others); 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const pairs = new Map(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => pairs.get(key) === value)) total += Number(match[3]);
  }
  return total;
}

function post(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${harness.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

const messages = [{ role: 'user', content: 'three word prompt' }];

describe('request-path metrics', () => {
  it('counts prompt and completion tokens per model, non-streamed and streamed', async () => {
    const before = await scrape();
    const model = { model: 'fake/metrics' };
    expect((await post('/v1/chat/completions', { ...model, messages })).status).toBe(200);
    // Streamed with a usage chunk, then without one (tokens counted from the chunks).
    const withUsage = await post('/v1/chat/completions', {
      ...model,
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    await withUsage.text();
    const withoutUsage = await post('/v1/chat/completions', { ...model, messages, stream: true });
    expect(await withoutUsage.text()).toContain('[DONE]');
    const after = await scrape();
    const delta = (name: string) => sample(after, name, model) - sample(before, name, model);
    // The fake engine: prompt tokens = words of the prompt (3), 5 completion tokens.
    expect(delta('sage_gateway_prompt_tokens_total')).toBe(6);
    expect(delta('sage_gateway_completion_tokens_total')).toBe(15);
  });

  it('records TTFT, inter-token latency, e2e latency and queue wait of a streamed request', async () => {
    const before = await scrape();
    await (await post('/v1/chat/completions', { model: 'fake/metrics', messages, stream: true })).text();
    const after = await scrape();
    const labels = { route: '/v1/chat/completions', model: 'fake/metrics' };
    const count = (name: string, filter: Record<string, string> = labels) =>
      sample(after, `${name}_count`, filter) - sample(before, `${name}_count`, filter);
    expect(count('sage_gateway_time_to_first_token_seconds')).toBe(1);
    expect(count('sage_gateway_inter_token_latency_seconds')).toBe(1);
    expect(count('sage_gateway_request_duration_seconds')).toBe(1);
    expect(count('sage_gateway_queue_wait_seconds', { route: '/v1/chat/completions' })).toBe(1);
    // Five tokens 30 ms apart: a mean gap above 10 ms and below a second.
    const itlSum =
      sample(after, 'sage_gateway_inter_token_latency_seconds_sum', labels) -
      sample(before, 'sage_gateway_inter_token_latency_seconds_sum', labels);
    expect(itlSum).toBeGreaterThan(0.01);
    expect(itlSum).toBeLessThan(1);
    expect(after).toMatch(/^sage_scheduler_queue_depth \d+$/m);
  });

  it('labels errors with their OpenAI type and code: gateway 400/404 and an engine 400', async () => {
    const before = await scrape();
    expect((await post('/v1/chat/completions', { model: 'fake/metrics', messages: 'nope' })).status).toBe(
      400,
    );
    expect((await post('/v1/chat/completions', { model: 'no/such-model', messages })).status).toBe(404);
    expect((await post('/v1/chat/completions', { model: 'fake/broken', messages })).status).toBe(400);
    const after = await scrape();
    const errors = (labels: Record<string, string>) =>
      sample(after, 'sage_gateway_request_errors_total', labels) -
      sample(before, 'sage_gateway_request_errors_total', labels);
    expect(errors({ status: '400', type: 'invalid_request_error', code: 'invalid_value', model: '' })).toBe(
      1,
    );
    expect(errors({ status: '404', type: 'invalid_request_error', code: 'model_not_found' })).toBe(1);
    // An engine's error: its own type (the fake engine says server_error) and code.
    expect(errors({ status: '400', model: 'fake/broken', type: 'server_error' })).toBe(1);
  });

  it('counts a client that left mid-stream as 499, not 200', async () => {
    const before = await scrape();
    const abort = new AbortController();
    const response = await post(
      '/v1/chat/completions',
      { model: 'fake/long', messages, stream: true },
      abort.signal,
    );
    const reader = response.body!.getReader();
    await reader.read();
    abort.abort();
    const labels = { model: 'fake/long', status: '499' };
    await waitFor(
      async () =>
        sample(await scrape(), 'sage_gateway_requests_total', labels) >
        sample(before, 'sage_gateway_requests_total', labels),
    );
    const after = await scrape();
    expect(sample(after, 'sage_gateway_requests_total', { model: 'fake/long', status: '200' })).toBe(
      sample(before, 'sage_gateway_requests_total', { model: 'fake/long', status: '200' }),
    );
    expect(
      sample(after, 'sage_gateway_request_errors_total', { ...labels, code: 'client_closed_request' }) -
        sample(before, 'sage_gateway_request_errors_total', { ...labels, code: 'client_closed_request' }),
    ).toBe(1);
  });

  it('counts an engine that died mid-stream as 502 engine_stream_interrupted, not 200', async () => {
    const before = await scrape();
    const response = await post('/v1/chat/completions', { model: 'fake/long', messages, stream: true });
    const engine = harness.gateway.manager.getEngine(response.headers.get('x-sage-engine-id') ?? '');
    const reader = response.body!.getReader();
    await reader.read();
    process.kill(engine.pid as number, 'SIGKILL');
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain('engine_stream_interrupted');
    const after = await scrape();
    const labels = { model: 'fake/long', status: '502' };
    expect(
      sample(after, 'sage_gateway_requests_total', labels) -
        sample(before, 'sage_gateway_requests_total', labels),
    ).toBe(1);
    expect(sample(after, 'sage_gateway_requests_total', { model: 'fake/long', status: '200' })).toBe(
      sample(before, 'sage_gateway_requests_total', { model: 'fake/long', status: '200' }),
    );
    expect(
      sample(after, 'sage_gateway_request_errors_total', {
        ...labels,
        type: 'server_error',
        code: 'engine_stream_interrupted',
      }) -
        sample(before, 'sage_gateway_request_errors_total', {
          ...labels,
          type: 'server_error',
          code: 'engine_stream_interrupted',
        }),
    ).toBe(1);
  });

  it.skipIf(!promtoolAvailable)('passes `promtool check metrics` after all of the above', async () => {
    const check = promtoolCheckMetrics(await scrape());
    expect(check.output).toBe('');
    expect(check.ok).toBe(true);
  });
});

/** Every PromQL expression of the Grafana dashboard (panel targets and template queries). */
function dashboardExpressions(): string[] {
  const dashboard = JSON.parse(readFileSync(join(MONITORING, 'grafana-dashboard.json'), 'utf8')) as {
    panels: Array<{ targets?: Array<{ expr: string }> }>;
    templating: { list: Array<{ query?: string | { query: string } }> };
  };
  const targets = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
  const templates = dashboard.templating.list
    .map((variable) => (typeof variable.query === 'object' ? variable.query.query : undefined))
    .filter((query): query is string => query !== undefined)
    // label_values(series, label) reads `label` of `series`.
    .map((query) => query.replace(/^label_values\((.*),\s*(\w+)\)$/, 'sum by ($2) ($1)'));
  return [...targets, ...templates];
}

function alertExpressions(): string[] {
  const rules = parseYaml(readFileSync(join(MONITORING, 'alerts.yaml'), 'utf8')) as {
    groups: Array<{ rules: Array<{ expr: string }> }>;
  };
  return rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr));
}

describe('docs/monitoring', () => {
  it('the dashboard and the alert rules use only series and labels the gateway exports', async () => {
    // An engine restart (the one killed above) so the restart counter has a sample.
    await waitFor(async () => sample(await scrape(), 'sage_engine_restarts_total') > 0);
    const exposed = exposedSeries(await scrape());
    const expressions = [...dashboardExpressions(), ...alertExpressions()];
    expect(expressions.length).toBeGreaterThan(30);
    const problems = expressions.flatMap((expression) =>
      missingFrom(expression, exposed).map((problem) => `${problem}  in  ${expression.trim()}`),
    );
    expect(problems).toEqual([]);
    // The check itself sees what it should: a renamed series would be caught.
    expect(missingFrom('rate(sage_gateway_tokens_total[5m])', exposed)).toEqual([
      'sage_gateway_tokens_total: no such series',
    ]);
    expect(missingFrom('sum by (tenant) (rate(sage_gateway_requests_total{code="x"}[5m]))', exposed)).toEqual(
      [
        'sage_gateway_requests_total: no label code',
        'sage_gateway_requests_total: no code="x"',
        'by (tenant): on none of sage_gateway_requests_total',
      ],
    );
  });

  it.skipIf(!promtoolAvailable)('the alert rules pass `promtool check rules`', () => {
    const check = spawnSync('promtool', ['check', 'rules', join(MONITORING, 'alerts.yaml')], {
      encoding: 'utf8',
    });
    expect(check.stdout + check.stderr).toContain('SUCCESS');
    expect(check.status).toBe(0);
  });
});
