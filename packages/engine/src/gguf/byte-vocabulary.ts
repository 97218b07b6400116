/**
 * A byte-level SentencePiece (SPM) vocabulary: `<unk>`, `<s>`, `</s>`, `▁` (the SPM space) and
 * the 256 byte tokens `<0x00>` … `<0xFF>`. With llama.cpp's byte fallback every UTF-8 string
 * tokenises to byte tokens (spaces to `▁`), so any text round-trips.
 */

/** llama.cpp token types (`tokenizer.ggml.token_type`). */
const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

export const UNKNOWN_TOKEN_ID = 0;
export const BOS_TOKEN_ID = 1;
export const EOS_TOKEN_ID = 2;

export interface Vocabulary {
  tokens: string[];
  scores: number[];
  tokenTypes: number[];
}

export function byteVocabulary(): Vocabulary {
  const tokens = ['<unk>', '<s>', '</s>', '\u2581'];
  const tokenTypes: number[] = [
    TOKEN_TYPE.unknown,
    TOKEN_TYPE.control,
    TOKEN_TYPE.control,
    TOKEN_TYPE.normal,
  ];
  const scores = [0, 0, 0, -1];
  for (let byte = 0; byte < 256; byte += 1) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    tokenTypes.push(TOKEN_TYPE.byte);
    scores.push(0);
  }
  return { tokens, scores, tokenTypes };
}
