import { readFileSync } from 'node:fs';
import { camelToSnake } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { MODEL_DEFAULTS } from '../defaults.js';

const modelsDoc = readFileSync(new URL('../../../../docs/models.md', import.meta.url), 'utf8');
/** The defaults sage.yaml's `model_loading:` sets (the rest are internal). */
const DOCUMENTED = [
  'loadTimeoutMs',
  'failureHoldoffMs',
  'minResidencyMs',
  'checkIntervalMs',
  'scaleUpQueueWaitMs',
  'replicaIdleMs',
] as const;

describe('docs/models.md', () => {
  it.each(DOCUMENTED)('lists model_loading.%s with its default', (name) => {
    const key = camelToSnake(name);
    expect(modelsDoc).toMatch(new RegExp(`\\| \`${key}\` +\\| \`${MODEL_DEFAULTS[name]}\` +\\|`));
  });
});
