import type { CachedModel, DownloadProgress } from '@sage/protocol';
import type { ModelPuller } from '../models/model-puller.js';

/**
 * The model downloads of DOWNLOADING engines: one per engine, with its latest progress (for
 * `EngineInfo.download`) and a way to cancel it when the engine is stopped.
 */
export class EngineDownloads {
  private readonly active = new Map<
    string,
    { controller: AbortController; progress: DownloadProgress | null }
  >();

  constructor(
    private readonly puller: ModelPuller,
    /** Called on every progress report (the manager emits it as an event). */
    private readonly onProgress: (engineId: string, progress: DownloadProgress) => void = () => {},
  ) {}

  /** Pull the engine's model; resolves with the cache entry, rejects with a ModelPullError. */
  async run(engineId: string, modelId: string): Promise<CachedModel> {
    this.cancel(engineId);
    const controller = new AbortController();
    const download = { controller, progress: null as DownloadProgress | null };
    this.active.set(engineId, download);
    try {
      return await this.puller.pull(
        { ref: modelId },
        {
          signal: controller.signal,
          onEvent: (event) => {
            if (event.type === 'resolved') {
              download.progress = {
                ref: event.ref,
                downloadedBytes: 0,
                totalBytes: event.totalBytes,
                bytesPerSecond: 0,
                etaSeconds: null,
              };
            } else if (event.type === 'progress') {
              const { type: _type, ...progress } = event;
              download.progress = progress;
              this.onProgress(engineId, progress);
            }
          },
        },
      );
    } finally {
      if (this.active.get(engineId) === download) this.active.delete(engineId);
    }
  }

  /** The latest progress of the engine's download, or null when none runs. */
  progress(engineId: string): DownloadProgress | null {
    const download = this.active.get(engineId);
    if (!download) return null;
    return (
      download.progress ?? {
        ref: '',
        downloadedBytes: 0,
        totalBytes: null,
        bytesPerSecond: 0,
        etaSeconds: null,
      }
    );
  }

  /** Stop the engine's download (the partial file stays, so a later pull resumes). */
  cancel(engineId: string): void {
    this.active.get(engineId)?.controller.abort();
    this.active.delete(engineId);
  }

  cancelAll(): void {
    for (const engineId of [...this.active.keys()]) this.cancel(engineId);
  }
}
