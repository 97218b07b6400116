import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTinyModel, tinyModelBytes } from './ensure-tiny-model.js';
import { findTinyModel, TINY_MODELS } from './tiny-models.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const directories: string[] = [];

afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

describe.each(TINY_MODELS)('tiny model $name', (model) => {
  it('has the same bytes on every generation', () => {
    expect(sha256(tinyModelBytes(model))).toBe(sha256(tinyModelBytes(model)));
  });

  it('writes a GGUF v3 llama file with a byte-level SPM vocabulary that node-llama-cpp parses', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'sage-tiny-'));
    directories.push(directory);
    const path = await ensureTinyModel(model, directory);
    const info = await readGgufFileInfo(path, { readTensorInfo: true });
    expect(info.version).toBe(3);
    const metadata = info.metadata as unknown as {
      general: { architecture: string; alignment: number };
      llama: { embedding_length: number; block_count: number; attention: { head_count: number } };
      tokenizer: {
        ggml: {
          model: string;
          tokens: string[];
          token_type: number[];
          bos_token_id: number;
          eos_token_id: number;
        };
        chat_template: string;
      };
    };
    expect(metadata.general).toMatchObject({ architecture: 'llama', alignment: 32 });
    expect(metadata.llama).toMatchObject({
      embedding_length: 128,
      block_count: 2,
      attention: { head_count: 4 },
    });
    const { ggml } = metadata.tokenizer;
    expect(ggml.model).toBe('llama');
    expect(ggml.tokens.slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '\u2581']);
    expect(ggml.tokens).toHaveLength(260);
    expect(ggml.tokens[4 + 0x41]).toBe('<0x41>');
    expect(ggml.token_type.slice(0, 5)).toEqual([2, 3, 3, 1, 6]);
    expect([ggml.bos_token_id, ggml.eos_token_id]).toEqual([1, 2]);
    expect(metadata.tokenizer.chat_template).toContain('add_generation_prompt');
    expect(info.tensorInfo?.every((tensor) => Number(tensor.offset) % 32 === 0)).toBe(true);
    expect(sha256(await readFile(path))).toBe(sha256(tinyModelBytes(model)));
  });
});

describe('ensureTinyModel', () => {
  it('generates once and reuses the cached file, even when called concurrently', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'sage-tiny-'));
    directories.push(directory);
    const model = findTinyModel('sage/tiny-embed')!;
    const [first, second] = await Promise.all([
      ensureTinyModel(model, directory),
      ensureTinyModel(model, directory),
    ]);
    expect(first).toBe(join(directory, 'tiny-embed.gguf'));
    expect(second).toBe(first);
    expect(sha256(await readFile(first))).toBe(sha256(tinyModelBytes(model)));
  });
});
