import { listBuiltinPresets } from '@sage/presets';
import { describe, expect, it } from 'vitest';
import { engineInfo } from '../__fixtures__/engines.js';
import { fakeContext } from '../__fixtures__/fake-context.js';
import { FakeManagementClient } from '../__fixtures__/fake-management-client.js';
import { createOutput } from '../output/print.js';
import { buildProgram } from '../program.js';
import { commandTree, completionScript, printCompletion } from './completion.js';
import { DYNAMIC_ARGUMENTS, DYNAMIC_FLAGS } from './completion-values.js';

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

describe('dynamic completion', () => {
  const program = buildProgram(fakeContext().context);

  async function complete(kind: string, client?: FakeManagementClient) {
    const fake = fakeContext({ client });
    await buildProgram(fake.context).parseAsync(['__complete', kind], { from: 'user' });
    return { lines: fake.stdout().split('\n').filter(Boolean), fake };
  }

  it('prints the engine ids of the running gateway, preset names and catalog names with aliases', async () => {
    const client = new FakeManagementClient();
    client.engines = [engineInfo({ engine_id: 'engine-a' }), engineInfo({ engine_id: 'engine-b' })];
    expect((await complete('engine', client)).lines).toEqual(['engine-a', 'engine-b']);
    expect((await complete('preset')).lines).toEqual(listBuiltinPresets().map((preset) => preset.name));
    client.catalog = [{ name: 'qwen-small', aliases: ['gpt-4o-mini'] } as (typeof client.catalog)[number]];
    expect((await complete('model', client)).lines).toEqual(['qwen-small', 'gpt-4o-mini']);
  });

  it('is silent when the gateway does not answer, or for an unknown kind', async () => {
    const client = new FakeManagementClient();
    client.listEngines = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    const failed = await complete('engine', client);
    expect(failed.lines).toEqual([]);
    expect(failed.fake.stderr()).toBe('');
    expect((await complete('nonsense')).lines).toEqual([]);
  });

  it('is hidden from help and from the completion tree, and names only real commands and flags', () => {
    const tree = commandTree(program);
    expect(tree.map((node) => node.path[0])).not.toContain('__complete');
    const paths = new Set(tree.map((node) => node.path.join(' ')));
    for (const path of Object.keys(DYNAMIC_ARGUMENTS)) expect(paths, path).toContain(path);
    const flags = new Set(tree.flatMap((node) => node.flags.map((flag) => flag.name)));
    for (const flag of Object.keys(DYNAMIC_FLAGS)) expect(flags, flag).toContain(flag);
  });

  it('fish asks sage __complete for argument and flag values', () => {
    const script = completionScript(program, 'fish');
    expect(script).toContain("-l preset -x -a '(sage __complete preset 2>/dev/null)'");
    expect(script).toMatch(
      /__fish_seen_subcommand_from stop; .*-a '\(sage __complete engine 2>\/dev\/null\)'/,
    );
  });
});
