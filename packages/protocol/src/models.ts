import { z } from 'zod';

/**
 * The model cache (docs/models.md): files pulled from the Hugging Face hub or an HTTPS URL into
 * the state directory, each checked against the SHA-256 the source publishes.
 */

/** Body of `POST /v1/management/models/pull` (snake_case wire form). */
export const ModelPullRequestWire = z.strictObject({
  /** `hf:owner/repo/file.gguf`, `hf:owner/repo:QUANT`, `owner/repo` (with `quant`) or an `https://` URL. */
  ref: z
    .string()
    .min(1, 'must name a model (hf:owner/repo/file.gguf, owner/repo or an https:// URL)')
    .max(2048),
  /** Quantisation to choose among the repository's `.gguf` files, e.g. `Q4_K_M`. */
  quant: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'must be a quantisation name like Q4_K_M')
    .optional(),
  /** Branch, tag or commit (default `main`). */
  revision: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+$/, 'must be a branch, tag or commit')
    .refine((revision) => !revision.split('/').includes('..'), "must not contain '..'")
    .optional(),
  /** Expected SHA-256 (hex) for a URL whose server publishes none. */
  sha256: z
    .string()
    .regex(/^[a-fA-F0-9]{64}$/, 'must be 64 hexadecimal digits')
    .optional(),
});
export type ModelPullRequestWire = z.input<typeof ModelPullRequestWire>;

/** One cached model file (snake_case wire form). */
export const CachedModelWire = z.object({
  /** Stable id of the cache entry (16 hex digits), for `DELETE /v1/management/models/cache/{id}`. */
  id: z.string(),
  /** The canonical reference: `hf:owner/repo/file.gguf#revision` or the URL. */
  ref: z.string(),
  /** Where the bytes came from (the URL first asked). */
  source_url: z.string(),
  file_name: z.string(),
  size_bytes: z.number().int().nonnegative(),
  sha256: z.string(),
  /** Whether the SHA-256 was checked against a value the source published (or one given). */
  verified: z.boolean(),
  /** The local file an engine loads. */
  path: z.string(),
  created_at: z.string(),
  last_used_at: z.string(),
});
export type CachedModelWire = z.infer<typeof CachedModelWire>;

/** `GET /v1/management/models/cache`: every cached model file. */
export const CachedModelListWire = z.object({ models: z.array(CachedModelWire) });
export type CachedModelListWire = z.infer<typeof CachedModelListWire>;

/** camelCase form of {@link CachedModelWire}. */
export interface CachedModel {
  id: string;
  ref: string;
  sourceUrl: string;
  fileName: string;
  sizeBytes: number;
  sha256: string;
  verified: boolean;
  path: string;
  createdAt: string;
  lastUsedAt: string;
}

/** How far a download is (snake_case wire form); also `EngineInfo.download` while DOWNLOADING. */
export const DownloadProgressWire = z.object({
  ref: z.string(),
  downloaded_bytes: z.number().nonnegative(),
  /** Null while the size is unknown. */
  total_bytes: z.number().nonnegative().nullable(),
  bytes_per_second: z.number().nonnegative(),
  /** Null while the size or the rate is unknown. */
  eta_seconds: z.number().nonnegative().nullable(),
});
export type DownloadProgressWire = z.infer<typeof DownloadProgressWire>;

/** camelCase form of {@link DownloadProgressWire}. */
export interface DownloadProgress {
  ref: string;
  downloadedBytes: number;
  totalBytes: number | null;
  bytesPerSecond: number;
  etaSeconds: number | null;
}

/**
 * One line of the NDJSON stream `POST /v1/management/models/pull` answers with (and
 * `sage llm model pull --json` prints): `resolved` once the file is known, `progress` while
 * bytes arrive, `verifying` while the hash is checked, then `done` with the cache entry or
 * `error` with an OpenAI-shaped error.
 */
export const ModelPullEventWire = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('resolved'),
    ref: z.string(),
    url: z.string(),
    file_name: z.string(),
    total_bytes: z.number().nullable(),
    cached: z.boolean(),
  }),
  DownloadProgressWire.extend({ type: z.literal('progress') }),
  z.object({ type: z.literal('verifying'), ref: z.string() }),
  z.object({ type: z.literal('done'), model: CachedModelWire }),
  z.object({
    type: z.literal('error'),
    error: z.object({
      message: z.string(),
      type: z.string(),
      code: z.string().nullable(),
      param: z.string().nullable().optional(),
    }),
  }),
]);
export type ModelPullEventWire = z.infer<typeof ModelPullEventWire>;

/** Media type of the pull stream. */
export const NDJSON_MEDIA_TYPE = 'application/x-ndjson';
