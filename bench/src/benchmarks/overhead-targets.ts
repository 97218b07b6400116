import { startBaselines } from '../harness/baselines.js';
import { startPortkey } from '../harness/portkey.js';
import type { GatewayProcess } from '../harness/spawn-gateway.js';
import type { TargetName } from './overhead-types.js';
import type { OverheadWorkload } from './overhead-workloads.js';

/** Something the load generator sends requests to, and the processes whose CPU is its cost. */
export interface Target {
  name: TargetName;
  url(workload: OverheadWorkload): string;
  headers(workload: OverheadWorkload): Record<string, string>;
  /** The target's own processes (none for the engine called directly). */
  pids(): number[];
}

/** The targets of one run and what it takes to stop them. */
export interface Targets {
  list: Target[];
  /** One line per baseline that runs: what it is. */
  baselines: string[];
  /** One line per baseline that does not run: why. */
  skipped: string[];
  close(): Promise<void>;
}

/**
 * The engine directly, the gateway, the baselines (`startBaselines`) and, with
 * `peer: 'portkey'`, Portkey's gateway: every target reaches the same engine processes.
 */
export async function startTargets(
  gateway: GatewayProcess,
  workloads: readonly OverheadWorkload[],
  options: { nginx: boolean; peer: string | undefined },
): Promise<Targets> {
  if (options.peer !== undefined && options.peer !== 'portkey') {
    throw new Error(`unknown peer '${options.peer}' (available: portkey)`);
  }
  const engineUrl = (workload: OverheadWorkload) => {
    const engine = gateway.engines.find((candidate) => candidate.modelId === workload.model);
    return `http://127.0.0.1:${engine?.port}`;
  };
  const routes = Object.fromEntries(workloads.map((workload) => [workload.path, engineUrl(workload)]));
  const baselines = await startBaselines(routes, options);
  const list: Target[] = [
    {
      name: 'direct',
      url: (workload) => `${engineUrl(workload)}${workload.path}`,
      headers: () => ({}),
      pids: () => [],
    },
    {
      name: 'sage',
      url: (workload) => `${gateway.url}${workload.path}`,
      headers: () => ({}),
      pids: () => [gateway.pid],
    },
    ...baselines.proxies.map((proxy) => ({
      name: proxy.name,
      url: (workload: OverheadWorkload) => `${proxy.url}${workload.path}`,
      headers: () => ({}),
      pids: proxy.pids,
    })),
  ];
  const described = [...baselines.described];
  let closePeer = async () => {};
  if (options.peer === 'portkey') {
    try {
      const portkey = await startPortkey();
      closePeer = () => portkey.close();
      list.push({
        name: 'portkey',
        url: (workload) => `${portkey.url}${workload.path}`,
        headers: (workload) => portkey.headers(workload.name, engineUrl(workload)),
        pids: () => [portkey.pid],
      });
      described.push('portkey: @portkey-ai/gateway 1.15.2, headless');
    } catch (error) {
      await baselines.close();
      throw error;
    }
  }
  return {
    list,
    baselines: described,
    skipped: baselines.skipped,
    async close() {
      await closePeer();
      await baselines.close();
    },
  };
}
