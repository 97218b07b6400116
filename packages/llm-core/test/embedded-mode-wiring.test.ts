import { existsSync } from 'node:fs';
import { UnifiedInferenceClient } from '@sage/llm-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OpenAiTestServer } from './helpers/openai-test-server.js';

/**
 * Embedded mode's wiring, with `@sage/server` replaced by a stand-in whose module factory
 * records that it ran: remote mode must never evaluate it, embedded mode must.
 */
const gatewayStandIn = vi.hoisted(() => ({
  moduleLoaded: false,
  startOptions: [] as unknown[],
  closeCalls: [] as unknown[],
  server: undefined as { url: string; close(): Promise<void> } | undefined,
}));

vi.mock('@sage/server', () => {
  gatewayStandIn.moduleLoaded = true;
  return {
    DEFAULT_PRESET_NAME: 'local',
    createGatewayLogger: (level: string) => ({ level }),
    startGateway: async (options: unknown) => {
      gatewayStandIn.startOptions.push(options);
      const server = gatewayStandIn.server;
      if (!server) throw new Error('test server not started');
      return {
        url: server.url.replace(/\/v1$/, ''),
        close: async (closeOptions: unknown) => {
          gatewayStandIn.closeCalls.push(closeOptions);
        },
      };
    },
  };
});

let server: OpenAiTestServer;

beforeEach(async () => {
  vi.stubEnv('SAGE_CONTROL_PLANE_URL', '');
  server = await new OpenAiTestServer().listen();
  gatewayStandIn.server = server;
  gatewayStandIn.startOptions.length = 0;
  gatewayStandIn.closeCalls.length = 0;
});

afterEach(async () => {
  await server.close();
  vi.unstubAllEnvs();
});

describe('embedded mode wiring', () => {
  it('does not load @sage/server in remote mode', async () => {
    const client = await UnifiedInferenceClient.create({ controlPlaneUrl: server.url });
    await client.chat('x');
    await client.close();
    expect(gatewayStandIn.moduleLoaded).toBe(false);
  });

  it('starts the gateway on an ephemeral loopback port with the local preset and its default policy', async () => {
    const client = await UnifiedInferenceClient.create({ embedded: true });
    expect(gatewayStandIn.moduleLoaded).toBe(true);
    expect(client.mode).toBe('embedded');
    expect(client.baseUrl).toBe(server.url);
    expect(gatewayStandIn.startOptions).toHaveLength(1);
    expect(gatewayStandIn.startOptions[0]).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      preset: 'local',
      managerOptions: { stopEnginesOnExit: true, stateDir: expect.stringContaining('sage-embedded-') },
    });
    // A private state directory, removed by close(): never a running gateway's SAGE_HOME.
    const stateDir = (gatewayStandIn.startOptions[0] as { managerOptions: { stateDir: string } })
      .managerOptions.stateDir;
    expect(existsSync(stateDir)).toBe(true);
    // Unset, the gateway's own default applies: SAGE_SCHEDULING_POLICY, else adaptive.
    expect(gatewayStandIn.startOptions[0]).not.toHaveProperty('policy');
    // A quiet pino logger unless the caller passes one.
    expect((gatewayStandIn.startOptions[0] as { logger: { level: string } }).logger.level).toBe('warn');
    await client.chat('x');
    expect(server.lastRequest('/v1/chat/completions')?.headers['x-scheduling-policy']).toBeUndefined();
    await client.close();
    expect(existsSync(stateDir)).toBe(false);
  });

  it('passes preset, stateDir, schedulingPolicy and logger to the gateway', async () => {
    const preset = { version: 1, name: 'mine', engines: [] };
    const logger = { level: 'debug' } as never;
    const client = await UnifiedInferenceClient.create({
      embedded: true,
      preset,
      stateDir: '/tmp/sage-state',
      schedulingPolicy: 'fifo',
      logger,
    });
    expect(gatewayStandIn.startOptions[0]).toEqual({
      host: '127.0.0.1',
      port: 0,
      preset,
      policy: 'fifo',
      managerOptions: { stopEnginesOnExit: true, stateDir: '/tmp/sage-state' },
      logger,
    });
    await client.close();
  });

  it('starts engines for default models that no engine serves, and only those', async () => {
    const client = await UnifiedInferenceClient.create({
      embedded: true,
      defaultLlmModel: 'test/chat',
      defaultEmbeddingModel: 'test/other-embed',
    });
    const starts = server.requests.filter((request) => request.url.startsWith('/v1/management/engines'));
    expect(starts.map((request) => [request.url, request.body])).toEqual([
      ['/v1/management/engines?wait=true', { model_id: 'test/other-embed', engine_kind: 'embedding' }],
    ]);
    await client.close();
  });

  it('authenticates with the first SAGE_API_KEYS key, which the embedded gateway accepts', async () => {
    vi.stubEnv('SAGE_API_KEY', '');
    vi.stubEnv('SAGE_API_KEYS', ' first-key , second-key');
    const client = await UnifiedInferenceClient.create({ embedded: true });
    await client.models();
    expect(server.lastRequest('/v1/models')?.headers.authorization).toBe('Bearer first-key');
    await client.close();
  });

  it('stops the gateway and its engines on close(), once, however often close() is called', async () => {
    const client = await UnifiedInferenceClient.create({ embedded: true });
    await Promise.all([client.close(), client.close()]);
    await client.close();
    expect(gatewayStandIn.closeCalls).toEqual([{ stopEngines: true }]);
  });

  it('stops the gateway when an engine failed to start, and says which', async () => {
    server.engines = [{ ...server.engines[0], status: 'FAILED', last_error: 'bad model file' }];
    await expect(UnifiedInferenceClient.create({ embedded: true })).rejects.toThrow(
      /engine-1 \(test\/chat\) FAILED: bad model file/,
    );
    expect(gatewayStandIn.closeCalls).toEqual([{ stopEngines: true }]);
  });
});
