/**
 * Data behind the memory estimate (SPEC defect 9): GB of weights plus activations for models
 * whose size is known, and size tiers for embedding models, whose names rarely carry a
 * parameter count. Patterns match the lower-cased model name (the part after the last `/`).
 */

/** Known LLMs: total GB before tensor-parallel division and before the KV-cache overhead. */
export const LLM_MEMORY_HINTS: ReadonlyArray<{ pattern: RegExp; gb: number }> = [
  { pattern: /qwen2\.5-0\.5b/, gb: 1.5 },
  { pattern: /qwen2\.5-1\.5b/, gb: 4 },
  { pattern: /qwen2\.5-3b/, gb: 7 },
  { pattern: /qwen2\.5-7b/, gb: 16 },
  { pattern: /qwen2\.5-14b/, gb: 30 },
  { pattern: /qwen2\.5-32b/, gb: 66 },
  { pattern: /qwen2\.5-72b/, gb: 145 },
  { pattern: /llama-3(?:\.\d)?-8b/, gb: 18 },
  { pattern: /llama-3(?:\.\d)?-70b/, gb: 140 },
  { pattern: /mistral-7b/, gb: 16 },
  { pattern: /mixtral-8x7b/, gb: 94 },
  { pattern: /mixtral-8x22b/, gb: 282 },
];

/** Names of embedding model families. */
export const EMBEDDING_MODEL_PATTERN =
  /(^|[-_])(bge|e5|gte)[-_]|minilm|mpnet|nomic-embed|mxbai-embed|jina-embeddings|arctic-embed|sentence-t5|instructor-|embed/;

/** Embedding size tiers, first match wins; GB on one GPU, no KV-cache overhead. */
export const EMBEDDING_MEMORY_TIERS: ReadonlyArray<{ pattern: RegExp; gb: number }> = [
  { pattern: /(^|[-_])m3([-_.]|$)/, gb: 3 },
  { pattern: /(^|[-_])(large|xl)([-_.]|$)/, gb: 2.5 },
  { pattern: /(^|[-_])base([-_.]|$)/, gb: 1 },
  { pattern: /minilm/, gb: 0.5 },
  { pattern: /(^|[-_])(small|mini|tiny|xs)([-_.]|$)/, gb: 0.75 },
];

/** An embedding model of a family we know but a size we do not. */
export const EMBEDDING_DEFAULT_GB = 1.5;
/** Models bundled with the project (`sage/tiny-chat`, `sage/tiny-embed`). */
export const BUNDLED_TINY_MODEL_PATTERN = /^sage\/tiny-/;
export const BUNDLED_TINY_MODEL_GB = 0.1;
/** GB per billion parameters when the size comes from the name (fp16 weights plus slack). */
export const GB_PER_BILLION_PARAMETERS = 2.5;
/** An LLM we cannot size at all (name, header and config.json say nothing). */
export const UNKNOWN_MODEL_GB = 16;
/** …and never more than this share of the largest GPU, so it can start at all. */
export const UNKNOWN_MODEL_GPU_SHARE = 0.9;
/** Added per GPU for an LLM's KV cache and runtime; not for embedding models. */
export const LLM_OVERHEAD_GB = 4;
/** A GGUF file needs about its size plus this share once loaded. */
export const GGUF_LOAD_FACTOR = 1.2;
/** Context (KV cache) allowance for a GGUF model run by llama.cpp with a modest context. */
export const GGUF_CONTEXT_GB = 0.25;
