import type { V1ContainerStateTerminated, V1Pod } from '@kubernetes/client-node';
import { classifyExit } from '../../lifecycle/exit-classification.js';
import type { EngineExit } from '../engine-executor.js';
import { ENGINE_CONTAINER } from './engine-manifests.js';

/** Waiting reasons that no retry fixes: the engine is FAILED with the reason. */
const FATAL_WAITING = new Set([
  'InvalidImageName',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'CreateContainerError',
]);

/** What one pod says about its engine, read by {@link observePod}. */
export type PodObservation =
  /** Not serving yet, and why (Pending and unschedulable, an image pull error). */
  | { type: 'waiting'; reason: string; fatal: boolean }
  /** The engine's container ended (a crash, an OOM kill, a `kill -9`): `instance` tells terminations apart. */
  | { type: 'exited'; instance: string; exit: EngineExit; restartCount: number }
  /** It runs; `ready` when the readiness probe passes. */
  | { type: 'running'; ready: boolean; instance: string }
  | { type: 'unknown' };

/**
 * Read a pod's status as the executor's vocabulary (pure):
 * - `Pending` with `PodScheduled=False` → waiting `Pending: 0/3 nodes are available: …`;
 * - a waiting container (`ErrImagePull`, `ImagePullBackOff`, `CreateContainerConfigError`) →
 *   waiting with the reason and message (`ImagePullBackOff`, `InvalidImageName` are fatal);
 * - a terminated container, or one waiting in `CrashLoopBackOff` after a termination → exited,
 *   classified from the exit code (78 is not startable) and the reason (`OOMKilled`), with the
 *   pod's `restartCount` in the description;
 * - a running container → running, ready or not.
 */
export function observePod(pod: V1Pod): PodObservation {
  const container = pod.status?.containerStatuses?.find((status) => status.name === ENGINE_CONTAINER);
  const scheduled = pod.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
  if (!container) {
    if (scheduled?.status === 'False')
      return {
        type: 'waiting',
        reason: `Pending: ${scheduled.message ?? scheduled.reason ?? 'not scheduled'}`,
        fatal: false,
      };
    return pod.status?.phase === 'Pending'
      ? { type: 'waiting', reason: 'Pending', fatal: false }
      : { type: 'unknown' };
  }
  const restartCount = container.restartCount ?? 0;
  const terminated = container.state?.terminated;
  if (terminated) return exited(terminated, restartCount, container.state?.waiting?.reason);
  const waiting = container.state?.waiting;
  if (waiting) {
    const last = container.lastState?.terminated;
    if (last && (waiting.reason === 'CrashLoopBackOff' || waiting.reason === 'ContainerCreating'))
      return exited(last, restartCount, waiting.reason);
    const reason = waiting.reason ?? 'Waiting';
    return {
      type: 'waiting',
      reason: waiting.message ? `${reason}: ${waiting.message}` : reason,
      fatal: FATAL_WAITING.has(reason),
    };
  }
  if (container.state?.running) {
    const instance = container.containerID ?? `${pod.metadata?.uid}:${restartCount}`;
    return { type: 'running', ready: container.ready === true, instance };
  }
  return { type: 'unknown' };
}

function exited(
  terminated: V1ContainerStateTerminated,
  restartCount: number,
  waitingReason?: string,
): PodObservation {
  const exitCode = terminated.exitCode ?? null;
  const signalled = exitCode !== null && exitCode > 128 && exitCode <= 192;
  const classified = classifyExit({
    exitCode: signalled ? null : exitCode,
    signal: signalled ? signalName(exitCode - 128) : null,
    ...(terminated.reason === 'OOMKilled' ? { oomKilled: true } : {}),
  });
  const oom = terminated.reason === 'OOMKilled';
  const parts = [
    `container ${terminated.reason ?? 'terminated'} (exit code ${exitCode ?? 'unknown'})`,
    oom ? 'killed at its memory limit' : classified.description.replace(/^process /, ''),
    ...(terminated.message ? [terminated.message.trim()] : []),
    ...(waitingReason === 'CrashLoopBackOff' ? [`CrashLoopBackOff, restart count ${restartCount}`] : []),
  ];
  return {
    type: 'exited',
    instance: terminated.containerID ?? `${terminated.finishedAt?.toString() ?? ''}:${restartCount}`,
    restartCount,
    exit: {
      exitCode: signalled ? null : exitCode,
      signal: signalled ? signalName(exitCode - 128) : null,
      class: oom ? 'out_of_memory' : classified.class,
      retry: oom ? true : classified.retry,
      description: parts.join('; '),
    },
  };
}

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  15: 'SIGTERM',
};

function signalName(number: number): string {
  return SIGNALS[number] ?? `SIG${number}`;
}
