import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeHub, startFakeHub } from '@sage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelPullError } from '../src/errors.js';
import { readLocalModelFacts } from '../src/gpu/local-model-facts.js';
import { type ModelPullEvent, ModelPuller, type ModelPullerOptions } from '../src/models/model-puller.js';
import { temporaryStateDir } from './fake-engine-backend.js';
import { tinyChatGguf } from './support/tiny-gguf.js';

// A real HTTP server in the hub's layout serving a real (tiny) GGUF; the puller is not mocked.
const REPO = 'sage-test/tiny-chat-GGUF';
const Q4 = 'tiny-chat-Q4_K_M.gguf';
const Q8 = 'sub/tiny-chat-Q8_0.gguf';
let gguf: Buffer;
let variant: Buffer;
const hubs: FakeHub[] = [];

beforeAll(() => {
  gguf = tinyChatGguf();
  variant = Buffer.concat([gguf, Buffer.from('other quantisation')]);
});
afterAll(async () => {
  await Promise.all(hubs.map((hub) => hub.close()));
});

async function hub(options: Parameters<typeof startFakeHub>[0] = {}): Promise<FakeHub> {
  const started = await startFakeHub({ repos: { [REPO]: { [Q4]: gguf, [Q8]: variant } }, ...options });
  hubs.push(started);
  return started;
}

function puller(endpoint: string, options: Partial<ModelPullerOptions> = {}) {
  const cacheDir = join(temporaryStateDir(), 'models', 'cache');
  return new ModelPuller({
    cacheDir,
    env: { HF_ENDPOINT: endpoint },
    retryDelayMs: 10,
    progressIntervalMs: 0,
    ...options,
  });
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function pullError(promise: Promise<unknown>): Promise<ModelPullError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!ModelPullError.isInstance(error)) throw new Error(`expected a ModelPullError, got ${String(error)}`);
  return error;
}

describe('ModelPuller against a hub-shaped HTTP server', () => {
  it('pulls hf:owner/repo/file.gguf through the redirect, checks the hub’s SHA-256 and caches it', async () => {
    const fake = await hub();
    const models = puller(fake.endpoint);
    const events: ModelPullEvent[] = [];
    const model = await models.pull({ ref: `hf:${REPO}/${Q4}` }, { onEvent: (event) => events.push(event) });
    expect(model.sha256).toBe(sha256(gguf));
    expect(model.verified).toBe(true);
    expect(model.ref).toBe(`hf:${REPO}/${Q4}#main`);
    expect(readFileSync(model.path).equals(gguf)).toBe(true);
    expect(model.path.startsWith(models.cache.root)).toBe(true);
    expect(fake.requests.map((request) => request.path)).toEqual([
      `/${REPO}/resolve/main/${Q4}`,
      `/cdn/${sha256(gguf)}`,
    ]);
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['resolved', 'progress', 'verifying', 'done']),
    );
    expect(events.at(-1)).toMatchObject({ type: 'done', model: { id: model.id } });
    // The memory estimate reads the cached file's GGUF header.
    expect(readLocalModelFacts(model.path)?.source).toBe('gguf-header');
    expect(await models.cache.list()).toEqual([model]);
    // Pulled again: found in the cache, no request.
    const before = fake.requests.length;
    const again = await models.pull({ ref: `hf:${REPO}/${Q4}` });
    expect(again.id).toBe(model.id);
    expect(fake.requests.length).toBe(before);
    expect(readdirSync(join(models.cache.root, 'partial'))).toEqual([]);
  });

  it('chooses the .gguf of a quantisation from the repository’s file list, and names the choices otherwise', async () => {
    const fake = await hub();
    const models = puller(fake.endpoint);
    const model = await models.pull({ ref: REPO, quant: 'q8_0' });
    expect(model.ref).toBe(`hf:${REPO}/${Q8}#main`);
    expect(model.sha256).toBe(sha256(variant));
    expect(fake.requests[0]?.path).toBe(`/api/models/${REPO}/tree/main`);
    // The quantisation reference now finds the file offline.
    expect((await models.findCached({ ref: `hf:${REPO}:q8_0` }))?.id).toBe(model.id);

    const none = await pullError(models.pull({ ref: `hf:${REPO}` }));
    expect(none.reason).toBe('not-found');
    expect(none.message).toMatch(/available: Q4_K_M, Q8_0/);
    const wrong = await pullError(models.pull({ ref: `hf:${REPO}:Q2_K` }));
    expect(wrong.message).toMatch(/no \.gguf file for quantisation Q2_K \(available: Q4_K_M, Q8_0\)/);
  });

  it('resumes with Range after the connection drops mid-file, within one pull and across pulls', async () => {
    const fake = await hub({ dropAfterBytes: 400_000, drops: 1 });
    const models = puller(fake.endpoint);
    const model = await models.pull({ ref: `hf:${REPO}/${Q4}` });
    expect(model.sha256).toBe(sha256(gguf));
    const cdn = fake.requests.filter((request) => request.path.startsWith('/cdn/'));
    // The retry asks for the rest of what reached the disk: at most the 400,000 bytes the hub sent
    // (bytes the HTTP client held when the connection ended may not have been written).
    expect(cdn).toHaveLength(2);
    expect(cdn[0]?.range).toBeUndefined();
    expect(resumedFrom(cdn[1]?.range)).toBeGreaterThan(0);
    expect(resumedFrom(cdn[1]?.range)).toBeLessThanOrEqual(400_000);

    const once = puller(fake.endpoint, { maxAttempts: 1 });
    fake.dropNext(1);
    const dropped = await pullError(once.pull({ ref: `hf:${REPO}/${Q8}` }));
    expect(dropped.reason).toBe('network');
    expect(dropped.message).toMatch(/pull again to resume/);
    const [partial] = readdirSync(join(once.cache.root, 'partial'));
    const kept = statSync(join(once.cache.root, 'partial', partial as string)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(400_000);
    const resumed = await once.pull({ ref: `hf:${REPO}/${Q8}` });
    expect(resumed.sha256).toBe(sha256(variant));
    expect(fake.requests.at(-1)?.range).toBe(`bytes=${kept}-`);
  });

  it('refuses a file whose SHA-256 is not the published one, and keeps nothing of it', async () => {
    const fake = await hub({ wrongHash: true });
    const models = puller(fake.endpoint);
    const error = await pullError(models.pull({ ref: `hf:${REPO}/${Q4}` }));
    expect(error.reason).toBe('hash-mismatch');
    expect(error.message).toMatch(/SHA-256 [a-f0-9]{64} is not the published [a-f0-9]{64}/);
    expect(readdirSync(join(models.cache.root, 'partial'))).toEqual([]);
    expect(readdirSync(join(models.cache.root, 'blobs'))).toEqual([]);
    expect(await models.cache.list()).toEqual([]);
  });

  it('names a missing file, a full disk and an unreachable hub', async () => {
    const fake = await hub();
    const missing = await pullError(puller(fake.endpoint).pull({ ref: `hf:${REPO}/nope.gguf` }));
    expect(missing.reason).toBe('not-found');
    expect(missing.message).toMatch(/does not exist \(404\)/);

    const full = puller(fake.endpoint, { freeBytes: async () => 1000 });
    const disk = await pullError(full.pull({ ref: `hf:${REPO}/${Q4}` }));
    expect(disk.reason).toBe('disk-full');
    expect(disk.message).toMatch(/no space left .*needs 1\.5 MB, 1000 B free/);

    const closed = await startFakeHub({});
    const endpoint = closed.endpoint;
    await closed.close();
    const offline = await pullError(puller(endpoint, { maxAttempts: 2 }).pull({ ref: `hf:${REPO}/${Q4}` }));
    expect(offline.reason).toBe('network');
    expect(offline.message).toMatch(/could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\).*HF_ENDPOINT/);
  });

  it('asks for HF_TOKEN on a gated repository, and sends the token to the hub only, not to the CDN', async () => {
    const fake = await hub({ gated: [REPO], token: 'hf_secret', crossHostCdn: true });
    const anonymous = await pullError(puller(fake.endpoint).pull({ ref: `hf:${REPO}/${Q4}` }));
    expect(anonymous.reason).toBe('unauthorized');
    expect(anonymous.message).toMatch(/gated or private \(401\).*set HF_TOKEN/);
    const refused = await pullError(
      puller(fake.endpoint, { env: { HF_ENDPOINT: fake.endpoint, HF_TOKEN: 'hf_wrong' } }).pull({
        ref: `hf:${REPO}/${Q4}`,
      }),
    );
    expect(refused.message).toMatch(/refused HF_TOKEN .*\(403\)/);
    const models = puller(fake.endpoint, { env: { HF_ENDPOINT: fake.endpoint, HF_TOKEN: 'hf_secret' } });
    const model = await models.pull({ ref: `hf:${REPO}/${Q4}` });
    expect(model.sha256).toBe(sha256(gguf));
    const cdn = fake.requests.filter((request) => request.path.startsWith('/cdn/'));
    expect(cdn.at(-1)?.host).toMatch(/^localhost:/);
    expect(cdn.every((request) => request.authorization === undefined)).toBe(true);
    expect(fake.requests.at(-2)?.authorization).toBe('Bearer hf_secret');
  });

  it('shares one download between concurrent pulls of the same reference', async () => {
    const fake = await hub({ slowMs: 20 });
    const models = puller(fake.endpoint);
    const [first, second] = await Promise.all([
      models.pull({ ref: `hf:${REPO}/${Q4}` }),
      models.pull({ ref: `${REPO}/${Q4}` }),
    ]);
    expect(first.id).toBe(second.id);
    expect(fake.requests.filter((request) => request.path.startsWith('/cdn/'))).toHaveLength(1);
  });

  it('pulls a plain URL, verified against a given SHA-256 (unverified without one)', async () => {
    const fake = await hub({ plainFiles: { 'plain.gguf': gguf } });
    const models = puller(fake.endpoint);
    const url = `${fake.endpoint}/files/plain.gguf`;
    const unverified = await models.pull({ ref: url });
    expect(unverified).toMatchObject({ verified: false, sha256: sha256(gguf), fileName: 'plain.gguf' });
    await models.cache.remove(unverified.id);
    expect(existsSync(unverified.path)).toBe(false);
    const wrong = await pullError(models.pull({ ref: url, sha256: 'a'.repeat(64) }));
    expect(wrong.reason).toBe('hash-mismatch');
    const verified = await models.pull({ ref: url, sha256: sha256(gguf) });
    expect(verified.verified).toBe(true);
  });
});

/** The first byte a `Range: bytes=N-` header asks for. */
function resumedFrom(range: string | undefined): number {
  const match = /^bytes=(\d+)-$/.exec(range ?? '');
  return match ? Number(match[1]) : Number.NaN;
}
