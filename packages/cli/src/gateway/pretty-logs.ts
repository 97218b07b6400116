import type { Terminal } from '../output/print.js';

/** When the gateway run by this command logs pino-pretty lines instead of JSON. */
export function wantsPrettyLogs(
  terminal: Terminal,
  flags: { json?: boolean; logPath?: string | null },
): boolean {
  // A person at a terminal reads lines; a log file, a pipe and `--json` keep pino's JSON.
  return terminal.isTTY && flags.json !== true && (flags.logPath === undefined || flags.logPath === null);
}

/** The pino-pretty settings of every readable log line the CLI prints. */
const PRETTY_OPTIONS = {
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname',
  singleLine: true,
} as const;

/**
 * A formatter of pino JSON lines (a log file's) into the readable lines `sage gateway start`
 * prints at a terminal; a line that is not a pino record is kept as it is. Loads pino-pretty.
 */
export async function prettyLogLine(options: { colorize: boolean }): Promise<(line: string) => string> {
  const { prettyFactory } = await import('pino-pretty');
  const format = prettyFactory({ ...PRETTY_OPTIONS, colorize: options.colorize });
  return (line) => {
    if (!line.startsWith('{')) return line;
    try {
      const record = JSON.parse(line) as { level?: unknown; time?: unknown };
      if (typeof record.level !== 'number' && typeof record.level !== 'string') return line;
    } catch {
      return line;
    }
    return format(line).replace(/\r?\n$/, '');
  };
}

/**
 * A pino destination that writes readable, coloured lines to stdout (pino-pretty), loaded on
 * demand so commands that only talk HTTP do not pay for it.
 */
export async function prettyLogDestination(): Promise<NodeJS.WritableStream> {
  const { default: pretty } = await import('pino-pretty');
  return pretty({
    colorize: true,
    destination: 1,
    sync: false,
    ...PRETTY_OPTIONS,
  });
}
