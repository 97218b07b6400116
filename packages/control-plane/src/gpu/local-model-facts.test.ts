import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGgufNumbers, readLocalModelFacts } from './local-model-facts.js';

/** A GGUF v3 header with string and uint32 metadata (and a vocabulary array before them), then padding. */
function ggufHeader(arch: string, numbers: Record<string, number>, padBytes = 1024): Buffer {
  const parts: Buffer[] = [];
  const u32 = (value: number) => {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32LE(value);
    parts.push(buffer);
  };
  const u64 = (value: number) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(BigInt(value));
    parts.push(buffer);
  };
  const string = (value: string) => {
    u64(Buffer.byteLength(value));
    parts.push(Buffer.from(value));
  };
  parts.push(Buffer.from('GGUF'));
  u32(3);
  u64(1);
  u64(2 + Object.keys(numbers).length);
  string('general.architecture');
  u32(8);
  string(arch);
  string('tokenizer.ggml.tokens');
  u32(9);
  u32(8);
  u64(3);
  for (const token of ['a', 'bb', 'ccc']) string(token);
  for (const [key, value] of Object.entries(numbers)) {
    string(key);
    u32(4);
    u32(value);
  }
  parts.push(Buffer.alloc(padBytes));
  return Buffer.concat(parts);
}

describe('readLocalModelFacts', () => {
  it('reads layers, width, heads and context from a GGUF header and sizes the KV cache of a 4096-token context', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sage-facts-')), 'model.gguf');
    const header = ggufHeader('llama', {
      'llama.block_count': 32,
      'llama.embedding_length': 4096,
      'llama.attention.head_count': 32,
      'llama.attention.head_count_kv': 8,
      'llama.context_length': 131072,
    });
    writeFileSync(path, header);
    expect(readGgufNumbers(path)?.numbers.get('llama.block_count')).toBe(32);
    // 2 (K, V) × 32 layers × 4096 tokens × 1024 (4096 × 8/32) × 2 bytes = 512 MiB.
    expect(readLocalModelFacts(path)).toEqual({
      weightsBytes: header.length,
      kvCacheBytes: 512 * 1024 * 1024,
      source: 'gguf-header',
    });
  });

  it('falls back to the file size for a GGUF whose header says too little', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sage-facts-')), 'model.gguf');
    writeFileSync(path, ggufHeader('llama', {}));
    const facts = readLocalModelFacts(path);
    expect(facts?.source).toBe('gguf-file');
    expect(facts?.kvCacheBytes).toBeUndefined();
  });

  it('sizes a model folder by its weight files, with the KV cache from config.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sage-facts-'));
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        num_hidden_layers: 2,
        hidden_size: 64,
        num_attention_heads: 4,
        num_key_value_heads: 4,
      }),
    );
    writeFileSync(join(dir, 'model.safetensors'), Buffer.alloc(3000));
    expect(readLocalModelFacts(dir)).toEqual({
      weightsBytes: 3000,
      kvCacheBytes: 2 * 2 * 4096 * 64 * 2,
      source: 'config.json',
    });
  });

  it('computes the weights from config.json when the folder holds no weight files yet', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sage-facts-'));
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        num_hidden_layers: 1,
        hidden_size: 10,
        intermediate_size: 20,
        vocab_size: 100,
        num_attention_heads: 2,
        num_key_value_heads: 2,
        torch_dtype: 'float32',
        tie_word_embeddings: true,
      }),
    );
    // (100 × 10 + 1 × (10 × (20 + 20) + 3 × 10 × 20)) × 4 bytes.
    expect(readLocalModelFacts(dir)?.weightsBytes).toBe((1000 + 400 + 600) * 4);
  });

  it('has no facts for a name, a missing path or garbage', () => {
    expect(readLocalModelFacts('Qwen/Qwen2.5-7B-Instruct')).toBeUndefined();
    const path = join(mkdtempSync(join(tmpdir(), 'sage-facts-')), 'garbage.gguf');
    writeFileSync(path, 'not a model');
    expect(readLocalModelFacts(path)).toEqual({ weightsBytes: 11, source: 'gguf-file' });
  });
});
