import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { usageError } from '../errors.js';
import { createOutput, type Output } from '../output/print.js';

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
    const children = command.commands.filter((child) => child.name() !== 'help');
    nodes.push({ path, subcommands: children.map((child) => child.name()), flags: visibleFlags(command) });
    for (const child of children) visit(child, [...path, child.name()]);
  };
  visit(program, []);
  return nodes;
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function bashScript(nodes: CommandNode[]): string {
  const cases = nodes
    .map((node) => {
      const words = [...node.subcommands, ...node.flags.map((flag) => flag.name)].join(' ');
      return `    ${quote(node.path.join(' '))}) words=${quote(words)} ;;`;
    })
    .join('\n');
  return `# sage completion for bash: add to ~/.bashrc
#   source <(sage completion bash)
_sage_completion() {
  local current="\${COMP_WORDS[COMP_CWORD]}" path="" word index
  for ((index = 1; index < COMP_CWORD; index++)); do
    word="\${COMP_WORDS[index]}"
    [[ "$word" == -* ]] && continue
    case "\${path:+$path }$word" in
${nodes
  .filter((node) => node.path.length > 0)
  .map((node) => `      ${quote(node.path.join(' '))}) path=${quote(node.path.join(' '))} ;;`)
  .join('\n')}
    esac
  done
  local words=""
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$current"))
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
      lines.push(`complete -c sage -n ${quote(condition)} ${option} -d ${quote(flag.description)}`);
    }
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
}
