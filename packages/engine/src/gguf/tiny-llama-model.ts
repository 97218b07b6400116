import { BOS_TOKEN_ID, byteVocabulary, EOS_TOKEN_ID, UNKNOWN_TOKEN_ID } from './byte-vocabulary.js';
import type { GgufFile, GgufTensor, GgufValue } from './gguf-writer.js';
import { SeededRandom } from './seeded-random.js';

/**
 * A tiny llama-architecture model with random F32 weights. Its output is random bytes: it exists
 * to exercise loading, tokenising, generation, streaming and embeddings offline, never quality.
 */
export interface TinyLlamaModelOptions {
  /** `general.name`. */
  name: string;
  seed: number;
  embeddingLength: number;
  blockCount: number;
  feedForwardLength: number;
  headCount: number;
  /** Training context length written to the file (`llama.context_length`). */
  contextLength: number;
  /** `llama.pooling_type` for embedding models: 1 = mean (llama.cpp's enum). Omitted for chat models. */
  poolingType?: number | undefined;
  /**
   * Keep the control tokens (`<unk>`, `<s>`, `</s>`) from ever being sampled, so a generation runs
   * until `max_tokens` or a stop string. Done with a constant channel: dimension 0 of the residual
   * stream holds a constant that no layer reads or writes, and the output layer maps it to a large
   * negative logit for the control tokens only.
   */
  suppressControlTokens?: boolean | undefined;
}

/** Chat template in `tokenizer.chat_template`: `<|role|>\n…</s>\n` turns, then `<|assistant|>\n`. */
const TINY_CHAT_TEMPLATE =
  "{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + eos_token + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

const GGUF_ALIGNMENT = 32;
/** `general.file_type` 0: all tensors F32. */
const FILE_TYPE_ALL_F32 = 0;
/** Scale of the uniform weight initialisation. */
const WEIGHT_SCALE = 0.08;
/** Value of the constant channel in every token embedding (see `suppressControlTokens`). */
const CONSTANT_CHANNEL_VALUE = 1;
/** Output weight from the constant channel to each control token: a logit far below any other. */
const CONTROL_TOKEN_OUTPUT_WEIGHT = -64;
const CONTROL_TOKEN_IDS = [UNKNOWN_TOKEN_ID, BOS_TOKEN_ID, EOS_TOKEN_ID];

export function tinyLlamaModel(options: TinyLlamaModelOptions): GgufFile {
  const { embeddingLength, blockCount, feedForwardLength, headCount } = options;
  if (embeddingLength % headCount !== 0) {
    throw new Error(`embeddingLength ${embeddingLength} is not a multiple of headCount ${headCount}`);
  }
  const vocabulary = byteVocabulary();
  const vocabularySize = vocabulary.tokens.length;
  const random = new SeededRandom(options.seed);
  const weights = (name: string, columns: number, rows: number): GgufTensor => ({
    name,
    dimensions: [columns, rows],
    data: random.float32Array(columns * rows, WEIGHT_SCALE),
  });
  const ones = (name: string, length: number): GgufTensor => ({
    name,
    dimensions: [length],
    data: new Float32Array(length).fill(1),
  });

  const tensors: GgufTensor[] = [weights('token_embd.weight', embeddingLength, vocabularySize)];
  for (let block = 0; block < blockCount; block += 1) {
    const prefix = `blk.${block}`;
    tensors.push(
      ones(`${prefix}.attn_norm.weight`, embeddingLength),
      weights(`${prefix}.attn_q.weight`, embeddingLength, embeddingLength),
      weights(`${prefix}.attn_k.weight`, embeddingLength, embeddingLength),
      weights(`${prefix}.attn_v.weight`, embeddingLength, embeddingLength),
      weights(`${prefix}.attn_output.weight`, embeddingLength, embeddingLength),
      ones(`${prefix}.ffn_norm.weight`, embeddingLength),
      weights(`${prefix}.ffn_gate.weight`, embeddingLength, feedForwardLength),
      weights(`${prefix}.ffn_up.weight`, embeddingLength, feedForwardLength),
      weights(`${prefix}.ffn_down.weight`, feedForwardLength, embeddingLength),
    );
  }
  tensors.push(
    ones('output_norm.weight', embeddingLength),
    weights('output.weight', embeddingLength, vocabularySize),
  );
  if (options.suppressControlTokens) addConstantChannel(tensors, embeddingLength);

  const uint32 = (value: number): GgufValue => ({ type: 'uint32', value });
  const float32 = (value: number): GgufValue => ({ type: 'float32', value });
  const metadata: Array<readonly [string, GgufValue]> = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: options.name }],
    ['general.file_type', uint32(FILE_TYPE_ALL_F32)],
    ['llama.context_length', uint32(options.contextLength)],
    ['llama.embedding_length', uint32(embeddingLength)],
    ['llama.block_count', uint32(blockCount)],
    ['llama.feed_forward_length', uint32(feedForwardLength)],
    ['llama.attention.head_count', uint32(headCount)],
    ['llama.attention.head_count_kv', uint32(headCount)],
    ['llama.attention.layer_norm_rms_epsilon', float32(1e-5)],
    ['llama.rope.dimension_count', uint32(embeddingLength / headCount)],
    ['llama.rope.freq_base', float32(10000)],
    ['llama.vocab_size', uint32(vocabularySize)],
    ...(options.poolingType === undefined
      ? []
      : ([['llama.pooling_type', uint32(options.poolingType)]] as const)),
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: vocabulary.tokens }],
    ['tokenizer.ggml.scores', { type: 'array', itemType: 'float32', value: vocabulary.scores }],
    ['tokenizer.ggml.token_type', { type: 'array', itemType: 'int32', value: vocabulary.tokenTypes }],
    ['tokenizer.ggml.bos_token_id', uint32(BOS_TOKEN_ID)],
    ['tokenizer.ggml.eos_token_id', uint32(EOS_TOKEN_ID)],
    ['tokenizer.ggml.unknown_token_id', uint32(UNKNOWN_TOKEN_ID)],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
    ['tokenizer.ggml.add_space_prefix', { type: 'bool', value: false }],
    ['tokenizer.chat_template', { type: 'string', value: TINY_CHAT_TEMPLATE }],
  ];
  return { metadata, tensors, alignment: GGUF_ALIGNMENT };
}

/** ggml stores a `[inputs, outputs]` matrix row by row: element (output, input) is at `output * inputs + input`. */
function isolateConstantChannel(tensor: GgufTensor): void {
  const [inputs, outputs] = tensor.dimensions as [number, number];
  const writesResidual =
    tensor.name.endsWith('attn_output.weight') || tensor.name.endsWith('ffn_down.weight');
  if (writesResidual) {
    tensor.data.fill(0, 0, inputs);
    return;
  }
  for (let output = 0; output < outputs; output += 1) tensor.data[output * inputs] = 0;
}

function addConstantChannel(tensors: GgufTensor[], embeddingLength: number): void {
  for (const tensor of tensors) {
    if (tensor.dimensions.length !== 2) continue;
    if (tensor.name === 'token_embd.weight') {
      const [, vocabularySize] = tensor.dimensions as [number, number];
      for (let token = 0; token < vocabularySize; token += 1) {
        tensor.data[token * embeddingLength] = CONSTANT_CHANNEL_VALUE;
      }
      continue;
    }
    isolateConstantChannel(tensor);
    if (tensor.name === 'output.weight') {
      for (const token of CONTROL_TOKEN_IDS)
        tensor.data[token * embeddingLength] = CONTROL_TOKEN_OUTPUT_WEIGHT;
    }
  }
}
