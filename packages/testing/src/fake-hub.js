import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

/**
 * A real HTTP server in the Hugging Face hub's URL layout, for model pull tests:
 * - `GET /api/models/{owner}/{repo}/tree/{revision}` lists files (with the LFS `oid` = SHA-256);
 * - `GET /{owner}/{repo}/resolve/{revision}/{file}` answers 302 to `/cdn/{sha256}` with
 *   `X-Linked-Etag` (the SHA-256, quoted) and `X-Linked-Size`, as the hub does for LFS files;
 * - `GET /cdn/{sha256}` serves the bytes with `ETag`, `Accept-Ranges` and `Range` (206 / 416);
 * - `GET /files/{name}` serves a file with no hash header (a plain URL).
 * Failure modes: `dropAfterBytes` + `drops` (the first N CDN answers announce the full length,
 * send that many bytes and destroy the socket), `gated` repositories (401 without the token, 403
 * with another), `wrongHash` (the published hash is not the bytes'), `slowMs` (a pause between
 * chunks), `crossHostCdn` (redirect to `localhost` instead of `127.0.0.1`: another host, which
 * must not get the token). `requests` records what was asked.
 *
 * @param {import('./fake-hub.js').FakeHubOptions} options
 */
export async function startFakeHub(options) {
  const files = new Map();
  const blobs = new Map();
  for (const [repo, entries] of Object.entries(options.repos ?? {})) {
    for (const [path, bytes] of Object.entries(entries)) {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      files.set(`${repo}/${path}`, { repo, path, bytes, sha256 });
      blobs.set(sha256, bytes);
    }
  }
  const plainFiles = new Map(Object.entries(options.plainFiles ?? {}));
  const gated = new Set(options.gated ?? []);
  const state = { drops: options.drops ?? 0, requests: [] };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://hub.invalid');
    const path = decodeURIComponent(url.pathname);
    state.requests.push({
      method: request.method,
      host: request.headers.host,
      path,
      range: request.headers.range,
      authorization: request.headers.authorization,
    });
    const authorized = (repo) => {
      if (!gated.has(repo)) return true;
      const given = request.headers.authorization;
      if (!given) {
        response.writeHead(401, { 'content-type': 'application/json', 'x-error-code': 'GatedRepo' });
        response.end(JSON.stringify({ error: `Access to model ${repo} is restricted.` }));
        return false;
      }
      if (given !== `Bearer ${options.token}`) {
        response.writeHead(403, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'Invalid credentials' }));
        return false;
      }
      return true;
    };
    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/([^/]+)$/.exec(path);
    if (tree) {
      const [, repo] = tree;
      if (!authorized(repo)) return;
      const listing = [...files.values()].filter((file) => file.repo === repo);
      if (listing.length === 0) return notFound(response, 'RepoNotFound');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(
          listing.map((file) => ({
            type: 'file',
            oid: createHash('sha1').update(file.bytes).digest('hex'),
            size: file.bytes.length,
            path: file.path,
            lfs: { oid: published(file.sha256), size: file.bytes.length, pointerSize: 134 },
          })),
        ),
      );
      return;
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (resolve) {
      const [, repo, , filePath] = resolve;
      if (!authorized(repo)) return;
      const file = files.get(`${repo}/${filePath}`);
      if (!file) return notFound(response, 'EntryNotFound');
      response.writeHead(302, {
        location: `${options.crossHostCdn ? `http://localhost:${port()}` : ''}/cdn/${file.sha256}?name=${encodeURIComponent(filePath)}`,
        'x-linked-etag': `"${published(file.sha256)}"`,
        'x-linked-size': String(file.bytes.length),
        etag: `"${createHash('sha1').update(file.bytes).digest('hex')}"`,
      });
      response.end();
      return;
    }
    const cdn = /^\/cdn\/([a-f0-9]{64})$/.exec(path);
    if (cdn) {
      const bytes = blobs.get(cdn[1]);
      if (!bytes) return notFound(response, 'EntryNotFound');
      return serveBytes(request, response, bytes, { etag: `"${cdn[1]}"` });
    }
    const plain = /^\/files\/([^/]+)$/.exec(path);
    if (plain && plainFiles.has(plain[1])) return serveBytes(request, response, plainFiles.get(plain[1]), {});
    notFound(response, 'EntryNotFound');
  });

  function port() {
    return server.address().port;
  }

  function published(sha256) {
    return options.wrongHash ? createHash('sha256').update(sha256).digest('hex') : sha256;
  }

  function serveBytes(request, response, bytes, headers) {
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    if (range) {
      start = Number(range[1]);
      if (start >= bytes.length) {
        response.writeHead(416, { 'content-range': `bytes */${bytes.length}` });
        response.end();
        return;
      }
    }
    const body = bytes.subarray(start);
    response.writeHead(range ? 206 : 200, {
      'content-type': 'application/octet-stream',
      'content-length': String(body.length),
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
      ...headers,
    });
    if (state.drops > 0 && options.dropAfterBytes !== undefined && body.length > options.dropAfterBytes) {
      state.drops -= 1;
      // End the socket after the bytes (FIN, not RST): the client receives exactly dropAfterBytes,
      // then sees the body end early, however loaded the machine. A destroy could reset the
      // connection before the client read what the kernel already held for it.
      response.write(body.subarray(0, options.dropAfterBytes), () => response.socket?.end());
      return;
    }
    if (!options.slowMs) {
      response.end(body);
      return;
    }
    const chunk = Math.max(1, Math.ceil(body.length / 8));
    let offset = 0;
    const next = () => {
      if (response.destroyed) return;
      if (offset >= body.length) return response.end();
      response.write(body.subarray(offset, offset + chunk));
      offset += chunk;
      setTimeout(next, options.slowMs);
    };
    next();
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    requests: state.requests,
    /** The SHA-256 of a served file. */
    sha256(repo, path) {
      return files.get(`${repo}/${path}`)?.sha256;
    },
    /** Let the next `count` CDN answers drop mid-file again. */
    dropNext(count) {
      state.drops = count;
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function notFound(response, code) {
  response.writeHead(404, { 'content-type': 'application/json', 'x-error-code': code });
  response.end(JSON.stringify({ error: code }));
}
