import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE_DIR_NAME, resolveStateDir } from './defaults.js';

describe('resolveStateDir', () => {
  it('is SAGE_HOME when set and not empty, else ~/.sage', () => {
    expect(resolveStateDir({ SAGE_HOME: '/srv/sage' }, '/home/me')).toBe('/srv/sage');
    expect(resolveStateDir({ SAGE_HOME: '' }, '/home/me')).toBe(`/home/me/${DEFAULT_STATE_DIR_NAME}`);
    expect(resolveStateDir({}, '/home/me/')).toBe('/home/me/.sage');
    expect(resolveStateDir({}, '/')).toBe('/.sage');
  });
});
