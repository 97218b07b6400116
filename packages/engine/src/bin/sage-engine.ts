#!/usr/bin/env node
import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';
import { ENGINE_EXIT_CODES, resolveStateDir, SageError } from '@sage/protocol';
import { CommanderError } from 'commander';
import { parseEngineArguments } from '../cli/program.js';
import { defaultThreads } from '../defaults.js';
import { exitCodeFor } from '../exit-code.js';
import { createEngineLogger } from '../logger.js';
import type { EngineOptions } from '../server/engine-options.js';
import { startEngine } from '../server/start-engine.js';

/**
 * Exit codes (docs/engines.md, "Exit codes"): 0 clean stop; 1 an unexpected failure (restarted);
 * 2 bad command line or model spec, 65 a model file that is not a model, 66 a model that does
 * not exist here, 78 a host that cannot run it as asked (no CUDA): not startable, so the control
 * plane marks the engine FAILED at once instead of retrying.
 */
const EXIT_FAILURE = ENGINE_EXIT_CODES.crashed;
const EXIT_USAGE = ENGINE_EXIT_CODES.usage;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function parseArguments(): EngineOptions {
  const sageHome = resolveStateDir(process.env, homedir());
  try {
    return parseEngineArguments(process.argv.slice(2), {
      availableCores: availableParallelism(),
      defaultModelsDirectory: join(sageHome, 'models'),
      defaultThreads,
    });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (or the help).
      process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
    }
    console.error(`sage-engine: ${messageOf(error)}`);
    process.exit(EXIT_USAGE);
  }
}

async function main(): Promise<void> {
  const options = parseArguments();
  const logger = createEngineLogger(options.servedModelName);
  const engine = await startEngine(options, { logger }).catch((error: unknown) => {
    logger.fatal({ err: error }, 'engine could not listen');
    console.error(`sage-engine: cannot listen on ${options.host}:${options.port}: ${messageOf(error)}`);
    process.exit(EXIT_FAILURE);
  });

  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'signal received, closing');
    engine.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'close failed');
        process.exit(EXIT_FAILURE);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  engine.ready.catch(async (error: unknown) => {
    const known = SageError.isInstance(error);
    logger.fatal({ err: error }, known ? messageOf(error) : `model load failed: ${messageOf(error)}`);
    console.error(`sage-engine: ${known ? '' : 'model load failed: '}${messageOf(error)}`);
    await engine.close().catch(() => {});
    process.exit(exitCodeFor(error));
  });
}

void main();
