import { describe, expect, it } from 'vitest';
import { fakeContext } from '../__fixtures__/fake-context.js';
import { createOutput } from '../output/print.js';
import { buildProgram } from '../program.js';
import { commandTree, completionScript, printCompletion } from './completion.js';

describe('sage completion', () => {
  const program = buildProgram(fakeContext().context);

  it('walks every command and its flags', () => {
    const paths = commandTree(program).map((node) => node.path.join(' '));
    expect(paths).toEqual(
      expect.arrayContaining([
        '',
        'gateway',
        'gateway start',
        'llm engine start',
        'llm preset apply',
        'completion',
      ]),
    );
    const start = commandTree(program).find((node) => node.path.join(' ') === 'llm engine start');
    expect(start?.flags.map((flag) => flag.name)).toEqual(
      expect.arrayContaining(['--use-gpu', '--no-gpu', '--api-base', '--json']),
    );
    const gatewayStart = commandTree(program).find((node) => node.path.join(' ') === 'gateway start');
    expect(gatewayStart?.flags.map((flag) => flag.name)).not.toContain('--log-path');
  });

  it.each(['bash', 'zsh', 'fish'] as const)('prints a %s script', (shell) => {
    const script = completionScript(program, shell);
    expect(script).toContain('sage');
    expect(script).toContain('engine');
    expect(script).toContain('use-gpu');
  });

  it('refuses an unknown shell with a usage error', () => {
    const fake = fakeContext();
    expect(() => printCompletion(program, createOutput(fake.terminal, {}), 'powershell')).toThrow(
      "SHELL: must be one of bash, zsh, fish (got 'powershell')",
    );
  });
});
