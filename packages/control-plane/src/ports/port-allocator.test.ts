import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PortUnavailableError } from '../errors.js';
import { PortAllocator, type PortAllocatorOptions } from './port-allocator.js';
import { portCandidates } from './port-candidates.js';

// High, test-only ports so the machine's own services are not disturbed.
const LLM_PORTS = [22_001, 22_002, 22_003];
const EMBEDDING_PORTS = [22_090, 22_091];
const FALLBACK = { start: 22_100, end: 22_139 };

let stateDir: string;
const servers: Server[] = [];

beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'sage-ports-'));
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  await rm(stateDir, { recursive: true, force: true });
});

function allocator(options: Partial<PortAllocatorOptions> = {}): PortAllocator {
  return new PortAllocator({
    stateDir,
    gatewayPort: 22_999,
    preferred: { llm: LLM_PORTS, embedding: EMBEDDING_PORTS },
    fallbackRange: FALLBACK,
    hostLockDir: join(stateDir, 'host-locks'),
    ...options,
  });
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      servers.push(server);
      resolve(server);
    });
  });
}

describe('portCandidates', () => {
  it.each([
    {
      name: 'preferred ports, then the range',
      input: { preferred: [5, 3], fallbackRange: { start: 1, end: 4 }, gatewayPort: 99 },
      expected: [5, 3, 1, 2, 4],
    },
    {
      name: 'never the gateway port',
      input: { preferred: [5, 3], fallbackRange: { start: 1, end: 4 }, gatewayPort: 5 },
      expected: [3, 1, 2, 4],
    },
    {
      name: 'the prefer port first',
      input: { preferred: [5, 3], fallbackRange: { start: 1, end: 2 }, gatewayPort: 99, prefer: 2 },
      expected: [2, 5, 3, 1],
    },
    {
      name: 'invalid ports dropped',
      input: { preferred: [0, 70_000, 3], fallbackRange: { start: 1, end: 1 }, gatewayPort: 99 },
      expected: [3, 1],
    },
  ])('orders $name', ({ input, expected }) => {
    expect(portCandidates(input)).toEqual(expected);
  });
});

describe('PortAllocator', () => {
  it('hands out the kind’s preferred ports in order, then the fallback range', async () => {
    const ports = allocator();
    const llm = [];
    for (let index = 0; index < 4; index += 1)
      llm.push(await ports.allocate('llm', { owner: `llm-${index}` }));
    expect(llm).toEqual([...LLM_PORTS, FALLBACK.start]);
    expect(await ports.allocate('embedding', { owner: 'embed' })).toBe(EMBEDDING_PORTS[0]);
    expect(ports.reservations().get(LLM_PORTS[0]!)).toBe('llm-0');
  });

  it('never hands out the gateway port, even when it is the first preferred port', async () => {
    const ports = allocator({ gatewayPort: LLM_PORTS[0] });
    expect(await ports.allocate('llm', { owner: 'a' })).toBe(LLM_PORTS[1]);
    await expect(ports.allocate('llm', { owner: 'b', port: LLM_PORTS[0] })).rejects.toThrow(/gateway/);
  });

  it('skips a port another program listens on and leaves no lock for it', async () => {
    await listen(LLM_PORTS[0]!);
    const ports = allocator();
    expect(await ports.allocate('llm', { owner: 'a' })).toBe(LLM_PORTS[1]);
    expect(existsSync(join(stateDir, 'ports', `${LLM_PORTS[0]}.lock`))).toBe(false);
  });

  it('rejects an explicit port that is taken with PortUnavailableError', async () => {
    await listen(LLM_PORTS[1]!);
    const ports = allocator();
    const error = await ports.allocate('llm', { owner: 'a', port: LLM_PORTS[1] }).catch((caught) => caught);
    expect(PortUnavailableError.isInstance(error)).toBe(true);
    expect((error as PortUnavailableError).port).toBe(LLM_PORTS[1]);
    expect(await ports.allocate('llm', { owner: 'b', port: LLM_PORTS[2] })).toBe(LLM_PORTS[2]);
  });

  it('rejects an explicit port locked by another allocator', async () => {
    const first = allocator();
    const second = allocator();
    await first.allocate('llm', { owner: 'a', port: LLM_PORTS[0] });
    await expect(second.allocate('llm', { owner: 'b', port: LLM_PORTS[0] })).rejects.toThrow(
      /locked for 'a'/,
    );
  });

  it('never gives two allocators over one state directory the same port, run concurrently', async () => {
    const first = allocator();
    const second = allocator();
    const calls = Array.from({ length: 16 }, (_, index) =>
      (index % 2 === 0 ? first : second).allocate(index % 3 === 0 ? 'embedding' : 'llm', {
        owner: `engine-${index}`,
      }),
    );
    const ports = await Promise.all(calls);
    expect(new Set(ports).size).toBe(ports.length);
    expect(first.reservations().size + second.reservations().size).toBe(16);
  });

  it('never gives concurrent calls of one allocator the same port', async () => {
    const ports = allocator();
    const handed = await Promise.all(
      Array.from({ length: 10 }, (_, index) => ports.allocate('llm', { owner: `engine-${index}` })),
    );
    expect(new Set(handed).size).toBe(10);
  });

  it('reclaims a stale lock whose pid is dead', async () => {
    await mkdir(join(stateDir, 'ports'), { recursive: true });
    const lockPath = join(stateDir, 'ports', `${LLM_PORTS[0]}.lock`);
    await writeFile(lockPath, JSON.stringify({ pid: 999_999, owner: 'ghost', createdAt: '2020-01-01' }));
    const ports = allocator({ isPidAlive: (pid) => pid !== 999_999 });
    expect(await ports.allocate('llm', { owner: 'fresh' })).toBe(LLM_PORTS[0]);
    const lock = JSON.parse(await readFile(lockPath, 'utf8'));
    expect(lock).toMatchObject({ pid: process.pid, owner: 'fresh' });
  });

  it('lets exactly one of two allocators reclaim the same stale lock', async () => {
    await mkdir(join(stateDir, 'ports'), { recursive: true });
    await writeFile(
      join(stateDir, 'ports', `${LLM_PORTS[0]}.lock`),
      JSON.stringify({ pid: 999_999, owner: 'ghost', createdAt: '2020-01-01' }),
    );
    const isPidAlive = (pid: number) => pid !== 999_999;
    const [a, b] = await Promise.all([
      allocator({ isPidAlive }).allocate('llm', { owner: 'a' }),
      allocator({ isPidAlive }).allocate('llm', { owner: 'b' }),
    ]);
    expect(a).not.toBe(b);
    expect([a, b]).toContain(LLM_PORTS[0]);
  });

  it('makes released ports reusable, by itself and by another allocator', async () => {
    const first = allocator();
    const port = await first.allocate('llm', { owner: 'a' });
    await first.release(port);
    expect(first.reservations().has(port)).toBe(false);
    expect(existsSync(join(stateDir, 'ports', `${port}.lock`))).toBe(false);
    expect(await allocator().allocate('llm', { owner: 'b' })).toBe(port);
  });

  it('keeps a restarted engine’s port with prefer when it is free again', async () => {
    const ports = allocator();
    await ports.allocate('llm', { owner: 'other' });
    const port = await ports.allocate('llm', { owner: 'engine-1', prefer: FALLBACK.start + 5 });
    expect(port).toBe(FALLBACK.start + 5);
    // Same owner, still reserved: the port is handed back to it.
    expect(await ports.allocate('llm', { owner: 'engine-1', prefer: port })).toBe(port);
  });

  it('reserves a port for adoption without a bind test', async () => {
    await listen(LLM_PORTS[0]!);
    const previous = allocator();
    await previous.reserve(LLM_PORTS[0]!, 'engine-1');
    const next = allocator();
    expect(await next.reserve(LLM_PORTS[0]!, 'engine-1')).toBe(true);
    expect(await next.reserve(LLM_PORTS[0]!, 'engine-1')).toBe(true);
    expect(await allocator().reserve(LLM_PORTS[0]!, 'engine-2')).toBe(false);
    expect(next.reservations().get(LLM_PORTS[0]!)).toBe('engine-1');
  });

  it('fails clearly when every candidate port is taken', async () => {
    const ports = allocator({
      preferred: { llm: [], embedding: [] },
      fallbackRange: { start: 22_200, end: 22_201 },
    });
    await ports.allocate('llm', { owner: 'a' });
    await ports.allocate('llm', { owner: 'b' });
    const error = await ports.allocate('llm', { owner: 'c' }).catch((caught) => caught);
    expect(PortUnavailableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/22200-22201/);
  });

  it('two allocators with different state directories on one host never hand out the same port', async () => {
    const otherStateDir = await mkdtemp(join(tmpdir(), 'sage-ports-other-'));
    const hostLockDir = join(stateDir, 'host-locks');
    const first = allocator({ hostLockDir });
    const second = allocator({ stateDir: otherStateDir, hostLockDir });
    const ports = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        (index % 2 === 0 ? first : second).allocate('llm', { owner: `engine-${index}` }),
      ),
    );
    expect(new Set(ports).size).toBe(ports.length);
    await rm(otherStateDir, { recursive: true, force: true });
  });

  it('creates the host-wide lock directory writable by every user, whatever the umask', async () => {
    const hostLockDir = join(stateDir, 'host-locks');
    const previous = process.umask(0o022);
    try {
      await allocator({ hostLockDir }).allocate('llm', { owner: 'a' });
    } finally {
      process.umask(previous);
    }
    expect((await stat(hostLockDir)).mode & 0o7777).toBe(0o1777);
  });
});
