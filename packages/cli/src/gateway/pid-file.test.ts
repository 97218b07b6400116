import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProcessAlive, readLiveGateway, readPidFile, removePidFile, writePidFile } from './pid-file.js';

const record = {
  pid: process.pid,
  host: '127.0.0.1',
  port: 8889,
  url: 'http://127.0.0.1:8889/v1',
  startedAt: '2025-01-01T00:00:00.000Z',
  args: ['gateway', 'start', '--foreground'],
  logPath: null,
};

function temporaryFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'sage-cli-pid-')), 'gateway.pid');
}

describe('pid file', () => {
  it('round-trips the record and ignores a missing or malformed file', async () => {
    const path = temporaryFile();
    expect(await readPidFile(path)).toBeNull();
    await writePidFile(path, record);
    expect(await readPidFile(path)).toEqual(record);
    writeFileSync(path, '{"pid": "x"');
    expect(await readPidFile(path)).toBeNull();
  });

  it('removes the file only for the recorded pid when asked to', async () => {
    const path = temporaryFile();
    await writePidFile(path, record);
    await removePidFile(path, record.pid + 1);
    expect(await readPidFile(path)).not.toBeNull();
    await removePidFile(path, record.pid);
    expect(await readPidFile(path)).toBeNull();
  });

  it('treats a record of a dead process as stale and removes it', async () => {
    const path = temporaryFile();
    await writePidFile(path, record);
    expect(await readLiveGateway(path)).toEqual(record);
    const dead = 2 ** 22 + 12_345; // above the default pid_max: no such process
    expect(isProcessAlive(dead)).toBe(false);
    await writePidFile(path, { ...record, pid: dead });
    expect(await readLiveGateway(path)).toBeNull();
    expect(await readPidFile(path)).toBeNull();
  });

  it('counts a zombie (exited, not yet reaped) as dead and a running process as alive', () => {
    const stat = (state: string) => () => `${process.pid} (sage gateway) ${state} 1 ${process.pid} 0`;
    expect(isProcessAlive(process.pid, stat('Z'))).toBe(false);
    expect(isProcessAlive(process.pid, stat('S'))).toBe(true);
    expect(isProcessAlive(process.pid, () => undefined)).toBe(true);
    expect(isProcessAlive(process.pid)).toBe(true);
  });
});
