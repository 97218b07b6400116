import {
  type EngineInfoWire,
  type EngineStartRequest,
  type EngineStartRequestWire,
  toWire,
} from '@sage/protocol';
import type { Command } from 'commander';
import type { ManagementClient } from '../../../api/management-types.js';
import type { CliContext } from '../../../context.js';
import { CLI_DEFAULTS } from '../../../defaults.js';
import { usageError } from '../../../errors.js';
import {
  EngineKindFlag,
  EnginePortFlag,
  GpuIdsFlag,
  NonEmptyFlag,
  PositiveIntegerFlag,
  PositiveNumberFlag,
  parseFlag,
  parseOptionalFlag,
} from '../../../input/flags.js';
import type { Output } from '../../../output/print.js';
import { outputFor, realSleep, type Sleep, withApiBase, withClient, withJson } from '../../shared-options.js';
import { describeEngine, failUnlessRunning, waitForEngine } from './wait-for-engine.js';

/** `sage llm engine start` flags as commander hands them over. */
export interface EngineStartFlags {
  engineKind?: string;
  backend?: string;
  /** `--use-gpu`. */
  useGpu?: boolean;
  /** `--no-gpu` sets this to false (commander's negated option). */
  gpu?: boolean;
  enginePort?: string;
  tensorParallel?: string;
  pipelineParallel?: string;
  requiredMemoryGb?: string;
  gpuIds?: string;
  label?: string;
  maxConcurrent?: string;
  extraArg?: string[];
  wait?: boolean;
  json?: boolean;
  apiBase?: string;
}

/**
 * The `POST /v1/management/engines` body for `sage llm engine start MODEL …`, validated.
 * `--use-gpu` → `use_gpu: true`, `--no-gpu` → `false`, neither → absent (the kind decides).
 */
export function buildEngineStartRequest(model: string, flags: EngineStartFlags): EngineStartRequestWire {
  if (flags.useGpu === true && flags.gpu === false)
    throw usageError('--use-gpu and --no-gpu exclude each other');
  const request: Partial<EngineStartRequest> = {
    modelId: parseFlag('MODEL', NonEmptyFlag, model),
    engineKind: parseOptionalFlag('--engine-kind', EngineKindFlag, flags.engineKind),
    backend: parseOptionalFlag('--backend', NonEmptyFlag, flags.backend),
    useGpu: flags.useGpu === true ? true : flags.gpu === false ? false : undefined,
    port: parseOptionalFlag('--engine-port', EnginePortFlag, flags.enginePort),
    tensorParallelSize: parseOptionalFlag('--tensor-parallel', PositiveIntegerFlag, flags.tensorParallel),
    pipelineParallelSize: parseOptionalFlag(
      '--pipeline-parallel',
      PositiveIntegerFlag,
      flags.pipelineParallel,
    ),
    requiredMemoryGb: parseOptionalFlag('--required-memory-gb', PositiveNumberFlag, flags.requiredMemoryGb),
    gpuIds: parseOptionalFlag('--gpu-ids', GpuIdsFlag, flags.gpuIds),
    engineLabel: parseOptionalFlag('--label', NonEmptyFlag, flags.label),
    maxConcurrentRequests: parseOptionalFlag('--max-concurrent', PositiveIntegerFlag, flags.maxConcurrent),
    extraArgs: flags.extraArg !== undefined && flags.extraArg.length > 0 ? [...flags.extraArg] : undefined,
  };
  // The wire form at the boundary: undefined fields drop out, so the gateway's defaults apply.
  return toWire<EngineStartRequestWire>(request);
}

export interface StartEngineOptions {
  wait: boolean;
  sleep?: Sleep;
  pollIntervalMs?: number;
}

/**
 * Start an engine. With `wait`, follow its state (a spinner on a terminal) until RUNNING, or
 * until FAILED: then print it, its last error and its log tail, and throw (exit code 1).
 */
export async function startEngine(
  client: ManagementClient,
  output: Output,
  request: EngineStartRequestWire,
  options: StartEngineOptions,
): Promise<EngineInfoWire> {
  const engine = await client.startEngine(request);
  if (!options.wait) {
    output.result(engine, () => `${describeEngine(engine)}\n(\`sage llm engine list\` shows its state)`);
    return engine;
  }
  const final = await waitForEngine(client, output, engine, {
    sleep: options.sleep ?? realSleep,
    pollIntervalMs: options.pollIntervalMs ?? CLI_DEFAULTS.enginePollIntervalMs,
  });
  output.result(final, () => describeEngine(final));
  await failUnlessRunning(client, output, final);
  return final;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function registerEngineStart(parent: Command, context: CliContext): void {
  const command = parent
    .command('start')
    .description('start an engine for MODEL')
    .argument('<model>', 'model id, e.g. Qwen/Qwen2.5-0.5B-Instruct or sage/tiny-chat')
    .option('--engine-kind <kind>', 'llm or embedding (default: llm)')
    .option(
      '--backend <name>',
      'engine backend: a built-in one or one from sage.yaml (an unknown name lists them)',
    )
    .option('--use-gpu', 'give the engine a GPU whatever its kind')
    .option(
      '--no-gpu',
      'never give the engine a GPU (default: LLM engines get one, embedding engines do not)',
    )
    .option('--engine-port <n>', 'engine port (default: the control plane picks one)')
    .option('--tensor-parallel <n>', 'tensor parallel size (GPUs per stage, default: 1)')
    .option('--pipeline-parallel <n>', 'pipeline parallel size (default: 1)')
    .option('--required-memory-gb <x>', 'GPU memory to reserve per GPU (default: estimated from the model)')
    .option('--gpu-ids <ids>', 'pin to these GPU indices, e.g. 0,1')
    .option('--label <label>', 'engine label (requests may name it instead of the model)')
    .option('--max-concurrent <n>', 'requests the engine serves at once')
    .option('--extra-arg <arg>', 'extra argument for the engine process (repeatable)', collect)
    .option('--wait', 'wait until the engine is RUNNING (or FAILED: print its log tail, exit 1)');
  withJson(withApiBase(command)).action(async (model: string, flags: EngineStartFlags) => {
    const request = buildEngineStartRequest(model, flags);
    const output = outputFor(context, flags);
    await withClient(context, flags, (client) =>
      startEngine(client, output, request, { wait: flags.wait === true }),
    );
  });
}
