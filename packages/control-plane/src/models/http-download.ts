import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat, statfs, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type DownloadProgress, formatBytes } from '@sage/protocol';
import { type Dispatcher, request } from 'undici';
import { ModelPullError } from '../errors.js';
import { hubFailure, networkFailure } from './hub.js';
import { ProgressMeter } from './progress-meter.js';

/** What one download is asked to do. */
export interface DownloadOptions {
  /** The reference the errors and progress name. */
  ref: string;
  url: string;
  /** Where the bytes go while they arrive; kept between attempts and runs to resume with `Range`. */
  partialPath: string;
  /** Sent to `tokenHost` only (a redirect to a CDN drops it). */
  token?: string | undefined;
  tokenHost?: string | undefined;
  /** The SHA-256 the source published (the hub's file list); else read from `X-Linked-Etag` / `ETag`. */
  expectedSha256?: string | undefined;
  expectedSize?: number | undefined;
  dispatcher?: Dispatcher | undefined;
  signal?: AbortSignal | undefined;
  /** Attempts before a connection failure is final (each resumes where the last stopped). */
  maxAttempts: number;
  /** Delay before the second attempt; doubled for each further one. */
  retryDelayMs: number;
  /** Least time between two progress reports. */
  progressIntervalMs: number;
  onResolved?: ((info: { totalBytes: number | null; sha256: string | undefined }) => void) | undefined;
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
  onVerifying?: (() => void) | undefined;
  /** Free bytes on the file system of `path` (injected in tests); undefined when unknown. */
  freeBytes?: ((path: string) => Promise<number | undefined>) | undefined;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A finished download: the partial file holds exactly these bytes. */
export interface DownloadResult {
  sha256: string;
  sizeBytes: number;
  /** Whether the hash matched one the source published (false: nothing to check against). */
  verified: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** A failure worth another attempt (connection dropped, 5xx, 429). */
class RetryableError extends Error {}

async function defaultFreeBytes(path: string): Promise<number | undefined> {
  try {
    const info = await statfs(path);
    return info.bavail * info.bsize;
  } catch {
    return undefined;
  }
}

/** A hex SHA-256 in an `ETag`-style header (`"…"`, `W/"…"`), or undefined. */
function sha256OfEtag(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const stripped = text?.replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase();
  return stripped && /^[a-f0-9]{64}$/.test(stripped) ? stripped : undefined;
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function sizeOf(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ? info.size : 0;
}

async function hashPrefix(path: string, bytes: number): Promise<Hash> {
  const hash = createHash('sha256');
  if (bytes === 0) return hash;
  for await (const chunk of createReadStream(path, { start: 0, end: bytes - 1 }))
    hash.update(chunk as Buffer);
  return hash;
}

function diskFull(
  ref: string,
  path: string,
  needed: number | undefined,
  free: number | undefined,
  cause?: unknown,
) {
  const sizes =
    needed !== undefined && free !== undefined
      ? ` (needs ${formatBytes(needed)}, ${formatBytes(free)} free)`
      : '';
  return new ModelPullError(
    'disk-full',
    ref,
    `no space left on the device of ${dirname(path)}${sizes}: free some space (sage llm model rm) and pull again — the download resumes`,
    cause,
  );
}

/**
 * Download `url` into `partialPath`, resuming what an earlier attempt or run left there with a
 * `Range` request, following redirects (the hub's CDN) by hand so the hub's `X-Linked-Etag`
 * (the LFS SHA-256) and `X-Linked-Size` are seen, and hashing the bytes as they arrive. A
 * dropped connection is retried (`maxAttempts`, exponential delay) from where it stopped. The
 * result's hash has been compared with the published one; the caller moves the file into place.
 */
export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const freeBytes = options.freeBytes ?? defaultFreeBytes;
  await mkdir(dirname(options.partialPath), { recursive: true });
  let expected = options.expectedSha256?.toLowerCase();
  let total: number | null = options.expectedSize ?? null;
  let resolved = false;
  /** The hash of the partial file's bytes as the last attempt wrote them (not read again to verify). */
  let partialHash: Hash | undefined;
  let partialBytes = -1;
  for (let attempt = 1; ; attempt += 1) {
    if (options.signal?.aborted) throw new ModelPullError('aborted', options.ref, 'the pull was cancelled');
    try {
      const outcome = await downloadAttempt();
      if (outcome === 'again') continue;
      return await verify();
    } catch (error) {
      if (options.signal?.aborted) {
        throw new ModelPullError('aborted', options.ref, 'the pull was cancelled', error);
      }
      if (!(error instanceof RetryableError) || attempt >= options.maxAttempts) {
        if (error instanceof RetryableError) {
          throw new ModelPullError(
            'network',
            options.ref,
            `${error.message}, ${attempt} attempt(s); pull again to resume from ${formatBytes(await sizeOf(options.partialPath))}`,
            error.cause,
          );
        }
        throw error;
      }
      await sleep(options.retryDelayMs * 2 ** (attempt - 1));
    }
  }

  async function downloadAttempt(): Promise<'done' | 'again'> {
    const offset = await sizeOf(options.partialPath);
    const response = await get(offset);
    const status = response.statusCode;
    if (status === 416 && offset > 0) {
      await response.body.dump();
      const whole = /\/(\d+)$/.exec(header(response.headers, 'content-range') ?? '')?.[1];
      if (whole !== undefined && Number(whole) === offset) return 'done';
      await truncate(options.partialPath, 0);
      return 'again';
    }
    if (status !== 200 && status !== 206) {
      await response.body.dump();
      if (status === 429 || status >= 500) throw new RetryableError(`the server answered ${status}`);
      throw hubFailure(status, options.ref, `file ${options.url}`, options.token);
    }
    let start = 0;
    if (status === 206) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header(response.headers, 'content-range') ?? '');
      if (!range || Number(range[1]) !== offset) {
        await response.body.dump();
        await truncate(options.partialPath, 0);
        return 'again';
      }
      start = offset;
      if (range[3] !== '*') total ??= Number(range[3]);
    } else {
      const length = header(response.headers, 'content-length');
      if (length !== undefined) total ??= Number(length);
    }
    if (!resolved) {
      resolved = true;
      options.onResolved?.({ totalBytes: total, sha256: expected });
    }
    if (total !== null) {
      const free = await freeBytes(dirname(options.partialPath));
      if (free !== undefined && free < total - start) {
        await response.body.dump();
        throw diskFull(options.ref, options.partialPath, total - start, free);
      }
    }
    const hash = await hashPrefix(options.partialPath, start);
    partialHash = hash;
    const handle = await open(options.partialPath, start === 0 ? 'w' : 'a');
    const meter = new ProgressMeter(options.ref, total, start, now());
    let written = start;
    let lastReport = 0;
    try {
      for await (const chunk of response.body) {
        const bytes = chunk as Buffer;
        hash.update(bytes);
        try {
          await handle.write(bytes);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
            throw diskFull(
              options.ref,
              options.partialPath,
              total === null ? undefined : total - written,
              undefined,
              error,
            );
          }
          throw error;
        }
        written += bytes.length;
        const at = now();
        if (at - lastReport >= options.progressIntervalMs) {
          lastReport = at;
          options.onProgress?.(meter.sample(written, at));
        }
      }
    } catch (error) {
      if (ModelPullError.isInstance(error) || options.signal?.aborted) throw error;
      throw new RetryableError(`the connection broke after ${formatBytes(written)}`, { cause: error });
    } finally {
      await handle.close();
    }
    partialBytes = written;
    if (total !== null && written < total) {
      throw new RetryableError(
        `the connection closed after ${formatBytes(written)} of ${formatBytes(total)}`,
      );
    }
    options.onProgress?.(meter.sample(written, now()));
    return 'done';
  }

  async function get(offset: number): Promise<Dispatcher.ResponseData> {
    let url = new URL(options.url);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
      const sendToken = options.token !== undefined && url.host === options.tokenHost;
      let response: Dispatcher.ResponseData;
      try {
        response = await request(url, {
          method: 'GET',
          headers: {
            ...(offset > 0 ? { range: `bytes=${offset}-` } : {}),
            ...(sendToken ? { authorization: `Bearer ${options.token}` } : {}),
          },
          ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        throw new RetryableError(networkFailure(error, options.ref, url.host).message, { cause: error });
      }
      const linkedSha = sha256OfEtag(response.headers['x-linked-etag']);
      const linkedSize = header(response.headers, 'x-linked-size');
      expected ??=
        linkedSha ?? (REDIRECTS.has(response.statusCode) ? undefined : sha256OfEtag(response.headers.etag));
      if (linkedSize !== undefined && total === null && Number.isFinite(Number(linkedSize)))
        total = Number(linkedSize);
      const location = header(response.headers, 'location');
      if (!REDIRECTS.has(response.statusCode) || location === undefined) return response;
      await response.body.dump();
      url = new URL(location, url);
    }
    throw new ModelPullError(
      'network',
      options.ref,
      `more than ${MAX_REDIRECTS} redirects from ${options.url}`,
    );
  }

  async function verify(): Promise<DownloadResult> {
    options.onVerifying?.();
    const size = await sizeOf(options.partialPath);
    const hash =
      partialHash !== undefined && partialBytes === size
        ? partialHash
        : await hashPrefix(options.partialPath, size);
    partialHash = undefined;
    const sha256 = hash.digest('hex');
    const wantedSize = options.expectedSize;
    if (
      (expected !== undefined && sha256 !== expected) ||
      (wantedSize !== undefined && size !== wantedSize)
    ) {
      await rm(options.partialPath, { force: true });
      const what =
        expected !== undefined && sha256 !== expected
          ? `SHA-256 ${sha256} is not the published ${expected}`
          : `size ${size} is not the published ${wantedSize}`;
      throw new ModelPullError(
        'hash-mismatch',
        options.ref,
        `the downloaded file's ${what}; the file was deleted (pull again to download it afresh)`,
      );
    }
    return { sha256, sizeBytes: size, verified: expected !== undefined };
  }
}
