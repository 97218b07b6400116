export interface FakeHubOptions {
  /** `{ 'owner/repo': { 'file.gguf': bytes } }`, served at every revision. */
  repos?: Record<string, Record<string, Buffer>>;
  /** `{ 'name.gguf': bytes }` served at `/files/{name}` without a hash header. */
  plainFiles?: Record<string, Buffer>;
  /** Repositories that need `Authorization: Bearer <token>`. */
  gated?: string[];
  token?: string;
  /** With `drops`: the first `drops` CDN answers send this many bytes, then drop the connection. */
  dropAfterBytes?: number;
  drops?: number;
  /** Publish a hash that is not the bytes'. */
  wrongHash?: boolean;
  /** Redirect to `http://localhost:<port>/cdn/…`: another host than the hub's 127.0.0.1. */
  crossHostCdn?: boolean;
  /** Pause between the eight chunks of each answer. */
  slowMs?: number;
}

export interface FakeHubRequest {
  method: string | undefined;
  host: string | undefined;
  path: string;
  range: string | undefined;
  authorization: string | undefined;
}

export interface FakeHub {
  /** `http://127.0.0.1:<port>`: use as `HF_ENDPOINT`. */
  endpoint: string;
  requests: FakeHubRequest[];
  sha256(repo: string, path: string): string | undefined;
  dropNext(count: number): void;
  close(): Promise<void>;
}

export function startFakeHub(options: FakeHubOptions): Promise<FakeHub>;
