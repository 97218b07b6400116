import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { addEngineRecord, createTestManager } from '../__fixtures__/test-manager.js';
import { EngineHealthReporter } from './engine-health-reporter.js';

function setup(threshold: number) {
  const manager = createTestManager();
  addEngineRecord(manager, { engineId: 'engine-a', modelId: 'm', status: 'RUNNING' });
  const reporter = new EngineHealthReporter({ manager, threshold, logger: pino({ level: 'silent' }) });
  return { manager, reporter, status: () => manager.getEngine('engine-a').status };
}

describe('EngineHealthReporter', () => {
  it('marks a RUNNING engine UNHEALTHY after threshold consecutive server-side failures', () => {
    const { reporter, status } = setup(3);
    reporter.failure('engine-a', 'status 500');
    reporter.failure('engine-a', 'status 500');
    expect(status()).toBe('RUNNING');
    reporter.failure('engine-a', 'ECONNRESET');
    expect(status()).toBe('UNHEALTHY');
  });

  it('starts counting again after a success', () => {
    const { reporter, status } = setup(2);
    reporter.failure('engine-a', 'status 500');
    reporter.success('engine-a');
    reporter.failure('engine-a', 'status 500');
    expect(status()).toBe('RUNNING');
  });

  it('leaves engines that are not RUNNING, or unknown, alone', () => {
    const { manager, reporter } = setup(1);
    addEngineRecord(manager, { engineId: 'engine-b', modelId: 'm', status: 'RESTARTING' });
    reporter.failure('engine-b', 'ECONNREFUSED');
    reporter.failure('engine-unknown', 'ECONNREFUSED');
    expect(manager.getEngine('engine-b').status).toBe('RESTARTING');
    expect(() => new EngineHealthReporter({ manager, threshold: 0, logger: pino() })).toThrow(/threshold/i);
  });
});
