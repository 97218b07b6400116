import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { resolveModelFile } from 'node-llama-cpp';
import type { Logger } from 'pino';
import { SHUTDOWN_GRACE_MS } from '../defaults.js';
import { ModelFileError } from '../errors.js';
import { checkGgufFile } from '../gguf/gguf-check.js';
import { createEngineApp } from '../http/create-engine-app.js';
import { EngineState } from '../http/engine-state.js';
import { EngineMetrics } from '../metrics/engine-metrics.js';
import { type HuggingFaceResolver, resolveModelPath } from '../models/resolve-model-path.js';
import { loadLlama } from '../runtime/load-llama.js';
import { loadServingModel } from '../runtime/load-serving-model.js';
import { RequestSlots } from '../scheduling/request-slots.js';
import type { EngineOptions } from './engine-options.js';

export interface RunningEngine {
  /** The bound port (the OS picks one for `--port 0`). */
  port: number;
  /** Resolves once the model serves; rejects when it cannot be loaded (bad model, no CUDA, …). */
  ready: Promise<void>;
  /** Stop taking requests, let in-flight ones finish (up to the grace period), free the model. */
  close(): Promise<void>;
}

export interface StartEngineDependencies {
  logger: Logger;
  resolveHuggingFace?: HuggingFaceResolver;
  shutdownGraceMs?: number;
}

/** How long aborted requests get to release their slots before the model is freed. */
const ABORT_SETTLE_MS = 2_000;

/** Whether nothing runs or waits within `milliseconds`. */
async function idleWithin(slots: RequestSlots, milliseconds: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), milliseconds);
  });
  const idle = await Promise.race([slots.idle().then(() => true), timeout]);
  clearTimeout(timer);
  return idle;
}

const defaultHuggingFaceResolver: HuggingFaceResolver = (uri, modelsDirectory) =>
  resolveModelFile(uri, { directory: modelsDirectory, cli: false });

/**
 * Start the engine: listen at once (so `/health` answers 503 while loading), then resolve and
 * load the model in the background.
 *
 * @example
 * const engine = await startEngine(options, { logger });
 * await engine.ready; // /health is now 200
 */
export async function startEngine(
  options: EngineOptions,
  dependencies: StartEngineDependencies,
): Promise<RunningEngine> {
  const { logger } = dependencies;
  const state = new EngineState(options.servedModelName, options.kind);
  const slots = new RequestSlots(options.parallel, options.maxQueue);
  const metrics = new EngineMetrics(options.servedModelName, slots);
  const shutdown = new AbortController();
  const app = createEngineApp({
    state,
    slots,
    metrics,
    logger,
    shutdownSignal: shutdown.signal,
    now: Date.now,
  });

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const listening = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () =>
      resolve(listening),
    );
    listening.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ host: options.host, port, kind: options.kind }, 'engine listening');

  const load = async () => {
    const started = Date.now();
    const modelPath = await resolveModelPath(
      options.model,
      options.modelsDirectory,
      dependencies.resolveHuggingFace ?? defaultHuggingFaceResolver,
    );
    // Garbage must fail here, in milliseconds, not after llama.cpp has allocated for minutes.
    const gguf = await checkGgufFile(modelPath);
    logger.debug({ modelPath, ...gguf }, 'model file checked');
    const llama = await loadLlama({ device: options.device, threads: options.threads, logger });
    const model = await loadServingModel(llama, {
      modelPath,
      kind: options.kind,
      device: options.device,
      threads: options.threads,
      contextSize: options.contextSize,
      parallel: options.parallel,
      defaultMaxTokens: options.defaultMaxTokens,
    }).catch(async (error: unknown) => {
      await llama.dispose().catch(() => {});
      const reason = error instanceof Error ? error.message : String(error);
      throw new ModelFileError(modelPath, `llama.cpp could not load it (${reason})`, error);
    });
    state.ready(model);
    metrics.markLoaded();
    logger.info(
      {
        modelPath,
        device: options.device,
        threads: options.threads,
        contextSize: model.contextSize,
        durationMs: Date.now() - started,
      },
      'model loaded; engine ready',
    );
    return llama;
  };
  const loaded = load();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      state.drain();
      logger.info({ running: slots.running, waiting: slots.waiting }, 'shutting down');
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      const grace = dependencies.shutdownGraceMs ?? SHUTDOWN_GRACE_MS;
      if (!(await idleWithin(slots, grace))) {
        logger.warn(
          { running: slots.running, waiting: slots.waiting, graceMs: grace },
          'aborting in-flight requests',
        );
        shutdown.abort();
        await idleWithin(slots, ABORT_SETTLE_MS);
      }
      const llama = await loaded.catch(() => undefined);
      await state.loadedModel()?.close();
      await llama?.dispose();
      if ('closeAllConnections' in server) server.closeAllConnections();
      await stopped;
      logger.info('engine stopped');
    })();
    return closing;
  };

  return { port, ready: loaded.then(() => undefined), close };
}
