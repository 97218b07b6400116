import type { EngineStatus } from '@sage/protocol';
import { InvalidTransitionError } from '../errors.js';

/** What can happen to an engine. */
export type EngineEvent =
  | 'healthy' // a health check passed
  | 'unhealthy' // a health check failed
  | 'restart' // the supervisor or an operator restarts it
  | 'spawned' // a (re)started process is up
  | 'drain' // stop taking traffic, finish in-flight requests
  | 'stop' // stop the process
  | 'stopped' // the process is gone
  | 'fail' // restarts exhausted or start impossible
  | 'download' // the model is not in the model cache: pull it before spawning
  | 'downloaded' // the model file is in the cache: spawn
  | 'sleep' // an idle catalog engine is put to sleep (its GPU memory is given back)
  | 'woken' // a sleeping engine woke up and answered its canary
  | 'adopted' // after a gateway restart: its launch still runs, watched again until healthy
  | 'lost'; // after a gateway restart: its launch is gone, so it is started again

/** SPEC section 6: the allowed transitions. Anything missing is an invalid transition. */
const TRANSITIONS: Record<EngineStatus, Partial<Record<EngineEvent, EngineStatus>>> = {
  // No process, port or GPU yet: the model file is being pulled into the cache.
  DOWNLOADING: {
    downloaded: 'STARTING',
    fail: 'FAILED',
    stop: 'STOPPING',
    drain: 'STOPPING',
    adopted: 'STARTING',
    lost: 'RESTARTING',
  },
  STARTING: {
    healthy: 'RUNNING',
    adopted: 'STARTING',
    lost: 'RESTARTING',
    restart: 'RESTARTING',
    fail: 'FAILED',
    stop: 'STOPPING',
    drain: 'STOPPING',
  },
  RUNNING: {
    healthy: 'RUNNING',
    adopted: 'STARTING',
    lost: 'RESTARTING',
    unhealthy: 'UNHEALTHY',
    restart: 'RESTARTING',
    fail: 'FAILED',
    drain: 'DRAINING',
    stop: 'STOPPING',
    sleep: 'SLEEPING',
  },
  UNHEALTHY: {
    healthy: 'RUNNING',
    adopted: 'STARTING',
    lost: 'RESTARTING',
    unhealthy: 'UNHEALTHY',
    restart: 'RESTARTING',
    fail: 'FAILED',
    drain: 'DRAINING',
    stop: 'STOPPING',
  },
  // Process and port kept, GPU memory given back, no traffic: woken on demand, or stopped.
  SLEEPING: {
    woken: 'RUNNING',
    fail: 'FAILED',
    drain: 'STOPPING',
    stop: 'STOPPING',
    stopped: 'STOPPED',
  },
  RESTARTING: {
    spawned: 'STARTING',
    adopted: 'STARTING',
    lost: 'RESTARTING',
    download: 'DOWNLOADING',
    fail: 'FAILED',
    stop: 'STOPPING',
    drain: 'STOPPING',
  },
  DRAINING: {
    stop: 'STOPPING',
    stopped: 'STOPPED',
    fail: 'STOPPED',
    adopted: 'STARTING',
    lost: 'RESTARTING',
  },
  STOPPING: { stopped: 'STOPPED' },
  STOPPED: { restart: 'RESTARTING', stop: 'STOPPED', stopped: 'STOPPED' },
  FAILED: { restart: 'RESTARTING', stop: 'STOPPED', stopped: 'STOPPED' },
};

/** Apply an event to a state; throws {@link InvalidTransitionError} when the table does not allow it. */
export function nextEngineStatus(from: EngineStatus, event: EngineEvent): EngineStatus {
  const to = TRANSITIONS[from][event];
  if (!to) throw new InvalidTransitionError(from, event);
  return to;
}

export function canTransition(from: EngineStatus, event: EngineEvent): boolean {
  return TRANSITIONS[from][event] !== undefined;
}
