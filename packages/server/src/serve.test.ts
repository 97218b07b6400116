import { fileURLToPath } from 'node:url';
import { ConfigValidationError } from '@sage/presets';
import { describe, expect, it } from 'vitest';
import { createTestManager } from './__fixtures__/test-manager.js';
import { InsecureBindError } from './errors/gateway-errors.js';
import { startGateway } from './serve.js';

const invalidConfig = fileURLToPath(new URL('./__fixtures__/invalid-sage.yaml', import.meta.url));

describe('startGateway refuses to start', () => {
  it('on a non-loopback address without API keys, before anything starts', async () => {
    const manager = createTestManager();
    let started = false;
    manager.start = async () => {
      started = true;
    };
    const error = await startGateway({ host: '0.0.0.0', port: 0, manager }).catch(
      (caught: unknown) => caught,
    );
    expect(InsecureBindError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/refusing to listen on 0\.0\.0\.0 without API keys.*insecure/);
    expect(started).toBe(false);
  });

  it('with an invalid sage.yaml, naming file, line and column', async () => {
    const error = await startGateway({ config: invalidConfig }).catch((caught: unknown) => caught);
    expect(ConfigValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/invalid-sage\.yaml:3:17: proxy\.max_attempts/);
  });
});
