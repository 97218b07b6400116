import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinBackends } from './backends/backend-registry.js';
import { CONTROL_PLANE_DEFAULTS } from './defaults.js';

const controlPlaneDoc = readFileSync(new URL('../../../docs/control-plane.md', import.meta.url), 'utf8');
const enginesDoc = readFileSync(new URL('../../../docs/engines.md', import.meta.url), 'utf8');

describe('docs stay true to the code', () => {
  it.each(Object.entries(CONTROL_PLANE_DEFAULTS))(
    'docs/control-plane.md lists %s with its default',
    (name, value) => {
      expect(controlPlaneDoc).toContain(`| \`${name}\` | \`${value}\` |`);
    },
  );

  it.each(Object.keys(builtinBackends))('docs/engines.md has a section for the %s backend', (name) => {
    expect(enginesDoc).toMatch(new RegExp(`^#+ .*\`${name}\``, 'm'));
  });
});
