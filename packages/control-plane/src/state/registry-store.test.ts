import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineRecord } from './engine-record.js';
import { RegistryFileError } from './registry-file-error.js';
import { FileRegistryStore, parseRegistryFile } from './registry-store.js';

const PATH = '/var/sage/registry.json';

function record(overrides: Partial<EngineRecord> = {}): EngineRecord {
  return {
    engineId: 'engine-1a2b3c4d',
    request: {
      modelId: 'sage/tiny-chat',
      engineKind: 'llm',
      tensorParallelSize: 1,
      pipelineParallelSize: 1,
      maxConcurrentRequests: 256,
    },
    backend: 'sage',
    status: 'RUNNING',
    host: '127.0.0.1',
    port: 8001,
    gpuIds: [],
    device: 'cpu',
    reservedMemoryGbPerGpu: 0,
    pid: 4242,
    command: ['node', 'sage-engine.js'],
    env: { CUDA_VISIBLE_DEVICES: '' },
    logPath: '/var/sage/logs/engine-1a2b3c4d.log',
    restartCount: 0,
    lastExitCode: null,
    lastExitSignal: null,
    lastExitClass: null,
    lastError: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    spawnedAt: 1,
    resourcesHeld: true,
    launchNonce: 'n1',
    processStart: 'boot:1',
    generation: 'n1',
    executorHandle: { pid: 4242, processStart: 'boot:1' },
    address: { host: '127.0.0.1', port: 8001, baseUrl: 'http://127.0.0.1:8001' },
    ...overrides,
  };
}

function refusal(value: unknown): RegistryFileError {
  try {
    parseRegistryFile(value, PATH);
  } catch (error) {
    if (RegistryFileError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('parseRegistryFile accepted it');
}

describe('parseRegistryFile', () => {
  it('reads version 1 records, filling fields older files lack', () => {
    const {
      lastExitSignal: _signal,
      lastExitClass: _class,
      launchNonce: _nonce,
      processStart: _start,
      generation: _generation,
      executorHandle: _handle,
      address: _address,
      ...old
    } = record();
    const [loaded] = parseRegistryFile({ version: 1, savedAt: 'x', engines: [old] }, PATH);
    expect(loaded).toMatchObject({
      engineId: 'engine-1a2b3c4d',
      lastExitClass: null,
      launchNonce: null,
      processStart: null,
      generation: null,
      address: null,
      // A record from before executors: the local executor recognises it by its pid and command line.
      executorHandle: { pid: 4242, processStart: null, command: ['node', 'sage-engine.js'] },
    });
    expect(loaded?.request).toMatchObject({ modelId: 'sage/tiny-chat', engineKind: 'llm' });
  });

  it('treats an empty object as a lost registry: no records', () => {
    expect(parseRegistryFile({}, PATH)).toEqual([]);
  });

  it('refuses an unknown version, naming the file and the fix', () => {
    const error = refusal({ version: 99, engines: [] });
    expect(error.message).toContain(`the engine registry ${PATH} cannot be used: its version 99`);
    expect(error.message).toContain(`mv ${PATH} ${PATH}.bad`);
    expect(error.message).not.toMatch(/bug/);
  });

  it.each([
    [{ status: 'DANCING' }, /engines\[0\] \(engine-1a2b3c4d\): status: /],
    [{ port: 'eighty' }, /engines\[0\] \(engine-1a2b3c4d\): port: /],
    [{ engineId: '../../etc/passwd' }, /engines\[0\] \(\.\.\/\.\.\/etc\/passwd\): engineId: /],
    [{ request: { modelId: '' } }, /request\.modelId: model_id must not be empty/],
  ])('refuses a record of the wrong shape (%j), naming the record and the field', (change, message) => {
    expect(refusal({ version: 1, engines: [record(change as Partial<EngineRecord>)] }).message).toMatch(
      message,
    );
  });

  it('refuses two records with the same id', () => {
    expect(refusal({ version: 1, engines: [record(), record()] }).message).toMatch(
      /engines\[1\].*a second record/,
    );
  });

  it.each([[[]], ['text'], [null], [{ version: 1, engines: {} }]])('refuses %j', (value) => {
    expect(refusal(value).message).toContain(PATH);
  });
});

describe('FileRegistryStore', () => {
  it('refuses a file that is not JSON with the file and the fix, and reads an empty file as no records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sage-registry-'));
    const store = new FileRegistryStore(dir);
    writeFileSync(store.path, '\u0000\u0001garbage{');
    const error = await store.load().catch((caught: unknown) => caught);
    expect(RegistryFileError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/registry\.json cannot be used: it is not JSON/);
    writeFileSync(store.path, '');
    expect(await store.load()).toEqual([]);
  });

  it('round-trips what it saved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sage-registry-'));
    const store = new FileRegistryStore(dir);
    await store.save([record()]);
    expect(await store.load()).toEqual([record()]);
  });
});
