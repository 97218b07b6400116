/**
 * The single human-versus-machine switch (`-o table|wide|json|yaml`, `--json`), and table
 * rendering. Commands never write to `process.stdout` themselves: they call an {@link Output},
 * which tests build over strings.
 */
import Table from 'cli-table3';
import { stringify as toYaml } from 'yaml';

/** What `-o` accepts: people read `table` (the default) and `wide`; programs read `json` and `yaml`. */
export const OUTPUT_FORMATS = ['table', 'wide', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Where output goes. `bin/sage.ts` passes the process streams; tests capture strings. */
export interface Terminal {
  /** Write to stdout. */
  write(text: string): void;
  /** Write to stderr. */
  writeError(text: string): void;
  /** Whether stdout is a terminal (spinners, colours and prompts only then). */
  isTTY: boolean;
}

export interface Output {
  /** The `-o` format (`--json` is `json`). */
  readonly format: OutputFormat;
  /** A machine format (`json` or `yaml`): results are printed as data, progress goes to stderr. */
  readonly json: boolean;
  /** `-o wide`: tables show their extra columns. */
  readonly wide: boolean;
  /** A person is watching: stdout is a TTY and the output is not JSON. */
  readonly interactive: boolean;
  readonly terminal: Terminal;
  /**
   * The one switch: with `-o json|yaml` (or `--json`), print `data` (the REST API's snake_case
   * body) as JSON or YAML; otherwise print what `human()` renders.
   */
  result(data: unknown, human: () => string): void;
  /** A progress or status line: stdout for people, stderr under `--json` (stdout stays JSON). */
  note(text: string): void;
  /** A warning, always on stderr. */
  warn(text: string): void;
  /** Text as it comes (streamed tokens, followed log lines), on stdout. */
  raw(text: string): void;
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/**
 * Build the {@link Output} of one command.
 *
 * @example
 * ```ts
 * const output = createOutput(processTerminal(), { format: 'yaml' });
 * output.result(body, () => renderTable(columns, rows));
 * ```
 */
export function createOutput(terminal: Terminal, options: { json?: boolean; format?: OutputFormat }): Output {
  const format: OutputFormat = options.json === true ? 'json' : (options.format ?? 'table');
  const json = format === 'json' || format === 'yaml';
  return {
    format,
    json,
    wide: format === 'wide',
    interactive: terminal.isTTY && !json,
    terminal,
    result(data, human) {
      if (format === 'json') terminal.write(`${JSON.stringify(data, null, 2)}\n`);
      else if (format === 'yaml') terminal.write(withNewline(toYaml(data, { lineWidth: 0 })));
      else {
        const text = human();
        if (text !== '') terminal.write(withNewline(text));
      }
    },
    note(text) {
      if (json) terminal.writeError(withNewline(text));
      else terminal.write(withNewline(text));
    },
    warn(text) {
      terminal.writeError(withNewline(text));
    },
    raw(text) {
      terminal.write(text);
    },
  };
}

/** One column of a table. */
export interface TableColumn {
  header: string;
  /** Numbers read better right-aligned. Default: left. */
  align?: 'left' | 'right';
}

/** Visible width of a cell (no colour codes are used, so the code points). */
function widthOf(text: string): number {
  return [...text].length;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - widthOf(text)));
}

/** No borders: columns separated by two spaces, as `kubectl get` prints them. */
const PLAIN_CHARS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

/**
 * A plain-text table (cli-table3, no borders): upper-case headers, columns separated by two
 * spaces, no trailing spaces.
 *
 * @example
 * ```ts
 * renderTable([{ header: 'id' }, { header: 'port', align: 'right' }], [['e1', '8001']]);
 * // ID  PORT
 * // e1  8001
 * ```
 */
export function renderTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string {
  const table = new Table({
    head: columns.map((column) => column.header.toUpperCase()),
    colAligns: columns.map((column) => column.align ?? 'left'),
    chars: PLAIN_CHARS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
    wordWrap: false,
  });
  for (const row of rows) table.push(columns.map((_, index) => row[index] ?? ''));
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .join('\n');
}

/** `key: value` lines with the keys aligned, for single objects (`status`, `preset show`). */
export function renderFields(fields: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(0, ...fields.map(([key]) => widthOf(key) + 1));
  return fields.map(([key, value]) => `${pad(`${key}:`, width)} ${value}`.trimEnd()).join('\n');
}

/** The {@link Terminal} of this process. */
export function processTerminal(): Terminal {
  return {
    write: (text) => {
      process.stdout.write(text);
    },
    writeError: (text) => {
      process.stderr.write(text);
    },
    isTTY: process.stdout.isTTY === true,
  };
}
