import { open } from 'node:fs/promises';
import { ModelFileError } from '../errors.js';

/**
 * A cheap check of a GGUF file before llama.cpp sees it (ggml `docs/gguf.md`): the magic, a
 * version llama.cpp reads (2 or 3), tensor and metadata counts that fit in the file, every
 * metadata key and value and every tensor description walked with bounds checks, known value
 * types, 1–4 dimensions, the alignment, and every tensor's data inside the file. A file that
 * passes is not guaranteed to load, but garbage after a valid magic no longer makes llama.cpp
 * allocate for minutes: it fails here in milliseconds with the reason.
 */

/** Where the bytes come from: a file, or a buffer in tests. */
export interface ByteSource {
  readonly size: number;
  read(position: number, length: number): Promise<Uint8Array>;
}

/** What the check learned, for the engine's log. */
export interface GgufSummary {
  version: number;
  tensorCount: number;
  metadataCount: number;
  architecture: string;
  alignment: number;
  /** Bytes of tensor data the tensor descriptions claim (lower bound for quantised types without a known size). */
  tensorBytes: number;
}

const MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const SUPPORTED_VERSIONS = [2, 3];
const MAX_DIMENSIONS = 4;
/** ggml's GGML_MAX_NAME: tensor names are shorter. */
const MAX_TENSOR_NAME = 64;
/** No metadata key is longer; a larger length is garbage. */
const MAX_KEY_LENGTH = 65_535;
const DEFAULT_ALIGNMENT = 32;
/** Smallest encodings: a key/value (8-byte length, 1-byte key, 4-byte type, 1-byte value), a tensor info (8 + 1 + 4 + 8 + 4 + 8). */
const MIN_KV_BYTES = 14;
const MIN_TENSOR_INFO_BYTES = 33;
const HEADER_BYTES = 24;

/** Byte sizes of scalar metadata value types; 8 (string) and 9 (array) are variable. */
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
const STRING_TYPE = 8;
const ARRAY_TYPE = 9;
const UINT32_TYPE = 4;

/** ggml types whose block size and bytes per block are certain: [elements per block, bytes per block]. */
const TENSOR_TYPE_SIZES: Record<number, readonly [number, number]> = {
  0: [1, 4], // F32
  1: [1, 2], // F16
  2: [32, 18], // Q4_0
  3: [32, 20], // Q4_1
  6: [32, 22], // Q5_0
  7: [32, 24], // Q5_1
  8: [32, 34], // Q8_0
  10: [256, 84], // Q2_K
  11: [256, 110], // Q3_K
  12: [256, 144], // Q4_K
  13: [256, 176], // Q5_K
  14: [256, 210], // Q6_K
  24: [1, 1], // I8
  25: [1, 2], // I16
  26: [1, 4], // I32
  27: [1, 8], // I64
  28: [1, 8], // F64
  30: [1, 2], // BF16
};
/** Other (newer or rarer) quantisations: no type stores fewer bits per weight than this. */
const MIN_BITS_PER_WEIGHT = 1.5;
/** ggml type ids stay far below this; anything above is garbage. */
const MAX_TENSOR_TYPE = 64;

/** Reads forward through a source in windows, so a multi-GB file costs a few reads. */
class Cursor {
  position = 0;
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;
  private view = new DataView(this.window.buffer);

  constructor(
    private readonly source: ByteSource,
    private readonly fail: (reason: string) => never,
    private readonly windowBytes = 1 << 20,
  ) {}

  get remaining(): number {
    return this.source.size - this.position;
  }

  private async ensure(length: number, what: string): Promise<number> {
    if (length > this.remaining) {
      this.fail(
        `${what} at byte ${this.position} needs ${length} bytes, the file has ${this.remaining} left`,
      );
    }
    const offset = this.position - this.windowStart;
    if (offset >= 0 && offset + length <= this.window.length) return offset;
    const size = Math.min(Math.max(length, this.windowBytes), this.remaining);
    this.window = await this.source.read(this.position, size);
    if (this.window.length < length) this.fail(`the file is shorter than it claims at byte ${this.position}`);
    this.windowStart = this.position;
    this.view = new DataView(this.window.buffer, this.window.byteOffset, this.window.byteLength);
    return 0;
  }

  async uint32(what: string): Promise<number> {
    const offset = await this.ensure(4, what);
    this.position += 4;
    return this.view.getUint32(offset, true);
  }

  /** A uint64 as a number; values past 2^53 are garbage for every count and size here. */
  async uint64(what: string): Promise<number> {
    const offset = await this.ensure(8, what);
    this.position += 8;
    const value = this.view.getBigUint64(offset, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} is ${value}, not a plausible size`);
    return Number(value);
  }

  async bytes(length: number, what: string): Promise<Uint8Array> {
    const offset = await this.ensure(length, what);
    this.position += length;
    return this.window.subarray(offset, offset + length);
  }

  skip(length: number, what: string): void {
    if (length > this.remaining) {
      this.fail(
        `${what} at byte ${this.position} needs ${length} bytes, the file has ${this.remaining} left`,
      );
    }
    this.position += length;
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Check a GGUF source; throws {@link ModelFileError} naming what is wrong. */
export async function checkGguf(source: ByteSource, path: string): Promise<GgufSummary> {
  const fail = (reason: string): never => {
    throw new ModelFileError(path, reason);
  };
  const cursor = new Cursor(source, fail);
  if (source.size < HEADER_BYTES) fail(`${source.size} bytes is too small for a GGUF header`);
  if ((await cursor.uint32('the magic')) !== MAGIC)
    fail('not a GGUF file (the first 4 bytes are not "GGUF")');
  const version = await cursor.uint32('the version');
  if (!SUPPORTED_VERSIONS.includes(version)) {
    fail(
      `GGUF version ${version} is not supported (llama.cpp reads versions ${SUPPORTED_VERSIONS.join(' and ')})`,
    );
  }
  const tensorCount = await cursor.uint64('the tensor count');
  const metadataCount = await cursor.uint64('the metadata count');
  if (tensorCount === 0) fail('the file has no tensors');
  const minimum = HEADER_BYTES + tensorCount * MIN_TENSOR_INFO_BYTES + metadataCount * MIN_KV_BYTES;
  if (minimum > source.size) {
    fail(
      `${tensorCount} tensors and ${metadataCount} metadata entries cannot fit in ${source.size} bytes (the header is garbage or the file is truncated)`,
    );
  }

  let architecture: string | undefined;
  let alignment = DEFAULT_ALIGNMENT;
  const readString = async (what: string, maxLength = Number.MAX_SAFE_INTEGER): Promise<number> => {
    const length = await cursor.uint64(`the length of ${what}`);
    if (length > maxLength) fail(`${what} is ${length} bytes long, more than ${maxLength}`);
    return length;
  };
  const skipValue = async (type: number, what: string, depth: number): Promise<void> => {
    const scalar = SCALAR_SIZES[type];
    if (scalar !== undefined) return cursor.skip(scalar, what);
    if (type === STRING_TYPE) return cursor.skip(await readString(what), what);
    if (type !== ARRAY_TYPE || depth > 0) fail(`${what} has unknown value type ${type}`);
    const itemType = await cursor.uint32(`the item type of ${what}`);
    const count = await cursor.uint64(`the length of ${what}`);
    const itemScalar = SCALAR_SIZES[itemType];
    if (itemScalar !== undefined) return cursor.skip(count * itemScalar, what);
    if (itemType !== STRING_TYPE) fail(`${what} is an array of unknown type ${itemType}`);
    if (count * 8 > cursor.remaining) fail(`${what} claims ${count} strings, more than the file can hold`);
    for (let index = 0; index < count; index += 1) cursor.skip(await readString(what), what);
  };

  for (let index = 0; index < metadataCount; index += 1) {
    const keyLength = await readString(`metadata key ${index}`, MAX_KEY_LENGTH);
    if (keyLength === 0) fail(`metadata key ${index} is empty`);
    let key: string;
    try {
      key = decoder.decode(await cursor.bytes(keyLength, `metadata key ${index}`));
    } catch (error) {
      if (ModelFileError.isInstance(error)) throw error;
      return fail(`metadata key ${index} is not UTF-8`);
    }
    const type = await cursor.uint32(`the type of '${key}'`);
    if (key === 'general.architecture' && type === STRING_TYPE) {
      const length = await readString(`'${key}'`, 256);
      architecture = new TextDecoder().decode(await cursor.bytes(length, `'${key}'`));
    } else if (key === 'general.alignment' && type === UINT32_TYPE) {
      alignment = await cursor.uint32(`'${key}'`);
      if (alignment === 0 || (alignment & (alignment - 1)) !== 0)
        fail(`general.alignment ${alignment} is not a power of two`);
    } else {
      await skipValue(type, `'${key}'`, 0);
    }
  }
  if (architecture === undefined || architecture === '') return fail('general.architecture is missing');

  let tensorBytes = 0;
  const tensors: Array<{ name: string; offset: number; bytes: number }> = [];
  for (let index = 0; index < tensorCount; index += 1) {
    const nameLength = await readString(`the name of tensor ${index}`, MAX_TENSOR_NAME);
    const name = new TextDecoder().decode(await cursor.bytes(nameLength, `the name of tensor ${index}`));
    const dimensions = await cursor.uint32(`the dimension count of tensor '${name}'`);
    if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
      fail(`tensor '${name}' has ${dimensions} dimensions (ggml allows 1 to ${MAX_DIMENSIONS})`);
    }
    let elements = 1;
    for (let dimension = 0; dimension < dimensions; dimension += 1) {
      elements *= await cursor.uint64(`a dimension of tensor '${name}'`);
      if (elements > Number.MAX_SAFE_INTEGER) fail(`tensor '${name}' has an implausible number of elements`);
    }
    const type = await cursor.uint32(`the type of tensor '${name}'`);
    if (type > MAX_TENSOR_TYPE) fail(`tensor '${name}' has unknown type ${type}`);
    const offset = await cursor.uint64(`the offset of tensor '${name}'`);
    if (offset % alignment !== 0)
      fail(`tensor '${name}' starts at offset ${offset}, not a multiple of the alignment ${alignment}`);
    const sizes = TENSOR_TYPE_SIZES[type];
    const bytes = sizes
      ? Math.ceil(elements / sizes[0]) * sizes[1]
      : Math.ceil((elements * MIN_BITS_PER_WEIGHT) / 8);
    tensorBytes += bytes;
    tensors.push({ name, offset, bytes });
  }
  const dataStart = Math.ceil(cursor.position / alignment) * alignment;
  const dataBytes = source.size - dataStart;
  if (tensorBytes > dataBytes) {
    fail(
      `the tensors need at least ${tensorBytes} bytes of data, the file has ${Math.max(0, dataBytes)} (truncated?)`,
    );
  }
  for (const tensor of tensors) {
    if (tensor.offset + tensor.bytes > dataBytes) {
      fail(
        `tensor '${tensor.name}' ends past the end of the file (offset ${tensor.offset}, ${tensor.bytes} bytes)`,
      );
    }
  }
  return { version, tensorCount, metadataCount, architecture, alignment, tensorBytes };
}

/** {@link checkGguf} for a file on disk. */
export async function checkGgufFile(path: string): Promise<GgufSummary> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return await checkGguf(
      {
        size,
        read: async (position, length) => {
          const buffer = Buffer.alloc(length);
          const { bytesRead } = await handle.read(buffer, 0, length, position);
          return buffer.subarray(0, bytesRead);
        },
      },
      path,
    );
  } finally {
    await handle.close();
  }
}

/** A buffer as a {@link ByteSource} (tests). */
export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (position, length) => bytes.subarray(position, position + length),
  };
}
