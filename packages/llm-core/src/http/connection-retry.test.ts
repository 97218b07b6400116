import { describe, expect, it } from 'vitest';
import { isConnectPhaseError, systemErrorCode, withConnectRetry } from './connection-retry.js';

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('withConnectRetry', () => {
  it('retries a refused connection after 100, 200 and 400 ms, then gives up', async () => {
    const waits: number[] = [];
    let attempts = 0;
    const failing = withConnectRetry(
      async () => {
        attempts += 1;
        throw withCode('ECONNREFUSED');
      },
      { delaysMs: [100, 200, 400], sleep: async (ms) => waits.push(ms) },
    );
    await expect(failing).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(attempts).toBe(4);
    expect(waits).toEqual([100, 200, 400]);
  });

  it('returns the first success', async () => {
    let attempts = 0;
    const result = await withConnectRetry(
      async () => {
        attempts += 1;
        if (attempts < 3) throw withCode('ECONNREFUSED');
        return 'ok';
      },
      { delaysMs: [1, 1, 1], sleep: async () => undefined },
    );
    expect(result).toBe('ok');
    expect(attempts).toBe(3);
  });

  it.each(['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT'])(
    'never retries %s: the request may have reached an engine',
    async (code) => {
      let attempts = 0;
      await expect(
        withConnectRetry(
          async () => {
            attempts += 1;
            throw withCode(code);
          },
          { delaysMs: [1, 1, 1], sleep: async () => undefined },
        ),
      ).rejects.toMatchObject({ code });
      expect(attempts).toBe(1);
    },
  );

  it('stops retrying once the signal is aborted', async () => {
    const controller = new AbortController();
    let attempts = 0;
    await expect(
      withConnectRetry(
        async () => {
          attempts += 1;
          controller.abort();
          throw withCode('ECONNREFUSED');
        },
        { delaysMs: [1, 1, 1], signal: controller.signal, sleep: async () => undefined },
      ),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(attempts).toBe(1);
  });
});

describe('systemErrorCode', () => {
  it('finds a code on the cause chain and inside AggregateError', () => {
    expect(systemErrorCode(new Error('fetch failed', { cause: withCode('ECONNREFUSED') }))).toBe(
      'ECONNREFUSED',
    );
    expect(systemErrorCode(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]))).toBe(
      'ECONNREFUSED',
    );
    expect(systemErrorCode(new Error('plain'))).toBeNull();
    expect(isConnectPhaseError(withCode('UND_ERR_CONNECT_TIMEOUT'))).toBe(true);
  });
});
