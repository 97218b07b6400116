import { readFileSync } from 'node:fs';
import { camelToSnake } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_CAPACITY, DEFAULT_QUEUE_TIMEOUT_MS } from '../scheduler-defaults.js';
import { schedulingPolicies, schedulingPolicyNames } from './registry.js';

const doc = readFileSync(new URL('../../../../../docs/scheduling-policies.md', import.meta.url), 'utf8');

/** The text of the `### <name>` section, up to the next heading of level 2 or 3. */
function section(name: string): string | undefined {
  const start = doc.indexOf(`\n### ${name}\n`);
  if (start < 0) return undefined;
  const rest = doc.slice(start + 1);
  const end = rest.slice(1).search(/\n#{2,3} /);
  return end < 0 ? rest : rest.slice(0, end + 1);
}

/** The cells of every Markdown table row in `text` (tables may be padded by the formatter). */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.trimStart().startsWith('|'))
    .map((line) =>
      line
        .trim()
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

describe('docs/scheduling-policies.md', () => {
  it.each(schedulingPolicyNames)('has a section for %s in the policy template', (name) => {
    const text = section(name);
    expect(text, `docs/scheduling-policies.md lacks a '### ${name}' section`).toBeDefined();
    expect(text).toContain(`**Name:** \`${name}\``);
    expect(text).toContain('**Parameters');
    expect(text).toContain('**Configuration example**');
    expect(text).toContain(`policy: ${name}`);
    expect(text).toContain(`X-Scheduling-Policy: ${name}`);
  });

  it.each(schedulingPolicyNames)('lists every parameter of %s with its default', (name) => {
    const schema = schedulingPolicies[name].parameters;
    const rows = tableRows(section(name) ?? '');
    const defaults = schema.parse({}) as Record<string, unknown>;
    for (const key of Object.keys(schema.shape)) {
      const row = rows.find((cells) => cells[0] === `\`${camelToSnake(key)}\`` && cells[1] === `\`${key}\``);
      expect(row, `the ${name} parameter table lacks ${camelToSnake(key)} / ${key}`).toBeDefined();
      expect(row?.[3]).toBe(`\`${String(defaults[key])}\``);
    }
  });

  it('documents no policy the registry lacks', () => {
    const policies = doc.slice(doc.indexOf('\n## Policies\n'), doc.indexOf('\n## Adding a policy\n'));
    const documented = [...policies.matchAll(/^### (\S+)$/gm)].map((match) => match[1]);
    expect(documented).toEqual(schedulingPolicyNames);
  });

  it('states the queue defaults of the scheduler', () => {
    const rows = tableRows(doc);
    const defaultOf = (option: string) => rows.find((cells) => cells[0] === `\`${option}\``)?.[2];
    expect(defaultOf('queueCapacity')).toBe(`\`${DEFAULT_QUEUE_CAPACITY}\``);
    expect(defaultOf('queueTimeoutMs')).toBe(`\`${DEFAULT_QUEUE_TIMEOUT_MS}\``);
    expect(doc).toContain('X-Scheduling-Policy');
    expect(doc).toContain('adaptive→priority');
  });
});
