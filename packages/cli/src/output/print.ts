/**
 * The single human-versus-`--json` switch, and table rendering. Commands never write to
 * `process.stdout` themselves: they call an {@link Output}, which tests build over strings.
 */

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
  /** `--json`: results are printed as JSON, progress goes to stderr. */
  readonly json: boolean;
  /** A person is watching: stdout is a TTY and the output is not JSON. */
  readonly interactive: boolean;
  readonly terminal: Terminal;
  /**
   * The one switch: with `--json`, print `data` (the REST API's snake_case body) as JSON;
   * otherwise print what `human()` renders.
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
 * const output = createOutput(processTerminal(), { json: options.json });
 * output.result(body, () => renderTable(columns, rows));
 * ```
 */
export function createOutput(terminal: Terminal, options: { json?: boolean }): Output {
  const json = options.json === true;
  return {
    json,
    interactive: terminal.isTTY && !json,
    terminal,
    result(data, human) {
      if (json) terminal.write(`${JSON.stringify(data, null, 2)}\n`);
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

/** Visible width of a cell (no colour codes are used, so the string length). */
function widthOf(text: string): number {
  return [...text].length;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - widthOf(text)));
  return align === 'right' ? fill + text : text + fill;
}

/**
 * A plain-text table: upper-case headers, columns separated by two spaces, no trailing spaces.
 *
 * @example
 * ```ts
 * renderTable([{ header: 'id' }, { header: 'port', align: 'right' }], [['e1', '8001']]);
 * // ID  PORT
 * // e1  8001
 * ```
 */
export function renderTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, index) =>
    Math.max(widthOf(column.header), ...rows.map((row) => widthOf(row[index] ?? ''))),
  );
  const renderRow = (cells: readonly string[]) =>
    columns
      .map((column, index) => pad(cells[index] ?? '', widths[index] ?? 0, column.align ?? 'left'))
      .join('  ')
      .trimEnd();
  const header = renderRow(columns.map((column) => column.header.toUpperCase()));
  return [header, ...rows.map(renderRow)].join('\n');
}

/** `key: value` lines with the keys aligned, for single objects (`status`, `preset show`). */
export function renderFields(fields: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(0, ...fields.map(([key]) => widthOf(key) + 1));
  return fields.map(([key, value]) => `${pad(`${key}:`, width, 'left')} ${value}`.trimEnd()).join('\n');
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
