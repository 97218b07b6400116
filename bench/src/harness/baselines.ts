import { findNginx, nginxVersion, startNginx } from './nginx.js';
import { type BaselineProxy, spawnMinimalProxy } from './spawn-minimal-proxy.js';

/** A baseline proxy, named as the benchmark tables name it. */
export interface NamedBaseline extends BaselineProxy {
  name: 'minimal' | 'nginx';
}

/** The baselines that run, what each is, and why any is missing. */
export interface Baselines {
  proxies: NamedBaseline[];
  /** One line per baseline that runs: what it is. */
  described: string[];
  /** One line per baseline that does not run: why. */
  skipped: string[];
  close(): Promise<void>;
}

/**
 * Start the reverse-proxy baselines in front of `routes` (path → engine origin): the minimal
 * Node proxy always, nginx when it is installed and `nginx` is true. A missing nginx is not an
 * error: it is listed in `skipped`, and the tables say so.
 */
export async function startBaselines(
  routes: Record<string, string>,
  options: { nginx: boolean },
): Promise<Baselines> {
  const proxies: NamedBaseline[] = [];
  const close = async () => {
    for (const proxy of [...proxies].reverse()) await proxy.close();
  };
  const described: string[] = [];
  const skipped: string[] = [];
  try {
    proxies.push({ name: 'minimal', ...(await spawnMinimalProxy(routes)) });
    described.push('minimal: node:http + one undici Pool per engine, in its own process');
    const binary = options.nginx ? findNginx() : undefined;
    const nginx = binary ? await startNginx(routes) : undefined;
    if (binary && nginx) {
      proxies.push({ name: 'nginx', ...nginx });
      described.push(`nginx: ${nginxVersion(binary)}, 1 worker, upstream keep-alive, no buffering`);
    } else {
      skipped.push(
        options.nginx
          ? 'nginx is not installed (apt-get install -y nginx), so it was not measured'
          : 'nginx was left out (--nginx false)',
      );
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { proxies, described, skipped, close };
}
