import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { observePod } from './pod-status.js';

function pod(
  container?: Partial<V1ContainerStatus>,
  extra: Partial<NonNullable<V1Pod['status']>> = {},
): V1Pod {
  return {
    metadata: { name: 'sage-engine-1-abc', uid: 'uid-1' },
    status: {
      phase: 'Running',
      ...(container
        ? {
            containerStatuses: [
              { name: 'engine', image: 'i', imageID: '', ready: false, restartCount: 0, ...container },
            ],
          }
        : {}),
      ...extra,
    },
  };
}

describe('observePod', () => {
  it('reads an unschedulable pod as waiting, Pending with the scheduler message', () => {
    const observed = observePod(
      pod(undefined, {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/2 nodes are available: 2 Insufficient nvidia.com/gpu.',
          },
        ],
      }),
    );
    expect(observed).toEqual({
      type: 'waiting',
      reason: 'Pending: 0/2 nodes are available: 2 Insufficient nvidia.com/gpu.',
      fatal: false,
    });
  });

  it.each([
    ['ErrImagePull', false],
    ['ImagePullBackOff', true],
    ['InvalidImageName', true],
    ['CreateContainerConfigError', false],
  ])('reads a container waiting in %s (fatal: %s)', (reason, fatal) => {
    const observed = observePod(pod({ state: { waiting: { reason, message: 'details' } } }));
    expect(observed).toEqual({ type: 'waiting', reason: `${reason}: details`, fatal });
  });

  it('reads CrashLoopBackOff as an exit with the last termination reason and the restart count', () => {
    const observed = observePod(
      pod({
        restartCount: 4,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', containerID: 'containerd://abc' } },
      }),
    );
    expect(observed).toMatchObject({ type: 'exited', instance: 'containerd://abc', restartCount: 4 });
    if (observed.type !== 'exited') return;
    expect(observed.exit).toMatchObject({ exitCode: 1, class: 'crashed', retry: true });
    expect(observed.exit.description).toBe(
      'container Error (exit code 1); exited with code 1; CrashLoopBackOff, restart count 4',
    );
  });

  it.each([
    [{ exitCode: 78, reason: 'Error' }, 'not_startable', false, null],
    [{ exitCode: 137, reason: 'OOMKilled' }, 'out_of_memory', true, 'SIGKILL'],
    [{ exitCode: 137, reason: 'Error' }, 'killed', true, 'SIGKILL'],
    [{ exitCode: 143, reason: 'Error' }, 'killed', true, 'SIGTERM'],
  ])('classifies a terminated container %j as %s', (terminated, exitClass, retry, signal) => {
    const observed = observePod(pod({ state: { terminated } }));
    expect(observed).toMatchObject({ type: 'exited', exit: { class: exitClass, retry, signal } });
  });

  it('reads a running container, ready or not', () => {
    expect(observePod(pod({ ready: true, state: { running: {} }, containerID: 'c1' }))).toEqual({
      type: 'running',
      ready: true,
      instance: 'c1',
    });
  });
});
