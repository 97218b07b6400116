import { describe, expect, it } from 'vitest';
import { EngineLogsWire, PolicyRequestWire, PresetApplyRequestWire, PruneWire } from './management.js';

describe('management DTOs', () => {
  it('a preset request names a built-in or carries a preset, not both; rollback defaults to true', () => {
    expect(PresetApplyRequestWire.parse({ name: 'local' })).toEqual({ name: 'local', rollback: true });
    const both = PresetApplyRequestWire.safeParse({ name: 'local', preset: {} });
    expect(both.error?.issues[0]).toMatchObject({
      path: ['preset'],
      message: "give either 'name' or 'preset', not both",
    });
    expect(PresetApplyRequestWire.safeParse({ name: 'local', timeoutMs: 5 }).success).toBe(false);
  });

  it('checks the policy body and the answers clients read', () => {
    expect(PolicyRequestWire.safeParse({ policy: '' }).error?.issues[0]?.path).toEqual(['policy']);
    expect(PruneWire.parse({ removed: ['engine-1'] }).removed).toEqual(['engine-1']);
    expect(PruneWire.parse({ removed: 2 }).removed).toBe(2);
    expect(EngineLogsWire.safeParse({ engine_id: 'e', lines: [1] }).success).toBe(false);
  });
});
