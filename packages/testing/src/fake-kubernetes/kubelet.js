import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { constants } from 'node:os';

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const MAX_LOG_BYTES = 256 * 1024;

/**
 * A simulated kubelet: it "runs" the pods bound to the fake cluster's nodes on this machine.
 * - The container's `command` + `args` (with `$(VAR)` expanded from its `env`, as Kubernetes
 *   does) are spawned here, with only the container's `env` and `PATH`, in its own process
 *   group. The image is not pulled; `unpullableImages` simulates `ErrImagePull` →
 *   `ImagePullBackOff`. A program that is not found is a `StartError` (exit code 128).
 * - Every pod's IP is `podIp` (loopback): an argument `0.0.0.0` (bind everywhere, in the pod's
 *   own network namespace) becomes that address, so each engine listens on its own port there.
 * - `readinessProbe.httpGet` is checked every `probeIntervalMs` (delays scaled down to it); the
 *   pod turns Ready after `successThreshold` and unready after `failureThreshold`.
 * - An exited container is restarted (`restartPolicy: Always`) after a back-off of
 *   `restartBackoffMs` doubling per restart (capped at 16×), in `CrashLoopBackOff` meanwhile,
 *   with `restartCount` and `lastState.terminated` (exit code, reason, times).
 * - Deleting a pod sends SIGTERM to its group and SIGKILL after the grace period (capped at
 *   `maxGraceMs`), then removes it.
 * - Logs of the current and the previous container instance are kept (256 KiB each).
 */
export function startKubelet({
  store,
  podIp,
  unpullableImages = [],
  probeIntervalMs = 100,
  restartBackoffMs = 100,
  maxGraceMs = 2000,
}) {
  /** @type {Map<string, any>} pod uid → what runs for it */
  const pods = new Map();
  /** `namespace/owner` (the pod's Deployment, else the pod) → how its containers fail from now on. */
  const failing = new Map();
  const ownerKey = (pod) =>
    `${pod.metadata.namespace}/${pod.metadata.ownerReferences?.[0]?.name ?? pod.metadata.name}`;
  let closed = false;

  const unsubscribe = store.subscribe((event) => {
    if (event.resource !== 'pods' || closed) return;
    const pod = event.object;
    const tracked = pods.get(pod.metadata.uid);
    if (event.type === 'DELETED') {
      if (tracked) stopTracked(tracked, 0);
      return;
    }
    if (!tracked && pod.spec.nodeName && !pod.metadata.deletionTimestamp) startPod(pod);
  });

  function startPod(pod) {
    const container = pod.spec.containers[0];
    const tracked = {
      uid: pod.metadata.uid,
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      container,
      pod,
      process: null,
      pid: null,
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: {},
      ready: false,
      successes: 0,
      failures: 0,
      logs: [],
      previousLogs: null,
      followers: new Set(),
      timers: new Set(),
      deleting: false,
      startedAt: null,
    };
    pods.set(tracked.uid, tracked);
    writeStatus(tracked);
    later(tracked, 0, () => runContainer(tracked));
  }

  function later(tracked, ms, action) {
    const timer = setTimeout(() => {
      tracked.timers.delete(timer);
      if (!closed && !tracked.deleting) action();
    }, ms);
    tracked.timers.add(timer);
  }

  function runContainer(tracked) {
    const { container } = tracked;
    if (unpullableImages.includes(container.image)) {
      tracked.state = {
        waiting: {
          reason: tracked.state.waiting?.reason === 'ErrImagePull' ? 'ImagePullBackOff' : 'ErrImagePull',
          message: `Back-off pulling image "${container.image}": pull access denied, repository does not exist or may require authorization`,
        },
      };
      writeStatus(tracked);
      later(tracked, probeIntervalMs * 2, () => runContainer(tracked));
      return;
    }
    const env = resolveEnv(tracked);
    const expand = (text) =>
      String(text).replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name) => env[name] ?? whole);
    const argv = [...(container.command ?? []), ...(container.args ?? [])]
      .map(expand)
      .map((argument) => (argument === '0.0.0.0' ? podIp : argument));
    tracked.logs = [];
    const keepFailing = failing.get(ownerKey(tracked.pod));
    if (keepFailing) {
      tracked.startedAt = now();
      appendLog(tracked, `${keepFailing.message ?? 'fatal error'}\n`);
      return containerExited(tracked, keepFailing.exitCode ?? 1, null, 'Error');
    }
    if (argv.length === 0) {
      tracked.state = {
        waiting: {
          reason: 'CreateContainerError',
          message: 'the fake kubelet runs only containers with a command',
        },
      };
      return writeStatus(tracked);
    }
    const child = spawn(argv[0], argv.slice(1), {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    tracked.process = child;
    let failedToStart = false;
    child.on('error', (error) => {
      failedToStart = true;
      appendLog(tracked, `exec: ${error.message}\n`);
      containerExited(tracked, 128, null, 'StartError');
    });
    child.stdout.on('data', (chunk) => appendLog(tracked, chunk.toString('utf8')));
    child.stderr.on('data', (chunk) => appendLog(tracked, chunk.toString('utf8')));
    child.on('exit', (code, signal) => {
      if (failedToStart) return;
      const exitCode = code ?? 128 + (constants.signals[signal] ?? 9);
      containerExited(tracked, exitCode, signal, exitCode === 0 ? 'Completed' : 'Error');
    });
    child.on('spawn', () => {
      tracked.pid = child.pid;
      tracked.startedAt = now();
      tracked.state = { running: { startedAt: tracked.startedAt } };
      tracked.successes = 0;
      tracked.failures = 0;
      tracked.ready = !container.readinessProbe;
      writeStatus(tracked);
      if (container.readinessProbe?.httpGet) probeLater(tracked, child);
    });
  }

  function probeLater(tracked, child) {
    later(tracked, probeIntervalMs, async () => {
      if (tracked.process !== child) return;
      const probe = tracked.container.readinessProbe;
      const ok = await httpProbe(
        probe.httpGet,
        tracked.container,
        podIp,
        Math.min(1000, (probe.timeoutSeconds ?? 1) * 1000),
      );
      if (tracked.process !== child || tracked.deleting || closed) return;
      if (ok) {
        tracked.failures = 0;
        tracked.successes += 1;
        if (!tracked.ready && tracked.successes >= (probe.successThreshold ?? 1)) {
          tracked.ready = true;
          writeStatus(tracked);
        }
      } else {
        tracked.successes = 0;
        tracked.failures += 1;
        if (tracked.ready && tracked.failures >= (probe.failureThreshold ?? 3)) {
          tracked.ready = false;
          writeStatus(tracked);
        }
      }
      probeLater(tracked, child);
    });
  }

  function containerExited(tracked, exitCode, signal, reason) {
    tracked.process = null;
    tracked.pid = null;
    tracked.ready = false;
    const terminated = {
      exitCode,
      ...(signal ? { signal: constants.signals[signal] } : {}),
      reason,
      startedAt: tracked.startedAt ?? now(),
      finishedAt: now(),
      containerID: `fake://${tracked.uid}/${tracked.restartCount}`,
    };
    tracked.previousLogs = tracked.logs;
    for (const follower of tracked.followers) follower.end();
    tracked.followers.clear();
    if (tracked.deleting) return;
    const delay = restartBackoffMs * 2 ** Math.min(4, tracked.restartCount);
    tracked.lastState = { terminated };
    tracked.state = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${delay}ms restarting failed container=${tracked.container.name} pod=${tracked.name}_${tracked.namespace}(${tracked.uid})`,
      },
    };
    writeStatus(tracked);
    later(tracked, delay, () => {
      tracked.restartCount += 1;
      runContainer(tracked);
    });
  }

  function resolveEnv(tracked) {
    const env = {};
    for (const variable of tracked.container.env ?? []) {
      if (variable.value !== undefined) env[variable.name] = variable.value;
      const field = variable.valueFrom?.fieldRef?.fieldPath;
      if (field === 'status.podIP') env[variable.name] = podIp;
      if (field === 'metadata.name') env[variable.name] = tracked.name;
      if (field === 'metadata.namespace') env[variable.name] = tracked.namespace;
      if (field === 'spec.nodeName') env[variable.name] = tracked.pod.spec.nodeName;
    }
    return env;
  }

  function appendLog(tracked, text) {
    tracked.logs.push(text);
    let size = tracked.logs.reduce((sum, chunk) => sum + chunk.length, 0);
    while (size > MAX_LOG_BYTES && tracked.logs.length > 1) size -= tracked.logs.shift().length;
    for (const follower of tracked.followers) follower.write(text);
  }

  function writeStatus(tracked) {
    store.mutate('pods', tracked.namespace, tracked.name, (pod) => {
      const running = tracked.state.running !== undefined;
      const condition = (type, status) => ({
        type,
        status: status ? 'True' : 'False',
        lastTransitionTime: now(),
      });
      const keep = (type, status) => {
        const old = pod.status.conditions?.find((entry) => entry.type === type);
        return old && old.status === (status ? 'True' : 'False') ? old : condition(type, status);
      };
      pod.status = {
        ...pod.status,
        phase: running || tracked.restartCount > 0 || tracked.lastState.terminated ? 'Running' : 'Pending',
        hostIP: podIp,
        podIP: podIp,
        podIPs: [{ ip: podIp }],
        startTime: pod.status.startTime ?? now(),
        conditions: [
          keep('PodScheduled', true),
          keep('Initialized', true),
          keep('ContainersReady', tracked.ready),
          keep('Ready', tracked.ready),
        ],
        containerStatuses: [
          {
            name: tracked.container.name,
            image: tracked.container.image,
            imageID: '',
            ready: tracked.ready,
            started: running,
            restartCount: tracked.restartCount,
            state: tracked.state,
            lastState: tracked.lastState,
            ...(running ? { containerID: `fake://${tracked.uid}/${tracked.restartCount}` } : {}),
          },
        ],
      };
    });
  }

  function stopTracked(tracked, graceMs) {
    tracked.deleting = true;
    for (const timer of tracked.timers) clearTimeout(timer);
    tracked.timers.clear();
    pods.delete(tracked.uid);
    const child = tracked.process;
    return new Promise((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      // The container ends with its main process: whatever else it started goes too.
      child.once('exit', () => {
        signalGroup(child.pid, 'SIGKILL');
        resolve();
      });
      signalGroup(child.pid, graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
      if (graceMs > 0) setTimeout(() => signalGroup(child.pid, 'SIGKILL'), graceMs).unref();
    });
  }

  return {
    /** The API server's DELETE of a pod: graceful, like the real kubelet. */
    deletePod(pod, gracePeriodSeconds) {
      const tracked = pods.get(pod.metadata.uid);
      const grace = gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
      if (!tracked) {
        return store.delete('pods', pod.metadata.namespace, pod.metadata.name);
      }
      const marked = store.mutate('pods', pod.metadata.namespace, pod.metadata.name, (object) => {
        object.metadata.deletionTimestamp ??= now();
        object.metadata.deletionGracePeriodSeconds = grace;
      });
      void stopTracked(tracked, Math.min(grace * 1000, maxGraceMs)).then(() => {
        if (store.get('pods', pod.metadata.namespace, pod.metadata.name))
          store.delete('pods', pod.metadata.namespace, pod.metadata.name);
      });
      return marked;
    },

    /** Pod logs, as `GET …/pods/{name}/log` serves them. */
    logs(pod, { previous, follow, tailLines }) {
      const tracked = pods.get(pod.metadata.uid);
      if (!tracked) return { error: `pod "${pod.metadata.name}" is not running on a node` };
      const chunks = previous ? tracked.previousLogs : tracked.logs;
      if (previous && !chunks)
        return {
          error: `previous terminated container "${tracked.container.name}" in pod "${tracked.name}" not found`,
        };
      if (!previous && tracked.state.waiting && !tracked.previousLogs && tracked.logs.length === 0)
        return {
          error: `container "${tracked.container.name}" in pod "${tracked.name}" is waiting to start: ${tracked.state.waiting.reason}`,
        };
      let text = chunks.join('');
      if (tailLines !== undefined) {
        const lines = text.split('\n');
        const trailing = lines.at(-1) === '' ? lines.pop() : undefined;
        text = lines.slice(Math.max(0, lines.length - tailLines)).join('\n') + (trailing === '' ? '\n' : '');
      }
      if (!follow || previous || !tracked.process) return { text };
      return {
        text,
        follow(write, end) {
          const follower = { write, end };
          tracked.followers.add(follower);
          return () => tracked.followers.delete(follower);
        },
      };
    },

    /** What runs: each pod's name, process id and restart count. */
    pods() {
      return [...pods.values()].map((tracked) => ({
        name: tracked.name,
        namespace: tracked.namespace,
        pid: tracked.pid,
        restartCount: tracked.restartCount,
        ready: tracked.ready,
      }));
    },

    /**
     * Kill a pod's container (default SIGKILL: the kubelet restarts it). With `keepFailing`,
     * every later container of its Deployment (also in new pods of a Deployment created again
     * with the same name) exits at once with `exitCode` after printing `message` (a node whose
     * GPU broke, a model that no longer loads): CrashLoopBackOff. `heal(podName)` ends that.
     */
    kill(podName, { signal = 'SIGKILL', keepFailing } = {}) {
      const tracked = [...pods.values()].find((entry) => entry.name === podName);
      if (!tracked) throw new Error(`no pod ${podName} runs on the fake kubelet`);
      if (keepFailing) failing.set(ownerKey(tracked.pod), keepFailing);
      if (tracked.process?.pid) signalGroup(tracked.process.pid, signal);
    },

    /** Let the containers of a pod's Deployment start normally again. */
    heal(podName) {
      const tracked = [...pods.values()].find((entry) => entry.name === podName);
      if (tracked) failing.delete(ownerKey(tracked.pod));
    },

    async close() {
      closed = true;
      unsubscribe();
      await Promise.all([...pods.values()].map((tracked) => stopTracked(tracked, 0)));
    },
  };
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // gone already
  }
}

function httpProbe(httpGet, container, host, timeoutMs) {
  const port =
    typeof httpGet.port === 'number'
      ? httpGet.port
      : (container.ports ?? []).find((entry) => entry.name === httpGet.port)?.containerPort;
  return new Promise((resolve) => {
    const request = httpRequest(
      { host: httpGet.host ?? host, port, path: httpGet.path ?? '/', method: 'GET', timeout: timeoutMs },
      (response) => {
        response.resume();
        resolve(response.statusCode >= 200 && response.statusCode < 400);
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
    request.end();
  });
}
