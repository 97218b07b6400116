import { type Dispatcher, EnvHttpProxyAgent, request } from 'undici';
import { ModelPullError } from '../errors.js';

/** Where Hugging Face references are fetched from when neither config nor `HF_ENDPOINT` says. */
export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** How to reach the hub. */
export interface HubSettings {
  /** `models.hub_endpoint` in sage.yaml, else `HF_ENDPOINT`, else https://huggingface.co. */
  endpoint: string;
  /** `HF_TOKEN` (or `HUGGING_FACE_HUB_TOKEN`): sent to the hub's own host only. */
  token: string | undefined;
  dispatcher: Dispatcher | undefined;
}

/**
 * The hub settings from config and environment. A proxy (`HTTPS_PROXY`, `HTTP_PROXY`,
 * `NO_PROXY`) is honoured when one is set.
 */
export function hubSettings(env: NodeJS.ProcessEnv, configuredEndpoint?: string): HubSettings {
  const endpoint = (configuredEndpoint ?? env.HF_ENDPOINT ?? DEFAULT_HUB_ENDPOINT).replace(/\/+$/, '');
  const token = env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN || undefined;
  const proxied = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((name) => env[name]);
  return { endpoint, token, dispatcher: proxied ? new EnvHttpProxyAgent() : undefined };
}

/** Each segment of a path, URL-encoded (slashes kept between segments). */
function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** `{endpoint}/{repo}/resolve/{revision}/{file}`: the hub's download URL of a file. */
export function hubFileUrl(endpoint: string, repo: string, revision: string, file: string): string {
  return `${endpoint}/${encodePath(repo)}/resolve/${encodeURIComponent(revision)}/${encodePath(file)}`;
}

/** One file of a repository as the hub lists it. */
export interface HubFile {
  path: string;
  size: number;
  /** The LFS object's SHA-256, when the file is stored in LFS (every GGUF is). */
  sha256: string | undefined;
}

/** A hub answer that is not a success, as the error users should read. */
export function hubFailure(
  status: number,
  ref: string,
  what: string,
  token: string | undefined,
): ModelPullError {
  if (status === 401 || status === 403) {
    return new ModelPullError(
      'unauthorized',
      ref,
      token
        ? `the hub refused HF_TOKEN for ${what} (${status}): check that the token can read this repository and that its license is accepted`
        : `${what} is gated or private (${status}): accept its license on the hub and set HF_TOKEN to an access token`,
    );
  }
  if (status === 404) return new ModelPullError('not-found', ref, `${what} does not exist (404)`);
  return new ModelPullError('network', ref, `the hub answered ${status} for ${what}`);
}

/** A connection-level failure (refused, DNS, reset, timeout) as a `network` pull error. */
export function networkFailure(error: unknown, ref: string, where: string): ModelPullError {
  const code = (error as { code?: string } | null)?.code;
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  return new ModelPullError(
    'network',
    ref,
    `could not reach ${where} (${detail}): check the network, or set HF_ENDPOINT to a reachable mirror`,
    error,
  );
}

/** The files of `repo` at `revision` (`GET /api/models/{repo}/tree/{revision}?recursive=true`). */
export async function listHubFiles(
  hub: HubSettings,
  repo: string,
  revision: string,
  ref: string,
  signal?: AbortSignal,
): Promise<HubFile[]> {
  const url = `${hub.endpoint}/api/models/${encodePath(repo)}/tree/${encodeURIComponent(revision)}?recursive=true`;
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method: 'GET',
      headers: { accept: 'application/json', ...(hub.token ? { authorization: `Bearer ${hub.token}` } : {}) },
      ...(hub.dispatcher ? { dispatcher: hub.dispatcher } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    throw networkFailure(error, ref, new URL(hub.endpoint).host);
  }
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw hubFailure(response.statusCode, ref, `repository ${repo} at revision ${revision}`, hub.token);
  }
  const body = (await response.body.json()) as unknown;
  if (!Array.isArray(body))
    throw new ModelPullError('network', ref, `the hub's file list of ${repo} is not a list`);
  return body.flatMap((item): HubFile[] => {
    const entry = item as { type?: unknown; path?: unknown; size?: unknown; lfs?: { oid?: unknown } };
    if (entry.type !== 'file' || typeof entry.path !== 'string') return [];
    const oid = typeof entry.lfs?.oid === 'string' ? entry.lfs.oid.replace(/^sha256:/, '') : undefined;
    return [
      {
        path: entry.path,
        size: typeof entry.size === 'number' ? entry.size : 0,
        sha256: oid && /^[a-f0-9]{64}$/.test(oid) ? oid : undefined,
      },
    ];
  });
}

const SPLIT_PART = /-(\d{5})-of-(\d{5})\.gguf$/i;

/** The quantisation a GGUF file name carries (`…-Q4_K_M.gguf` → `Q4_K_M`), when it has one. */
export function quantOf(fileName: string): string | undefined {
  const stem = fileName.replace(SPLIT_PART, '.gguf').replace(/\.gguf$/i, '');
  const match = /(?:^|[-_.])((?:IQ|Q)\d[A-Z0-9_]*|F16|F32|BF16)$/i.exec(stem);
  return match?.[1]?.toUpperCase();
}

/**
 * The one `.gguf` file of a repository that `quant` names (case-insensitive), or its only
 * `.gguf` file when no quantisation is given. Multimodal projectors and split files are left
 * out. Throws a `not-found` pull error listing what there is.
 */
export function chooseGgufFile(
  files: readonly HubFile[],
  quant: string | undefined,
  repo: string,
  ref: string,
): HubFile {
  const ggufs = files.filter(
    (file) =>
      file.path.toLowerCase().endsWith('.gguf') && !/mmproj/i.test(file.path) && !SPLIT_PART.test(file.path),
  );
  if (ggufs.length === 0) {
    const split = files.some((file) => SPLIT_PART.test(file.path));
    throw new ModelPullError(
      'not-found',
      ref,
      split
        ? `${repo} has only split .gguf files (…-00001-of-0000N.gguf), which sage cannot pull yet`
        : `${repo} has no .gguf file`,
    );
  }
  const available = [...new Set(ggufs.map((file) => quantOf(file.path.split('/').pop() ?? '') ?? file.path))];
  if (quant === undefined) {
    if (ggufs.length === 1) return ggufs[0] as HubFile;
    throw new ModelPullError(
      'not-found',
      ref,
      `${repo} has ${ggufs.length} .gguf files: choose one with a quantisation (available: ${available.join(', ')}), e.g. hf:${repo}:${available[0]}`,
    );
  }
  const wanted = quant.toUpperCase();
  const matches = ggufs.filter((file) => quantOf(file.path.split('/').pop() ?? '') === wanted);
  if (matches.length === 1) return matches[0] as HubFile;
  if (matches.length === 0) {
    throw new ModelPullError(
      'not-found',
      ref,
      `${repo} has no .gguf file for quantisation ${quant} (available: ${available.join(', ')})`,
    );
  }
  throw new ModelPullError(
    'not-found',
    ref,
    `${repo} has ${matches.length} .gguf files for ${quant} (${matches.map((file) => file.path).join(', ')}): name one, e.g. hf:${repo}/${matches[0]?.path}`,
  );
}
