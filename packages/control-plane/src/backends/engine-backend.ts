import type { EngineKind, EngineStartRequest } from '@sage/protocol';

/**
 * Where an engine will run, decided by the control plane before launch. A backend only turns
 * a request plus a placement into a command; it never spawns, logs or allocates.
 */
export interface EnginePlacement {
  /** Address the engine binds and the gateway connects to (loopback locally; a pod IP later). */
  host: string;
  port: number;
  /** GPUs given to the engine; empty means CPU. */
  gpuIds: number[];
  device: 'cpu' | 'cuda';
  /** GB reserved for the engine on each of its GPUs (0 on CPU). */
  reservedMemoryGbPerGpu: number;
  /** Total memory of the smallest GPU given to the engine, when known (vLLM's utilisation flag). */
  gpuMemoryTotalGb?: number | undefined;
  /** Control-plane state directory (engines may cache files there, e.g. generated tiny models). */
  stateDir: string;
  /**
   * The local file the model id was pulled to (the model cache, docs/models.md), when the id is
   * an `hf:` reference or a URL. A backend that loads files loads this one and keeps serving the
   * model under its id.
   */
  modelPath?: string | undefined;
}

/** What to spawn. `env` is applied on top of the control plane's own environment (see {@link buildEngineEnv}). */
export interface EngineLaunchSpec {
  argv: string[];
  /** Variables to set. A value of `undefined` removes the variable from the inherited environment. */
  env: Record<string, string | undefined>;
}

/**
 * A backend whose engines can sleep: vLLM's sleep mode (`POST /sleep?level=N`, `POST /wake_up`,
 * `GET /is_sleeping`). A sleeping engine keeps its process and port and gives its GPU memory back;
 * waking takes seconds instead of a cold start (docs/models.md).
 */
export interface EngineSleepMode {
  /** Arguments that start an engine with sleep mode on (appended to its argv). */
  readonly args: readonly string[];
  /** Variables sleep mode needs (vLLM serves `/sleep` only in its dev mode). */
  readonly env: Readonly<Record<string, string>>;
  /** `level` of `POST /sleep`: 1 keeps the weights in CPU memory (fast wake), 2 drops them. */
  readonly level: 1 | 2;
}

/** A description of how to launch one kind of engine program (STYLE G5). Pure: no I/O in `launch`. */
export interface EngineBackend {
  /** Wire/config name: its key in `builtinBackends`, or a custom backend's configured name. */
  readonly name: string;
  /** Engine kinds this backend can serve. */
  readonly kinds: readonly EngineKind[];
  /**
   * Flags this backend's argv builder sets (`--host`, `--port` …): a request's `extra_args` may
   * never pass them, nor may the operator allow them (see `engine-args.ts`). Declared beside
   * `launch` so the list cannot drift from the command line.
   */
  readonly ownedFlags: readonly string[];
  /** Build the argv and env for a request at a placement. Throws BackendUnavailableError when it cannot. */
  launch(request: EngineStartRequest, placement: EnginePlacement): EngineLaunchSpec;
  /** Readiness/health paths per kind, tried in order (first success wins). */
  healthPaths(kind: EngineKind): readonly string[];
  /** How long an engine may stay STARTING before the start counts as failed. */
  readonly startupTimeoutMs: number;
  /**
   * The program that must exist on this host (argv[0] before resolution), checked before spawning
   * so a missing program is a clear error, not a crash loop. Undefined: no check.
   */
  program?(request: EngineStartRequest): string | undefined;
  /** Present when its engines can sleep; only catalog engines are started with it (`sleep:`). */
  readonly sleepMode?: EngineSleepMode | undefined;
}
