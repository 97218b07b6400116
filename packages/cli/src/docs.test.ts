import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fakeContext } from './__fixtures__/fake-context.js';
import { commandTree } from './commands/completion.js';
import { CLI_DEFAULTS, CLI_ENV } from './defaults.js';
import { EXIT_CODES } from './exit-codes.js';
import { buildProgram } from './program.js';

const documentation = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');

/** The text under each `### \`sage …\`` heading, by command path. */
const sections = new Map(
  documentation
    .split(/^### /m)
    .slice(1)
    .map((section) => {
      const heading = section.slice(0, section.indexOf('\n'));
      return [heading.replace(/^`sage ?/, '').replace(/`$/, ''), section] as const;
    }),
);

const commands = commandTree(buildProgram(fakeContext().context)).filter(
  (node) => node.path.length > 0 && node.subcommands.length === 0,
);

describe('docs/cli.md', () => {
  it.each(commands.map((node) => [node.path.join(' '), node] as const))(
    'documents `sage %s` and its flags',
    (path, node) => {
      const section = sections.get(path);
      expect(section, `a "### \`sage ${path}\`" section`).toBeDefined();
      for (const flag of node.flags) {
        if (flag.name === '--help' || flag.name === '-h') continue;
        expect(section, `${path}: ${flag.name}`).toMatch(new RegExp(`[\\s\`,]${flag.name}(?![\\w-])`));
      }
    },
  );

  it('lists every exit code and environment variable', () => {
    for (const code of Object.values(EXIT_CODES))
      expect(documentation).toMatch(new RegExp(`^\\| \`${code}\` `, 'm'));
    for (const variable of Object.values(CLI_ENV)) expect(documentation).toContain(`\`${variable}\``);
  });

  it('quotes the defaults from defaults.ts', () => {
    expect(documentation).toContain(`(default ${CLI_DEFAULTS.logTailLines})`);
    expect(documentation).toContain(`last ${CLI_DEFAULTS.failedLogTailLines} lines`);
    expect(documentation).toContain(
      `within ${CLI_DEFAULTS.gatewayStartTimeoutMs / 1000} s (${CLI_DEFAULTS.gatewayPresetStartTimeoutMs / 1000} s with a preset)`,
    );
    expect(documentation).toContain(`(up to ${CLI_DEFAULTS.gatewayStopTimeoutMs / 1000} s)`);
    expect(documentation).toContain(`level \`${CLI_DEFAULTS.serveLogLevel}\``);
    expect(documentation).toContain(CLI_DEFAULTS.apiBase);
  });
});
