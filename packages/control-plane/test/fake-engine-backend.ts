import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeEngineBackendOptions } from '@sage/testing';
import { createCustomBackend } from '../src/backends/custom.js';

/** A custom backend that runs the fake engine; per-engine failure flags go in `extraArgs`. */
export const fakeBackend = createCustomBackend({
  ...fakeEngineBackendOptions,
  command: [...fakeEngineBackendOptions.command],
});

/** The fake engine as a backend with a sleep mode (it serves `/sleep`, `/wake_up`, `/is_sleeping`). */
export const sleepyFakeBackend = createCustomBackend({
  ...fakeEngineBackendOptions,
  name: 'fake-sleepy',
  command: [...fakeEngineBackendOptions.command],
  sleepMode: true,
});

export function temporaryStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'sage-cp-'));
}

/** Ports far from the defaults, so tests never meet a real engine on this host. */
export function testPortRange(offset: number) {
  const start = 27000 + offset * 50;
  return {
    preferred: { llm: [start], embedding: [start + 1] },
    fallbackRange: { start: start + 2, end: start + 49 },
  };
}

/** Poll until `check` holds (no fixed sleeps): `@sage/testing`'s helper. */
export { waitFor } from '@sage/testing';
