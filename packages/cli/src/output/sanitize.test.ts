import { describe, expect, it } from 'vitest';
import { hasControlCharacters, terminalSafe } from './sanitize.js';

describe('terminalSafe', () => {
  it('removes escape sequences and control characters, keeping newlines, tabs and Unicode', () => {
    expect(terminalSafe('\u001b[2J\u001b[Hhello\u001b[31m red\u001b[0m')).toBe('hello red');
    expect(terminalSafe('title\u001b]0;pwned\u0007 done')).toBe('title done');
    expect(terminalSafe('a\bb\rc\u0000d\u009be\u007f')).toBe('abcde');
    expect(terminalSafe('line 1\r\nline 2\n\tindented — ünïcödé 你好')).toBe(
      'line 1\nline 2\n\tindented — ünïcödé 你好',
    );
  });

  it('leaves nothing that acts when a sequence is cut between chunks', () => {
    const printed = ['x\u001b', '[2Jy'].map(terminalSafe).join('');
    expect(hasControlCharacters(printed)).toBe(false);
    expect(hasControlCharacters('a\u001bb')).toBe(true);
    expect(printed).toBe('x[2Jy');
  });
});
