import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { followFile, readLastLines } from './log-file.js';

describe('readLastLines', () => {
  it('returns the last N lines, [] for a missing file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sage-cli-log-')), 'gateway.log');
    expect(await readLastLines(path, 5)).toEqual([]);
    writeFileSync(path, `${Array.from({ length: 100 }, (_, index) => `line ${index}`).join('\n')}\n`);
    expect(await readLastLines(path, 3)).toEqual(['line 97', 'line 98', 'line 99']);
    expect(await readLastLines(path, 0)).toEqual([]);
    expect(await readLastLines(path, 1000)).toHaveLength(100);
  });
});

describe('followFile', () => {
  it('yields lines appended after it started, until aborted', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sage-cli-log-')), 'gateway.log');
    writeFileSync(path, 'old line\n');
    const controller = new AbortController();
    let polls = 0;
    const sleep = async () => {
      polls += 1;
      if (polls === 1) appendFileSync(path, 'new one\nnew ');
      if (polls === 2) appendFileSync(path, 'two\n');
      if (polls === 3) controller.abort();
    };
    const lines: string[] = [];
    for await (const line of followFile(path, { signal: controller.signal, intervalMs: 1, sleep }))
      lines.push(line);
    expect(lines).toEqual(['new one', 'new two']);
  });
});
