import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fakeContext } from '../src/__fixtures__/fake-context.js';
import { completionScript } from '../src/commands/completion.js';
import { buildProgram } from '../src/program.js';

const hasBash = (() => {
  try {
    execFileSync('bash', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The generated completion function run by a real bash, with a stand-in `sage __complete`. */
describe('the bash and zsh completion scripts', () => {
  const program = buildProgram(fakeContext().context);

  it.skipIf(!hasBash).each(['bash', 'zsh'] as const)(
    'the %s script completes values from sage __complete',
    (shell) => {
      // zsh runs the bash function through bashcompinit: the function is the same.
      const script = completionScript(program, 'bash');
      expect(completionScript(program, shell)).toContain(script);
      const run = (...words: string[]) =>
        execFileSync(
          'bash',
          [
            '-c',
            [
              script,
              // A stand-in `sage`: what `sage __complete <kind>` prints.
              `sage() { case "$2" in engine) printf 'engine-a\\nengine-b\\n' ;; preset) echo local ;; model) echo qwen-small ;; esac; }`,
              `COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}`,
              // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion
              '_sage_completion; printf "%s\\n" "${COMPREPLY[@]}"',
            ].join('\n'),
          ],
          { encoding: 'utf8' },
        )
          .split('\n')
          .filter(Boolean);
      expect(run('sage', 'llm', 'engine', 'stop', '')).toEqual(
        expect.arrayContaining(['engine-a', 'engine-b', '--drain']),
      );
      expect(run('sage', 'llm', 'engine', 'stop', 'engine-')).toEqual(['engine-a', 'engine-b']);
      expect(run('sage', 'llm', 'engine', 'stop', 'engine-a', '')).not.toContain('engine-b');
      expect(run('sage', 'gateway', 'start', '--preset', '')).toEqual(['local']);
      expect(run('sage', 'llm', 'model', 'load', 'q')).toEqual(['qwen-small']);
      expect(run('sage', 'llm', 'chat', '--model', '')).toEqual(['qwen-small']);
      expect(run('sage', 'llm', 'en')).toEqual(['engine']);
    },
  );
});
