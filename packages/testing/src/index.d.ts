/** Absolute path of the fake engine script (`node <path> --port N …`). */
export declare const fakeEnginePath: string;

/** The fake engine as custom backend options; per-engine failure flags go in `extraArgs`. */
export declare const fakeEngineBackendOptions: Readonly<{ name: 'fake'; command: readonly string[] }>;

/** `promtool check metrics` over a text exposition; `available: false` without promtool (outside CI). */
export declare function promtoolCheckMetrics(text: string): {
  available: boolean;
  ok: boolean;
  output: string;
};

/** Whether promtool runs here (always true under `CI=true`, where a missing promtool fails the check). */
export declare const promtoolAvailable: boolean;

/** A poll's timeout in ms, or its timeout, interval between tries and failure message. */
export type PollOptions = number | { timeoutMs?: number; intervalMs?: number; message?: string };

/**
 * Call `check` until it returns a value (not `undefined`, `null` or `false`) and return it;
 * throws `<message> within N ms` at the deadline (default 20 s, 20 ms between tries).
 */
export declare function pollUntil<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options?: PollOptions,
): Promise<T>;

/** Wait until `check` holds (no fixed sleeps); throws at the deadline (default 20 s). */
export declare function waitFor(
  check: () => boolean | Promise<boolean>,
  options?: PollOptions,
): Promise<void>;

/**
 * Poll `url` with GET until `isReady(status)` (default: 200) or throw after `timeoutMs`; a refused,
 * reset or timed-out connection while the process starts is "not yet". Returns every status seen.
 */
export declare function waitUntilHealthy(
  url: string,
  options?: {
    timeoutMs?: number;
    intervalMs?: number;
    requestTimeoutMs?: number;
    isReady?: (status: number) => boolean;
  },
): Promise<number[]>;

/** Directory of the fake `vllm` console script (put it first on PATH). */
export declare const fakeVllmBinDir: string;

/** Absolute path of the fake `vllm` console script (Python, `#!/usr/bin/env python3`). */
export declare const fakeVllmPath: string;

/** Whether `python3` runs here. */
export declare const python3Available: boolean;

/** The fake engine's failure-mode flags, for `extra_args` allow-lists in tests. */
export declare const FAKE_ENGINE_FLAGS: readonly string[];

export { type FakeHub, type FakeHubOptions, type FakeHubRequest, startFakeHub } from './fake-hub.js';
export {
  type FakeKubelet,
  type FakeKubeletPod,
  type FakeKubernetes,
  type FakeKubernetesNode,
  type FakeKubernetesOptions,
  type FakeKubernetesRequest,
  startFakeKubernetes,
  validateObject as validateKubernetesObject,
} from './fake-kubernetes/fake-kubernetes.js';
