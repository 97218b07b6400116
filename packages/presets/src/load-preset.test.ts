import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@sage/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigValidationError, UnknownPresetError } from './errors.js';
import { loadPresetFile, parsePreset, resolvePreset, validatePreset } from './load-preset.js';

const examplesDirectory = new URL('../../../examples/presets/', import.meta.url);
const exampleFiles = readdirSync(examplesDirectory).filter((name) => /\.(ya?ml|json)$/.test(name));

const temporaryDirectory = mkdtempSync(join(tmpdir(), 'sage-presets-'));
afterAll(() => rmSync(temporaryDirectory, { recursive: true, force: true }));

function writePreset(name: string, text: string): string {
  const path = join(temporaryDirectory, name);
  writeFileSync(path, text);
  return path;
}

describe('parsePreset', () => {
  it('parses YAML text', () => {
    const preset = parsePreset('version: 1\nname: p\nengines:\n  - { name: chat, model: m }\n', {
      file: 'p.yaml',
    });
    expect(preset.engines[0]?.name).toBe('chat');
  });

  it('honours an explicit format', () => {
    expect(() => parsePreset('version: 1', { file: '<stdin>', format: 'json' })).toThrow(/invalid JSON/);
  });
});

describe('loadPresetFile', () => {
  it('loads a YAML file', async () => {
    const path = writePreset('team.yaml', 'version: 1\nname: team\nengines:\n  - name: chat\n    model: m\n');
    expect((await loadPresetFile(path)).name).toBe('team');
  });

  it('loads a JSON file strictly', async () => {
    const good = writePreset(
      'good.json',
      '{"version": 1, "name": "j", "engines": [{"name": "a", "model": "m"}]}',
    );
    expect((await loadPresetFile(good)).name).toBe('j');
    const yamlInJson = writePreset('bad.json', 'version: 1\n');
    await expect(loadPresetFile(yamlInJson)).rejects.toThrow(/bad\.json:1:1: invalid JSON: unexpected .v./);
  });

  it('names the file in validation errors', async () => {
    const path = writePreset(
      'broken.yaml',
      'version: 1\nname: b\nengines:\n  - name: chat\n    model: m\n    kind: x\n',
    );
    const error = await loadPresetFile(path).catch((caught: unknown) => caught);
    expect(ConfigValidationError.isInstance(error)).toBe(true);
    expect((error as ConfigValidationError).message).toMatch(`${path}:6:11: engines.0.kind:`);
  });
});

describe('resolvePreset', () => {
  it('defaults to the local preset', async () => {
    expect((await resolvePreset()).name).toBe('local');
  });

  it('resolves a built-in by name', async () => {
    expect((await resolvePreset('qwen-lite')).engines[0]?.model).toBe('Qwen/Qwen2.5-0.5B-Instruct');
  });

  it('rejects an unknown name with the list of built-ins', async () => {
    const error = await resolvePreset('nope').catch((caught: unknown) => caught);
    expect(UnknownPresetError.isInstance(error)).toBe(true);
  });

  it('treats strings with a separator or a preset extension as paths', async () => {
    const path = writePreset(
      'by-path.yml',
      'version: 1\nname: by-path\nengines:\n  - { name: a, model: m }\n',
    );
    expect((await resolvePreset(path)).name).toBe('by-path');
    await expect(resolvePreset('missing.yaml')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('validates an object', async () => {
    const preset = await resolvePreset({ version: 1, name: 'inline', engines: [{ name: 'a', model: 'm' }] });
    expect(preset.engines[0]?.kind).toBe('llm');
  });
});

describe('validatePreset', () => {
  it('throws a ValidationError naming each field', () => {
    const input = { version: 1, name: 'x', engines: [{ name: 'chat', modle: 'a' }] };
    expect(() => validatePreset(input)).toThrow(
      "invalid preset: engines.0.model: missing required key 'model'; engines.0.modle: unknown key 'modle' (did you mean 'model'?)",
    );
    try {
      validatePreset(input);
    } catch (error) {
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as ValidationError).path).toBe('engines.0.model');
    }
  });
});

describe('examples/presets', () => {
  it('has examples', () => {
    expect(exampleFiles.length).toBeGreaterThanOrEqual(2);
  });

  it.each(exampleFiles)('%s parses', async (name) => {
    const preset = await loadPresetFile(new URL(name, examplesDirectory).pathname);
    expect(preset.engines.length).toBeGreaterThan(0);
  });

  it('gpu-embeddings.yaml asks for a GPU for its embedding engine', async () => {
    const preset = await loadPresetFile(new URL('gpu-embeddings.yaml', examplesDirectory).pathname);
    expect(preset.engines.find((engine) => engine.kind === 'embedding')?.use_gpu).toBe(true);
  });
});
