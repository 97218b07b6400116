import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLoopbackApiBase, managementKey, readLocalAdminToken } from './local-admin-token.js';

describe('the local admin token in the CLI', () => {
  it('is read from the state directory when a request is made', () => {
    const stateDirectory = mkdtempSync(join(tmpdir(), 'sage-cli-token-'));
    const key = managementKey('http://127.0.0.1:8889/v1', undefined, stateDirectory);
    expect(typeof key).toBe('function');
    expect((key as () => string | undefined)()).toBeUndefined();
    writeFileSync(join(stateDirectory, 'admin-token'), 'sage-local-abc\n');
    expect((key as () => string | undefined)()).toBe('sage-local-abc');
    expect(readLocalAdminToken(stateDirectory)).toBe('sage-local-abc');
  });

  it('gives way to SAGE_API_KEY, and is never sent to a gateway on another host', () => {
    expect(managementKey('http://127.0.0.1:8889/v1', 'sk-mine', '/nowhere')).toBe('sk-mine');
    expect(managementKey('http://gpu-box.internal:8889/v1', undefined, '/nowhere')).toBeUndefined();
    expect(isLoopbackApiBase('http://localhost:8889/v1')).toBe(true);
    expect(isLoopbackApiBase('http://[::1]:8889/v1')).toBe(true);
    expect(isLoopbackApiBase('http://127.0.0.1.nip.io:8889/v1')).toBe(false);
  });
});
