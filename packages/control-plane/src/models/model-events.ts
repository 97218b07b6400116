/** Why a model was loaded. */
/** `group`: a model of a `together` group was loaded. */
export type ModelLoadReason = 'request' | 'preload' | 'min-replicas' | 'scale-up' | 'manual' | 'group';
/** Why an engine of a model was stopped. */
export type ModelUnloadReason = 'idle-ttl' | 'scale-down' | 'evicted' | 'manual';

/** Reported by the model layer for logs and metrics (`manager.on('model-event')`). */
export type ModelEvent =
  | { type: 'load'; model: string; engineId: string; reason: ModelLoadReason; durationMs: number }
  | { type: 'load-failed'; model: string; reason: ModelLoadReason; error: string }
  | {
      type: 'unload';
      model: string;
      engineId: string;
      reason: ModelUnloadReason;
      /** For `evicted`: the model that needed the memory. */
      forModel?: string | undefined;
    }
  /** An idle or evicted engine fell asleep instead of stopping (its GPU memory is free). */
  | {
      type: 'sleep';
      model: string;
      engineId: string;
      reason: Extract<ModelUnloadReason, 'idle-ttl' | 'evicted'>;
      forModel?: string | undefined;
    }
  /** A sleeping engine was woken for `reason` (`ok: false`: it could not be, and was stopped). */
  | {
      type: 'wake';
      model: string;
      engineId: string;
      reason: ModelLoadReason;
      ok: boolean;
      durationMs: number;
    };
