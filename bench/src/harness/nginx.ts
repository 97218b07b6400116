import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childPids } from './process-cpu.js';
import type { BaselineProxy } from './spawn-minimal-proxy.js';
import { freePort, waitForHttp } from './wait.js';

/** The nginx binary on PATH (or in /usr/sbin), or undefined when nginx is not installed. */
export function findNginx(): string | undefined {
  for (const candidate of ['nginx', '/usr/sbin/nginx', '/usr/local/sbin/nginx']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** The nginx version (`nginx/1.22.1`), which `nginx -v` prints on stderr. */
export function nginxVersion(binary: string): string {
  const result = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  return `${result.stderr ?? ''}${result.stdout ?? ''}`.replace('nginx version:', '').trim() || 'nginx';
}

function config(port: number, prefix: string, routes: Record<string, string>): string {
  const upstreams = Object.values(routes)
    .map((origin, index) => `  upstream u${index} { server ${new URL(origin).host}; keepalive 64; }`)
    .join('\n');
  const locations = Object.entries(routes)
    .map(([path], index) => `    location = ${path} { proxy_pass http://u${index}; }`)
    .join('\n');
  return `worker_processes 1;
daemon off;
master_process on;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  keepalive_timeout 65s;
  keepalive_requests 1000000;
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_buffering off;
${upstreams}
  server {
    listen 127.0.0.1:${port};
${locations}
  }
}
`;
}

/**
 * nginx as a keep-alive reverse proxy (one worker, like the gateway's one event loop; upstream
 * keep-alive; no buffering, so streams pass through as they come): the physical limit of a
 * proxy on this machine. Undefined when nginx is not installed (`apt-get install -y nginx`).
 */
export async function startNginx(routes: Record<string, string>): Promise<BaselineProxy | undefined> {
  const binary = findNginx();
  if (!binary) return undefined;
  const prefix = mkdtempSync(join(tmpdir(), 'sage-bench-nginx-'));
  const port = await freePort();
  const file = join(prefix, 'nginx.conf');
  writeFileSync(file, config(port, prefix, routes));
  const child: ChildProcess = spawn(binary, ['-p', prefix, '-c', file, '-e', join(prefix, 'error.log')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    // SIGQUIT: graceful stop of master and workers.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
    await exited;
    rmSync(prefix, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([
      waitForHttp(`${url}/`, 15_000),
      exited.then(() => {
        throw new Error(`nginx exited before it answered on port ${port} (see ${prefix}/error.log)`);
      }),
    ]);
  } catch (error) {
    await close();
    throw error;
  }
  const master = child.pid as number;
  return { url, pids: () => [master, ...childPids(master)], close };
}
