/**
 * Custom backend templates that would hand a placeholder to a shell or an interpreter as code.
 * `["sh", "-c", "server --model {model}"]` runs whatever a model id spells; a template passes
 * `{model}` as its own argument (`["run-engine.sh", "{model}"]`) instead. Pure.
 */

const PLACEHOLDER = /\{(model|host|port|device|gpu_ids)\}/;

/** Shells: an option holding `c` (`-c`, `-lc`, `-ec` …) makes the next argument a script. */
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh', 'busybox']);
const SHELL_CODE_OPTION = /^-[A-Za-z]*c[A-Za-z]*$/;

/** Interpreters and their options that take code on the command line. */
const INTERPRETER_CODE_OPTIONS: ReadonlyArray<[program: RegExp, option: RegExp]> = [
  [/^python[\d.]*$/, /^-[A-Za-z]*c$/],
  [/^(node|nodejs|bun|deno)$/, /^(-e|--eval|-p|--print)$/],
  [/^(perl|ruby)$/, /^-[A-Za-z]*[eE]$/],
  [/^php$/, /^-r$/],
];

function basename(program: string): string {
  return program.split(/[\\/]/).pop() ?? program;
}

/** The index of the real program: `env` (with its `-…` options and `NAME=value` pairs) is skipped. */
function programIndex(command: readonly string[]): number {
  if (basename(command[0] ?? '') !== 'env') return 0;
  let index = 1;
  while (index < command.length && /^(-|[A-Za-z_][A-Za-z0-9_]*=)/.test(command[index] ?? '')) index += 1;
  return index;
}

function takesCode(program: string, option: string): boolean {
  if (SHELLS.has(program)) return SHELL_CODE_OPTION.test(option);
  return INTERPRETER_CODE_OPTIONS.some(([name, code]) => name.test(program) && code.test(option));
}

/**
 * The first template element that puts a placeholder into code a shell or interpreter runs,
 * or undefined. Every element after the code option counts (a shell also reads `$1`, `$2` …).
 */
export function inlineCodeTemplateProblem(
  command: readonly string[],
): { index: number; message: string } | undefined {
  const start = programIndex(command);
  const program = basename(command[start] ?? '');
  const codeAt = command.findIndex((part, index) => index > start && takesCode(program, part));
  if (codeAt < 0) return undefined;
  const index = command.findIndex((part, at) => at > codeAt && PLACEHOLDER.test(part));
  if (index < 0) return undefined;
  return {
    index,
    message: `a placeholder in code run by '${program} ${command[codeAt]}' would let a model id run commands; call a script with the placeholder as its own argument instead (docs/security.md)`,
  };
}
