import { type ControlPlaneManager, EngineStartError, InsufficientGpuMemoryError } from '@sage/control-plane';
import { validatePreset } from '@sage/presets';
import type { EngineInfo } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { PresetApplyError } from '../errors/gateway-errors.js';
import { applyPreset } from './apply-preset.js';

const preset = validatePreset({
  version: 1,
  name: 'duo',
  engines: [
    { name: 'chat', model: 'm/chat', backend: 'fake' },
    { name: 'embed', model: 'm/embed', kind: 'embedding', backend: 'fake' },
  ],
});

/** A manager double: records calls; `startFails`/`waitFails` name models whose start or wait fails. */
function fakeManager(options: { startFails?: string; waitFails?: string; existing?: EngineInfo[] } = {}) {
  const engines = new Map<string, EngineInfo>(
    (options.existing ?? []).map((engine) => [engine.engineId, engine]),
  );
  const calls: string[] = [];
  let next = 0;
  const manager = {
    listEngines: () => [...engines.values()],
    getEngine: (engineId: string) => engines.get(engineId) as EngineInfo,
    async requestEngineStartup(modelId: string, startOptions: { metadata?: Record<string, unknown> }) {
      calls.push(`start ${modelId}`);
      if (modelId === options.startFails) throw new InsufficientGpuMemoryError(80, 1, { 0: 4 });
      const engine = {
        engineId: `engine-${next++}`,
        modelId,
        status: 'STARTING',
        metadata: startOptions.metadata,
      } as EngineInfo;
      engines.set(engine.engineId, engine);
      return engine;
    },
    async waitForEngine(engineId: string) {
      const engine = engines.get(engineId) as EngineInfo;
      if (engine.modelId === options.waitFails)
        throw new EngineStartError(engineId, `engine ${engineId} is FAILED`);
      engine.status = 'RUNNING';
      return engine;
    },
    async requestEngineShutdown(engineId: string) {
      calls.push(`stop ${engineId}`);
      const engine = engines.get(engineId) as EngineInfo;
      engine.status = 'STOPPED';
      return engine;
    },
  };
  return { manager: manager as unknown as ControlPlaneManager, calls };
}

describe('applyPreset', () => {
  it('starts every engine and waits until all are RUNNING, tagging them with the preset', async () => {
    const { manager } = fakeManager();
    const applied = await applyPreset(manager, preset);
    expect(applied.engines.map((engine) => [engine.modelId, engine.status])).toEqual([
      ['m/chat', 'RUNNING'],
      ['m/embed', 'RUNNING'],
    ]);
    expect(applied.engines[0]?.metadata).toMatchObject({ preset: 'duo', preset_engine: 'chat' });
    expect(applied.started).toEqual(['engine-0', 'engine-1']);
  });

  it('keeps engines of the same preset that are already up', async () => {
    const existing = {
      engineId: 'engine-old',
      modelId: 'm/chat',
      status: 'RUNNING',
      metadata: { preset: 'duo', preset_engine: 'chat' },
    } as unknown as EngineInfo;
    const { manager, calls } = fakeManager({ existing: [existing] });
    const applied = await applyPreset(manager, preset);
    expect(applied.reused).toEqual(['engine-old']);
    expect(calls).toEqual(['start m/embed']);
  });

  it('stops the engines it started when one cannot start, naming the failing engine', async () => {
    const { manager, calls } = fakeManager({ startFails: 'm/embed' });
    const error = await applyPreset(manager, preset).catch((caught: unknown) => caught);
    expect(PresetApplyError.isInstance(error)).toBe(true);
    expect((error as PresetApplyError).engineName).toBe('embed');
    expect((error as PresetApplyError).rolledBack).toEqual(['engine-0']);
    expect(calls).toEqual(['start m/chat', 'start m/embed', 'stop engine-0']);
  });

  it('stops them when one does not become ready, unless rollback is false', async () => {
    const rolledBack = fakeManager({ waitFails: 'm/chat' });
    await expect(applyPreset(rolledBack.manager, preset)).rejects.toThrow(
      /engine 'chat' \(model m\/chat\) failed/,
    );
    expect(rolledBack.calls.filter((call) => call.startsWith('stop')).sort()).toEqual([
      'stop engine-0',
      'stop engine-1',
    ]);
    const kept = fakeManager({ waitFails: 'm/chat' });
    await expect(applyPreset(kept.manager, preset, { rollback: false })).rejects.toThrow(PresetApplyError);
    expect(kept.calls.some((call) => call.startsWith('stop'))).toBe(false);
  });
});
