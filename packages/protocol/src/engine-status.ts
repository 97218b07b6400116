import { z } from 'zod';

/**
 * Engine states (SPEC section 6). One vocabulary for API, CLI, logs and metrics. `DOWNLOADING`
 * comes before `STARTING` when the model is not in the model cache yet (docs/models.md): no
 * process, no port, no GPU; the startup timeout starts once the file is there. `SLEEPING` is an
 * idle catalog engine put to sleep (vLLM's sleep mode, docs/models.md): its process and port stay,
 * its GPU memory is given back, and it gets no traffic until it is woken (and has answered a canary).
 */
export const EngineStatus = z.enum([
  'DOWNLOADING',
  'STARTING',
  'RUNNING',
  'UNHEALTHY',
  'SLEEPING',
  'RESTARTING',
  'DRAINING',
  'STOPPING',
  'STOPPED',
  'FAILED',
]);
export type EngineStatus = z.infer<typeof EngineStatus>;

/**
 * The named groups of engine states. Every package asks these predicates instead of writing its
 * own set of states; `engine-status.test.ts` pins each group's members.
 */
export const ENGINE_STATUS_GROUPS = {
  /** The scheduler sends it requests. */
  acceptsTraffic: ['RUNNING'],
  /** The health loop and the startup watch look after it. */
  supervised: ['STARTING', 'RUNNING', 'UNHEALTHY'],
  /** Becomes (or stays) RUNNING without an operator: a wait for it may still succeed. */
  mayServeAgain: ['DOWNLOADING', 'STARTING', 'RUNNING', 'UNHEALTHY', 'SLEEPING', 'RESTARTING'],
  /** The process it was started with is still there (connections to it stay useful). */
  hasLiveProcess: ['STARTING', 'RUNNING', 'UNHEALTHY', 'SLEEPING', 'DRAINING', 'STOPPING'],
  /** Nothing happens until an operator restarts or prunes it. */
  terminal: ['STOPPED', 'FAILED'],
} as const satisfies Record<string, readonly EngineStatus[]>;

function inGroup(group: readonly EngineStatus[]): (status: EngineStatus) => boolean {
  const members = new Set<EngineStatus>(group);
  return (status) => members.has(status);
}

/** RUNNING: the scheduler sends it requests. */
export const acceptsTraffic: (status: EngineStatus) => boolean = inGroup(ENGINE_STATUS_GROUPS.acceptsTraffic);
/** STARTING, RUNNING, UNHEALTHY: the supervisor watches it. */
export const isSupervised: (status: EngineStatus) => boolean = inGroup(ENGINE_STATUS_GROUPS.supervised);
/** DOWNLOADING, STARTING, RUNNING, UNHEALTHY, SLEEPING, RESTARTING: it may serve without an operator's help. */
export const mayServeAgain: (status: EngineStatus) => boolean = inGroup(ENGINE_STATUS_GROUPS.mayServeAgain);
/** STARTING, RUNNING, UNHEALTHY, SLEEPING, DRAINING, STOPPING: the process it was spawned as is still up. */
export const hasLiveProcess: (status: EngineStatus) => boolean = inGroup(ENGINE_STATUS_GROUPS.hasLiveProcess);
/** STOPPED, FAILED: it stays so until an operator restarts or prunes it. */
export const isTerminal: (status: EngineStatus) => boolean = inGroup(ENGINE_STATUS_GROUPS.terminal);
