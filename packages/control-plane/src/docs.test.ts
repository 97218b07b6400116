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

  it.each(Object.values(builtinBackends))(
    'docs/engines.md has a table row for the $name backend with its kinds and start-up timeout',
    (backend) => {
      const row = enginesDoc.split('\n').find((line) => line.startsWith(`| \`${backend.name}\` `));
      expect(row, `a '| \`${backend.name}\` |' row in the backend table`).toBeDefined();
      const cells = row!.split('|').map((cell) => cell.trim());
      expect(cells[2]).toBe(backend.kinds.join(', '));
      expect(cells.at(-2)).toBe(`${backend.startupTimeoutMs / 1000} s`);
    },
  );

  it('docs/engines.md has no backend row the registry lacks', () => {
    const rowNames = enginesDoc
      .split('\n')
      .map((line) => /^\| `([^`]+)` +\| /.exec(line)?.[1])
      .filter((name) => name !== undefined);
    const tableStart = enginesDoc.indexOf('| backend ');
    const table = enginesDoc.slice(tableStart, enginesDoc.indexOf('\n\n', tableStart));
    const inTable = rowNames.filter((name) => table.includes(`| \`${name}\` `));
    expect(inTable.sort()).toEqual(Object.keys(builtinBackends).sort());
  });
});
