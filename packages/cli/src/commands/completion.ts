import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { usageError } from '../errors.js';
import { createOutput, type Output } from '../output/print.js';
import {
  COMPLETE_COMMAND,
  type CompletionKind,
  DYNAMIC_ARGUMENTS,
  DYNAMIC_FLAGS,
  registerCompleteValues,
} from './completion-values.js';

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** One command of the tree, as the completion scripts need it. */
interface CommandNode {
  /** Words from the root: `['llm', 'engine', 'start']` (`[]` for the root). */
  path: string[];
  subcommands: string[];
  flags: Array<{ name: string; description: string }>;
}

function visibleFlags(command: Command): CommandNode['flags'] {
  const options = command.options.filter((option) => !(option as { hidden?: boolean }).hidden);
  const flags = options.flatMap((option) =>
    [option.long, option.short]
      .filter((name): name is string => typeof name === 'string')
      .map((name) => ({ name, description: option.description })),
  );
  return [...flags, { name: '--help', description: 'show help' }];
}

/** Every command of the program, depth first. */
export function commandTree(program: Command): CommandNode[] {
  const nodes: CommandNode[] = [];
  const visit = (command: Command, path: string[]) => {
    const children = command.commands.filter(
      (child) => child.name() !== 'help' && !(child as unknown as { _hidden?: boolean })._hidden,
    );
    nodes.push({ path, subcommands: children.map((child) => child.name()), flags: visibleFlags(command) });
    for (const child of children) visit(child, [...path, child.name()]);
  };
  visit(program, []);
  return nodes;
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `kind`'s candidates, asked of the same `sage` the shell runs (silent when it fails). */
function bashCandidates(kind: CompletionKind): string {
  return `$("\${COMP_WORDS[0]}" ${COMPLETE_COMMAND} ${kind} 2>/dev/null)`;
}

function bashScript(nodes: CommandNode[]): string {
  const cases = nodes
    .map((node) => {
      const words = [...node.subcommands, ...node.flags.map((flag) => flag.name)].join(' ');
      return `    ${quote(node.path.join(' '))}) words=${quote(words)} ;;`;
    })
    .join('\n');
  const flagCases = Object.entries(DYNAMIC_FLAGS)
    .map(([flag, kind]) => `    ${quote(flag)}) dynamic=${kind} ;;`)
    .join('\n');
  const argumentCases = Object.entries(DYNAMIC_ARGUMENTS)
    .map(([path, kind]) => `      ${quote(path)}) dynamic=${kind} ;;`)
    .join('\n');
  const candidates = Object.values(DYNAMIC_FLAGS)
    .concat(Object.values(DYNAMIC_ARGUMENTS))
    .filter((kind, index, kinds) => kinds.indexOf(kind) === index)
    .map((kind) => `    ${kind}) values="${bashCandidates(kind)}" ;;`)
    .join('\n');
  return `# sage completion for bash: add to ~/.bashrc
#   source <(sage completion bash)
# Engine ids and catalog models come from the running gateway (sage ${COMPLETE_COMMAND}), preset
# names from the built-in presets; nothing is offered when the gateway does not answer.
_sage_completion() {
  local current="\${COMP_WORDS[COMP_CWORD]}" previous="" path="" word index arguments=0
  (( COMP_CWORD > 1 )) && previous="\${COMP_WORDS[COMP_CWORD-1]}"
  for ((index = 1; index < COMP_CWORD; index++)); do
    word="\${COMP_WORDS[index]}"
    [[ "$word" == -* ]] && continue
    case "\${path:+$path }$word" in
${nodes
  .filter((node) => node.path.length > 0)
  .map((node) => `      ${quote(node.path.join(' '))}) path=${quote(node.path.join(' '))} ;;`)
  .join('\n')}
      *) arguments=$((arguments + 1)) ;;
    esac
  done
  local dynamic="" values=""
  case "$previous" in
${flagCases}
  esac
  if [[ -n "$dynamic" ]]; then
    case "$dynamic" in
${candidates}
    esac
    COMPREPLY=($(compgen -W "$values" -- "$current"))
    return
  fi
  if (( arguments == 0 )) && [[ "$current" != -* ]]; then
    case "$path" in
${argumentCases}
    esac
  fi
  case "$dynamic" in
${candidates}
  esac
  local words=""
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$values $words" -- "$current"))
}
complete -o default -F _sage_completion sage
`;
}

function zshScript(nodes: CommandNode[]): string {
  return `#compdef sage
# sage completion for zsh: add to ~/.zshrc
#   source <(sage completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashScript(nodes)}`;
}

function fishCandidates(kind: CompletionKind): string {
  return `(sage ${COMPLETE_COMMAND} ${kind} 2>/dev/null)`;
}

function fishScript(nodes: CommandNode[]): string {
  const lines = [
    '# sage completion for fish: sage completion fish > ~/.config/fish/completions/sage.fish',
    'complete -c sage -f',
  ];
  for (const node of nodes) {
    const condition =
      node.path.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${node.path.at(-1)}`;
    for (const subcommand of node.subcommands) {
      lines.push(`complete -c sage -n ${quote(condition)} -a ${subcommand}`);
    }
    for (const flag of node.flags) {
      const option = flag.name.startsWith('--') ? `-l ${flag.name.slice(2)}` : `-s ${flag.name.slice(1)}`;
      const kind = DYNAMIC_FLAGS[flag.name];
      const values = kind ? ` -x -a ${quote(fishCandidates(kind))}` : '';
      lines.push(`complete -c sage -n ${quote(condition)} ${option}${values} -d ${quote(flag.description)}`);
    }
  }
  // The argument of these commands: every word of the path seen, no argument given yet.
  for (const [path, kind] of Object.entries(DYNAMIC_ARGUMENTS)) {
    const words = path.split(' ');
    const condition = [
      ...words.map((word) => `__fish_seen_subcommand_from ${word}`),
      `test (count (commandline -opc | string match -v -- '-*')) -eq ${words.length + 1}`,
    ].join('; and ');
    lines.push(`complete -c sage -n ${quote(condition)} -a ${quote(fishCandidates(kind))}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The completion script of `shell` for `program`. */
export function completionScript(program: Command, shell: CompletionShell): string {
  const nodes = commandTree(program);
  if (shell === 'bash') return bashScript(nodes);
  if (shell === 'zsh') return zshScript(nodes);
  return fishScript(nodes);
}

/** `sage completion bash|zsh|fish`: print the completion script. */
export function printCompletion(program: Command, output: Output, shell: string): void {
  if (!(COMPLETION_SHELLS as readonly string[]).includes(shell)) {
    throw usageError(`SHELL: must be one of ${COMPLETION_SHELLS.join(', ')} (got '${shell}')`);
  }
  output.raw(completionScript(program, shell as CompletionShell));
}

export function registerCompletion(program: Command, context: CliContext): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', COMPLETION_SHELLS.join(' | '))
    .action((shell: string) => {
      printCompletion(program, createOutput(context.terminal, {}), shell);
    });
  registerCompleteValues(program, context);
}
