/** Health and restart settings of one recovery configuration. */
export interface RecoverySettings {
  name: string;
  healthCheckIntervalMs: number;
  restartBackoffBaseMs: number;
  readinessPollMs: number;
  consecutiveFailuresThreshold: number;
  /** How often the supervisor samples engine processes (a frozen one is found by its state). */
  processSampleIntervalMs: number;
}

/** How the engine is made to fail: killed (`kill -9`) or frozen (`kill -STOP`, as a GPU hang looks from outside). */
export type RecoveryFault = 'SIGKILL' | 'SIGSTOP';

/** One kill -9, in ms from the kill. */
export interface RecoveryTrial {
  /** The gateway saw the engine go (state RESTARTING). */
  detectedMs: number;
  /** The new process was spawned (state STARTING): detection + backoff + spawn. */
  respawnedMs: number;
  /** The engine passed its readiness check (state RUNNING). */
  readyMs: number;
  /** The first 200 answer through the gateway for the model. */
  servingMs: number;
  /** Requests the poller sent while the engine was gone, and how they were answered. */
  answers: Record<string, number>;
}

export interface RecoveryResult {
  settings: RecoverySettings;
  fault: RecoveryFault;
  /** Median ms from the start request (management API) to RUNNING of the same engines, in the same run. */
  coldStartMs: number;
  trials: RecoveryTrial[];
  medianServingMs: number;
  /** Median time to serve again ÷ the configured backoff (the floor a restart cannot beat). */
  servingOverBackoff: number;
  /** Median time to serve again ÷ a cold start of the same engine. */
  servingOverColdStart: number;
  /** Median time to serve again ÷ that of kill -9 with the same settings, in the same run. */
  servingOverKill: number;
}
