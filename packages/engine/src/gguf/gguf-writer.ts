/**
 * A minimal GGUF v3 writer: metadata key/values plus F32 tensors, tensor data aligned to
 * `general.alignment`. Pure: builds the file's bytes in memory, so the same input always gives
 * the same bytes. Format reference: ggml's `docs/gguf.md`.
 */

/** GGUF metadata value types (the numbering is part of the file format). */
const VALUE_TYPE = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

/** ggml tensor type of 32-bit floats. */
const GGML_TYPE_F32 = 0;
const GGUF_MAGIC = 'GGUF';
const GGUF_VERSION = 3;

export type GgufScalar =
  | { type: 'uint32'; value: number }
  | { type: 'int32'; value: number }
  | { type: 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string };

export type GgufArray =
  | { type: 'array'; itemType: 'string'; value: readonly string[] }
  | { type: 'array'; itemType: 'float32' | 'int32' | 'uint32'; value: readonly number[] };

export type GgufValue = GgufScalar | GgufArray;

export interface GgufTensor {
  name: string;
  /** ggml dimension order: the fastest-varying dimension first (`[columns, rows]`). */
  dimensions: readonly number[];
  data: Float32Array;
}

export interface GgufFile {
  metadata: ReadonlyArray<readonly [key: string, value: GgufValue]>;
  tensors: readonly GgufTensor[];
  /** Alignment of the tensor data section and of each tensor (bytes). Written as `general.alignment`. */
  alignment: number;
}

/** A growable little-endian byte buffer. */
class ByteSink {
  private buffer = Buffer.alloc(1 << 16);
  private length = 0;

  get size(): number {
    return this.length;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + bytes) capacity *= 2;
    const next = Buffer.alloc(capacity);
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }

  uint32(value: number): void {
    this.reserve(4);
    this.length = this.buffer.writeUInt32LE(value, this.length);
  }

  int32(value: number): void {
    this.reserve(4);
    this.length = this.buffer.writeInt32LE(value, this.length);
  }

  uint64(value: number | bigint): void {
    this.reserve(8);
    this.length = this.buffer.writeBigUInt64LE(BigInt(value), this.length);
  }

  float32(value: number): void {
    this.reserve(4);
    this.length = this.buffer.writeFloatLE(value, this.length);
  }

  uint8(value: number): void {
    this.reserve(1);
    this.length = this.buffer.writeUInt8(value, this.length);
  }

  float32Array(values: Float32Array): void {
    this.reserve(values.length * 4);
    for (const value of values) this.length = this.buffer.writeFloatLE(value, this.length);
  }

  bytes(value: Uint8Array): void {
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  string(value: string): void {
    const encoded = Buffer.from(value, 'utf8');
    this.uint64(encoded.length);
    this.bytes(encoded);
  }

  padTo(alignment: number): void {
    const padding = (alignment - (this.length % alignment)) % alignment;
    this.bytes(new Uint8Array(padding));
  }

  toBuffer(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }
}

function writeValue(sink: ByteSink, value: GgufValue): void {
  sink.uint32(VALUE_TYPE[value.type]);
  if (value.type === 'uint32') sink.uint32(value.value);
  else if (value.type === 'int32') sink.int32(value.value);
  else if (value.type === 'float32') sink.float32(value.value);
  else if (value.type === 'bool') sink.uint8(value.value ? 1 : 0);
  else if (value.type === 'string') sink.string(value.value);
  else writeArray(sink, value);
}

function writeArray(sink: ByteSink, array: GgufArray): void {
  sink.uint32(VALUE_TYPE[array.itemType]);
  sink.uint64(array.value.length);
  if (array.itemType === 'string') {
    for (const item of array.value) sink.string(item);
    return;
  }
  const write = {
    float32: (item: number) => sink.float32(item),
    int32: (item: number) => sink.int32(item),
    uint32: (item: number) => sink.uint32(item),
  }[array.itemType];
  for (const item of array.value) write(item);
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

function checkTensor(tensor: GgufTensor): void {
  const elements = tensor.dimensions.reduce((product, dimension) => product * dimension, 1);
  if (elements !== tensor.data.length) {
    throw new Error(
      `tensor '${tensor.name}': dimensions [${tensor.dimensions.join(', ')}] hold ${elements} values, data has ${tensor.data.length}`,
    );
  }
}

/**
 * Serialise a GGUF v3 file. `general.alignment` is added to the metadata from `file.alignment`
 * (do not pass it yourself).
 */
export function writeGguf(file: GgufFile): Buffer {
  const { alignment } = file;
  if (!Number.isInteger(alignment) || alignment <= 0 || alignment % 8 !== 0) {
    throw new Error(`GGUF alignment must be a positive multiple of 8, got ${alignment}`);
  }
  for (const tensor of file.tensors) checkTensor(tensor);
  const metadata: Array<readonly [string, GgufValue]> = [
    ...file.metadata,
    ['general.alignment', { type: 'uint32', value: alignment }],
  ];

  const sink = new ByteSink();
  sink.bytes(Buffer.from(GGUF_MAGIC, 'ascii'));
  sink.uint32(GGUF_VERSION);
  sink.uint64(file.tensors.length);
  sink.uint64(metadata.length);
  for (const [key, value] of metadata) {
    sink.string(key);
    writeValue(sink, value);
  }

  let offset = 0;
  for (const tensor of file.tensors) {
    sink.string(tensor.name);
    sink.uint32(tensor.dimensions.length);
    for (const dimension of tensor.dimensions) sink.uint64(dimension);
    sink.uint32(GGML_TYPE_F32);
    sink.uint64(offset);
    offset = alignUp(offset + tensor.data.byteLength, alignment);
  }

  sink.padTo(alignment);
  for (const tensor of file.tensors) {
    sink.float32Array(tensor.data);
    sink.padTo(alignment);
  }
  return sink.toBuffer();
}
