import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { fakeContext } from './__fixtures__/fake-context.js';
import { FakeManagementClient } from './__fixtures__/fake-management-client.js';
import { CliExitError } from './errors.js';
import { EXIT_CODES } from './exit-codes.js';
import { buildProgram } from './program.js';

async function run(args: string[], options: { env?: NodeJS.ProcessEnv } = {}) {
  const client = new FakeManagementClient();
  const fake = fakeContext({ client, env: options.env ?? {} });
  const program = buildProgram(fake.context);
  const error = await program.parseAsync(args, { from: 'user' }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return { client, fake, error };
}

describe('the sage program', () => {
  it.each([
    [['--use-gpu'], true],
    [['--no-gpu'], false],
    [[], undefined],
  ])('engine start %j sends use_gpu %s', async (flags, expected) => {
    const { client, error } = await run([
      'llm',
      'engine',
      'start',
      'BAAI/bge-m3',
      '--engine-kind',
      'embedding',
      ...flags,
    ]);
    expect(error).toBeUndefined();
    const [request] = client.callsOf('startEngine')[0] ?? [];
    expect((request as { use_gpu?: boolean }).use_gpu).toBe(expected);
  });

  it('takes repeated --extra-arg values, even ones that look like flags', async () => {
    const { client } = await run([
      'llm',
      'engine',
      'start',
      'm',
      '--extra-arg',
      '--exit-at-start',
      '--extra-arg',
      '1',
    ]);
    expect(client.callsOf('startEngine')[0]?.[0]).toMatchObject({ extra_args: ['--exit-at-start', '1'] });
  });

  it('uses --api-base, else SAGE_CONTROL_PLANE_URL', async () => {
    const flagged = await run(['llm', 'engine', 'list', '--api-base', 'http://10.1.1.1:9/v1']);
    expect(flagged.fake.apiBases).toEqual(['http://10.1.1.1:9/v1']);
    const fromEnv = await run(['llm', 'gpu'], { env: { SAGE_CONTROL_PLANE_URL: 'http://10.2.2.2:9/v1' } });
    expect(fromEnv.fake.apiBases).toEqual(['http://10.2.2.2:9/v1']);
  });

  it('reports a bad flag value as a usage error naming the flag', async () => {
    const { error } = await run(['llm', 'engine', 'start', 'm', '--engine-port', '0']);
    expect(CliExitError.isInstance(error)).toBe(true);
    expect((error as CliExitError).exitCode).toBe(EXIT_CODES.usage);
    expect((error as Error).message).toBe("--engine-port: must be at least 1 (got '0')");
  });

  it('lets commander reject unknown commands and flags (the bin maps them to exit code 2)', async () => {
    const unknownFlag = await run(['llm', 'engine', 'list', '--colour']);
    expect(unknownFlag.error).toBeInstanceOf(CommanderError);
    expect(unknownFlag.fake.stderr()).toContain("unknown option '--colour'");
    const unknownCommand = await run(['llm', 'engines']);
    expect(unknownCommand.error).toBeInstanceOf(CommanderError);
    expect(unknownCommand.fake.stderr()).toContain('(Did you mean engine?)');
  });

  it('prints the version', async () => {
    const { error, fake } = await run(['--version']);
    expect((error as CommanderError).exitCode).toBe(0);
    expect(fake.stdout()).toBe('0.0.0-test\n');
  });
});
