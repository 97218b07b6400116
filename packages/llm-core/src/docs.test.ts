import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPTION_NAMES } from './client/validate-options.js';
import { CLIENT_DEFAULTS } from './defaults.js';

const documentation = readFileSync(new URL('../../../docs/client.md', import.meta.url), 'utf8');

/** Rows of a table: the first cell of lines starting with "| `name` |". */
const documentedRows = new Set(
  [...documentation.matchAll(/^\| `([A-Za-z]+)` +\|/gm)].map((match) => match[1]),
);

describe('docs/client.md', () => {
  it.each(OPTION_NAMES)('documents the create() option %s in a table', (name) => {
    expect(documentedRows).toContain(name);
  });

  it('states the defaults of defaults.ts', () => {
    const row = (name: string) => documentation.split('\n').find((line) => line.startsWith(`| \`${name}\``));
    expect(row('timeoutMs')).toContain(`\`${CLIENT_DEFAULTS.timeoutMs}\``);
    expect(row('schedulingPolicy')).toContain(`\`${CLIENT_DEFAULTS.schedulingPolicy}\``);
    expect(row('embedded')).toContain(`\`${CLIENT_DEFAULTS.embedded}\``);
    expect(row('controlPlaneUrl')).toContain(CLIENT_DEFAULTS.controlPlaneUrl);
    const retries = CLIENT_DEFAULTS.connectRetryDelaysMs;
    expect(documentation).toContain(`${retries[0]}, ${retries[1]} and ${retries[2]} ms`);
  });

  it('shows create() as the way to obtain a client', () => {
    expect(documentation).toContain('UnifiedInferenceClient.create(');
    expect(documentation).not.toMatch(/new UnifiedInferenceClient\([^)]/);
  });
});
