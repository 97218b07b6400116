import { getLlama, type Llama, LlamaLogLevel } from 'node-llama-cpp';
import type { Logger } from 'pino';
import { CudaUnavailableError } from '../errors.js';

export type Device = 'cpu' | 'cuda';

export interface LoadLlamaOptions {
  device: Device;
  threads: number;
  logger: Logger;
}

/** llama.cpp's log levels mapped onto pino's. */
function forwardLog(logger: Logger): (level: LlamaLogLevel, message: string) => void {
  return (level, message) => {
    const text = message.trimEnd();
    if (text === '') return;
    if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal)
      logger.error({ source: 'llama.cpp' }, text);
    else if (level === LlamaLogLevel.warn) logger.warn({ source: 'llama.cpp' }, text);
    else logger.debug({ source: 'llama.cpp' }, text);
  };
}

/**
 * The llama.cpp binding for a device. `cpu` never touches a GPU. `cuda` uses node-llama-cpp's
 * prebuilt CUDA binary and fails with {@link CudaUnavailableError} when it is missing or sees no
 * device; it never falls back to CPU. Neither builds llama.cpp from source (`build: 'never'`).
 */
export async function loadLlama(options: LoadLlamaOptions): Promise<Llama> {
  const common = {
    build: 'never',
    maxThreads: options.threads,
    logLevel: LlamaLogLevel.warn,
    logger: forwardLog(options.logger),
    progressLogs: false,
  } as const;
  if (options.device === 'cpu') return getLlama({ ...common, gpu: false });

  let llama: Llama;
  try {
    llama = await getLlama({ ...common, gpu: 'cuda' });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CudaUnavailableError(`node-llama-cpp's CUDA binary could not be loaded (${reason})`, error);
  }
  const devices = llama.gpu === 'cuda' ? await llama.getGpuDeviceNames() : [];
  if (llama.gpu !== 'cuda' || devices.length === 0) {
    await llama.dispose();
    const visible = process.env.CUDA_VISIBLE_DEVICES;
    throw new CudaUnavailableError(
      `no usable CUDA device (CUDA_VISIBLE_DEVICES=${visible === undefined ? '(unset)' : `'${visible}'`})`,
    );
  }
  options.logger.info({ devices }, 'using CUDA');
  return llama;
}
