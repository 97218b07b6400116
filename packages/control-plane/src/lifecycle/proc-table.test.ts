import { describe, expect, it } from 'vitest';
import { hostProcessTable, parseEnviron, parseOomKills, parseStat } from './proc-table.js';

describe('parseStat', () => {
  it.each([
    [
      '4243 (python3) S 4242 4242 4242 0 -1 4194560 1 0 0 0 5 3 0 0 20 0 4 0 98765 1000 250',
      { ppid: 4242, pgid: 4242, state: 'S', startTicks: 98765, rssBytes: 250 * 4096 },
    ],
    [
      '77 (vllm (worker) 1) T 1 70 70 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 42 0 3',
      { ppid: 1, pgid: 70, state: 'T', startTicks: 42 },
    ],
  ])('reads state, parent, group, start time and RSS from %j', (text, expected) => {
    expect(parseStat(Number(text.split(' ')[0]), text)).toMatchObject(expected);
  });

  it('returns null for garbage', () => {
    expect(parseStat(1, 'garbage')).toBeNull();
  });
});

describe('parseEnviron', () => {
  it('splits NUL-separated NAME=value entries, keeping = inside values', () => {
    const env = parseEnviron('A=1\0SAGE_ENGINE_ID=engine-1\0B=x=y\0\0');
    expect(Object.fromEntries(env)).toEqual({ A: '1', SAGE_ENGINE_ID: 'engine-1', B: 'x=y' });
  });
});

describe('parseOomKills', () => {
  it('reads the oom_kill counter of memory.events', () => {
    expect(parseOomKills('low 0\nhigh 0\nmax 3\noom 2\noom_kill 2\noom_group_kill 0\n')).toBe(2);
    expect(parseOomKills('low 0\n')).toBeNull();
  });
});

describe.runIf(process.platform === 'linux')('ProcFsTable', () => {
  it('sees this process, its environment and its command line', () => {
    const self = hostProcessTable.stat(process.pid);
    expect(self).toMatchObject({ pid: process.pid, ppid: process.ppid });
    expect(self?.startTicks).toBeGreaterThan(0);
    expect(self?.rssBytes).toBeGreaterThan(1_000_000);
    expect(hostProcessTable.environ(process.pid)?.get('PATH')).toBe(process.env.PATH);
    expect(hostProcessTable.commandLine(process.pid)?.[0]).toMatch(/node/);
    expect(hostProcessTable.list().some((stat) => stat.pid === process.pid)).toBe(true);
    expect(hostProcessTable.bootId()).toMatch(/^[0-9a-f-]{36}$/);
  });
});
