import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a model on local disk says about its size, for the memory estimate when its name says
 * nothing: a `.gguf` file's size and header (architecture, layers, embedding width, heads,
 * context length), or a model folder's `config.json` and weight files. Reading is bounded and
 * never throws: anything unreadable is simply not a fact.
 */
export interface LocalModelFacts {
  /** Bytes of weights on disk (the file, or the folder's `*.safetensors` / `*.bin`). */
  weightsBytes: number;
  /** KV-cache bytes for the context the engine will use, when the header or config says enough. */
  kvCacheBytes?: number | undefined;
  /** Where the facts came from, for logs. */
  source: 'gguf-header' | 'gguf-file' | 'config.json';
}

/** The context a GGUF engine runs with unless told otherwise (the sage engine's default). */
const GGUF_ESTIMATE_CONTEXT = 4096;
/** The context assumed for a `config.json` model's KV cache. */
const CONFIG_ESTIMATE_CONTEXT = 4096;
/** f16 keys and values. */
const KV_BYTES_PER_VALUE = 2;
/** The header is read this far at most (tokenizer vocabularies come before some keys). */
const MAX_HEADER_BYTES = 64 * 1024 * 1024;

/** Facts about `modelId` when it is a local `.gguf` file or a folder with `config.json`. */
export function readLocalModelFacts(modelId: string): LocalModelFacts | undefined {
  try {
    const info = statSync(modelId);
    if (info.isFile() && modelId.toLowerCase().endsWith('.gguf')) return ggufFacts(modelId, info.size);
    if (info.isDirectory()) return folderFacts(modelId);
  } catch {
    // not a local path: the name decides
  }
  return undefined;
}

function ggufFacts(path: string, size: number): LocalModelFacts {
  const header = readGgufNumbers(path);
  const arch = header?.architecture;
  const number = (key: string) => (arch ? header?.numbers.get(`${arch}.${key}`) : undefined);
  const layers = number('block_count');
  const width = number('embedding_length');
  const heads = number('attention.head_count');
  const kvHeads = number('attention.head_count_kv') ?? heads;
  const trained = number('context_length');
  if (!layers || !width || !heads || !kvHeads) return { weightsBytes: size, source: 'gguf-file' };
  const context = Math.min(trained ?? GGUF_ESTIMATE_CONTEXT, GGUF_ESTIMATE_CONTEXT);
  const kvCacheBytes = 2 * layers * context * width * (kvHeads / heads) * KV_BYTES_PER_VALUE;
  return { weightsBytes: size, kvCacheBytes, source: 'gguf-header' };
}

function folderFacts(dir: string): LocalModelFacts | undefined {
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const int = (key: string) => {
    const value = config[key];
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const layers = int('num_hidden_layers');
  const hidden = int('hidden_size');
  const heads = int('num_attention_heads');
  const kvHeads = int('num_key_value_heads') ?? heads;
  const onDisk = weightFilesBytes(dir);
  let weightsBytes = onDisk;
  if (weightsBytes === 0 && layers && hidden) {
    const vocab = int('vocab_size') ?? 32_000;
    const intermediate = int('intermediate_size') ?? 4 * hidden;
    const kvDim = heads && kvHeads ? (hidden * kvHeads) / heads : hidden;
    const embeddings = vocab * hidden * (config.tie_word_embeddings === true ? 1 : 2);
    const perLayer = hidden * (2 * hidden + 2 * kvDim) + 3 * hidden * intermediate;
    const dtype = String(config.torch_dtype ?? config.dtype ?? 'bfloat16');
    weightsBytes = (embeddings + layers * perLayer) * (dtype.includes('32') ? 4 : 2);
  }
  if (weightsBytes === 0) return undefined;
  const kvCacheBytes =
    layers && hidden && heads && kvHeads
      ? 2 * layers * CONFIG_ESTIMATE_CONTEXT * hidden * (kvHeads / heads) * KV_BYTES_PER_VALUE
      : undefined;
  return { weightsBytes, kvCacheBytes, source: 'config.json' };
}

function weightFilesBytes(dir: string): number {
  let total = 0;
  try {
    for (const name of readdirSync(dir)) {
      if (!/\.(safetensors|bin|pt)$/.test(name)) continue;
      total += statSync(join(dir, name)).size;
    }
  } catch {
    return 0;
  }
  return total;
}

/** GGUF value types: byte sizes of scalars; 8 string, 9 array. */
const SCALAR_SIZES: Record<number, number> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};

/** `general.architecture` and the integer metadata of a GGUF header, or undefined when it is not one. */
export function readGgufNumbers(
  path: string,
): { architecture: string | undefined; numbers: Map<string, number> } | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    return parseGgufNumbers(new SyncReader(fd));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Sequential little-endian reads over a file descriptor, in 1 MiB windows. */
class SyncReader {
  private position = 0;
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(private readonly fd: number) {}

  private at(length: number): Buffer {
    if (this.position + length > MAX_HEADER_BYTES) throw new Error('header too long');
    const offset = this.position - this.windowStart;
    if (offset < 0 || offset + length > this.window.length) {
      const buffer = Buffer.alloc(Math.max(length, 1 << 20));
      const read = readSync(this.fd, buffer, 0, buffer.length, this.position);
      if (read < length) throw new Error('truncated');
      this.window = buffer.subarray(0, read);
      this.windowStart = this.position;
    }
    const start = this.position - this.windowStart;
    this.position += length;
    return this.window.subarray(start, start + length);
  }

  u32(): number {
    return this.at(4).readUInt32LE(0);
  }

  u64(): number {
    const value = this.at(8).readBigUInt64LE(0);
    if (value > BigInt(MAX_HEADER_BYTES) * 1024n) throw new Error('implausible');
    return Number(value);
  }

  string(): string {
    return this.at(this.u64()).toString('utf8');
  }

  skip(length: number): void {
    if (this.position + length > MAX_HEADER_BYTES) throw new Error('header too long');
    this.position += length;
  }

  scalar(type: number): number | undefined {
    const bytes = this.at(SCALAR_SIZES[type] ?? 0);
    switch (type) {
      case 4:
        return bytes.readUInt32LE(0);
      case 5:
        return bytes.readInt32LE(0);
      case 10:
        return Number(bytes.readBigUInt64LE(0));
      case 11:
        return Number(bytes.readBigInt64LE(0));
      case 2:
        return bytes.readUInt16LE(0);
      default:
        return undefined;
    }
  }
}

function parseGgufNumbers(reader: SyncReader) {
  if (reader.u32() !== 0x46554747) return undefined;
  const version = reader.u32();
  if (version < 2) return undefined;
  reader.u64(); // tensor count
  const count = reader.u64();
  let architecture: string | undefined;
  const numbers = new Map<string, number>();
  for (let index = 0; index < count; index += 1) {
    const key = reader.string();
    const type = reader.u32();
    if (type === 8) {
      const value = reader.string();
      if (key === 'general.architecture') architecture = value;
    } else if (type === 9) {
      const itemType = reader.u32();
      const length = reader.u64();
      if (itemType === 8) for (let item = 0; item < length; item += 1) reader.skip(reader.u64());
      else if (SCALAR_SIZES[itemType] !== undefined) reader.skip(length * (SCALAR_SIZES[itemType] as number));
      else return { architecture, numbers };
    } else if (SCALAR_SIZES[type] !== undefined) {
      const value = reader.scalar(type);
      if (value !== undefined) numbers.set(key, value);
    } else {
      return { architecture, numbers };
    }
  }
  return { architecture, numbers };
}
