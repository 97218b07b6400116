import { describe, expect, it } from 'vitest';
import { captureTerminal } from '../__fixtures__/capture-terminal.js';
import { createOutput, renderFields, renderTable } from './print.js';

describe('renderTable', () => {
  it('aligns columns under upper-case headers, two spaces apart, without trailing spaces', () => {
    const table = renderTable(
      [{ header: 'id' }, { header: 'model' }, { header: 'port', align: 'right' }],
      [
        ['e-1', 'sage/tiny-chat', '8001'],
        ['engine-22', 'BAAI/bge-m3', '90'],
      ],
    );
    expect(table.split('\n')).toEqual([
      'ID         MODEL           PORT',
      'e-1        sage/tiny-chat  8001',
      'engine-22  BAAI/bge-m3       90',
    ]);
  });

  it('prints only the header for no rows and tolerates missing cells', () => {
    expect(renderTable([{ header: 'a' }, { header: 'bb' }], [])).toBe('A  BB');
    expect(renderTable([{ header: 'a' }, { header: 'b' }], [['x']])).toBe('A  B\nx');
  });

  it('measures wide characters by code point, not UTF-16 units', () => {
    const table = renderTable([{ header: 'x' }, { header: 'y' }], [['✔', '1']]);
    expect(table.split('\n')[1]).toBe('✔  1');
  });
});

describe('renderFields', () => {
  it('aligns the values after the longest key', () => {
    expect(
      renderFields([
        ['gateway', 'up'],
        ['queue', '0/10'],
      ]),
    ).toBe('gateway: up\nqueue:   0/10');
  });
});

describe('createOutput', () => {
  it('prints the JSON body with --json and the human text otherwise', () => {
    const json = captureTerminal();
    createOutput(json.terminal, { json: true }).result({ engines: [] }, () => 'no engines');
    expect(JSON.parse(json.stdout())).toEqual({ engines: [] });

    const human = captureTerminal();
    createOutput(human.terminal, {}).result({ engines: [] }, () => 'no engines');
    expect(human.stdout()).toBe('no engines\n');
  });

  it('sends notes to stderr under --json so stdout stays parseable', () => {
    const json = captureTerminal();
    const output = createOutput(json.terminal, { json: true });
    output.note('starting…');
    output.result({ ok: true }, () => 'ok');
    expect(json.stderr()).toBe('starting…\n');
    expect(JSON.parse(json.stdout())).toEqual({ ok: true });

    const human = captureTerminal();
    createOutput(human.terminal, {}).note('starting…');
    expect(human.stdout()).toBe('starting…\n');
  });

  it('is interactive only on a TTY without --json', () => {
    expect(createOutput(captureTerminal({ isTTY: true }).terminal, {}).interactive).toBe(true);
    expect(createOutput(captureTerminal({ isTTY: true }).terminal, { json: true }).interactive).toBe(false);
    expect(createOutput(captureTerminal().terminal, {}).interactive).toBe(false);
  });

  it('writes warnings to stderr and prints nothing for an empty human text', () => {
    const capture = captureTerminal();
    const output = createOutput(capture.terminal, {});
    output.warn('careful');
    output.result({}, () => '');
    expect(capture.stderr()).toBe('careful\n');
    expect(capture.stdout()).toBe('');
  });
});
