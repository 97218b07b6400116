import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CustomBackendOptions } from '@sage/control-plane';
import { fakeEnginePath, fakeVllmBinDir, fakeVllmPath } from '@sage/testing';

/** How an engine is started: the command template of a custom backend, or a built-in backend. */
export interface EngineWrapper {
  name: string;
  /** The backend a start request names. */
  backend: string;
  /** A custom backend to declare (none for built-in backends). */
  customBackend?: CustomBackendOptions;
  model: string;
  /** Start it on a (mock) GPU (vLLM serves LLMs on GPUs). */
  useGpu: boolean;
  python: boolean;
  /** An embedding engine (answers /v1/embeddings); default an LLM. */
  kind?: 'llm' | 'embedding';
}

/**
 * The hf-embed server needs torch and transformers, and a model it can load offline
 * (`SAGE_TEST_HF_EMBED_MODEL`: a local folder or a cached id); without them that case is skipped.
 */
const hfEmbedModel =
  process.env.SAGE_TEST_HF_EMBED_MODEL &&
  spawnSync('python3', ['-c', 'import torch, transformers'], { stdio: 'ignore' }).status === 0
    ? process.env.SAGE_TEST_HF_EMBED_MODEL
    : undefined;

const engineArgs = ['--host', '{host}', '--port', '{port}', '--model', '{model}'];

/**
 * Wrappers operators put in front of engines, each making `/proc/<pid>/cmdline` differ from the
 * argv the control plane spawned: a shebang script, a shell `exec` wrapper, a shell wrapper that
 * keeps running as the parent (no `exec`), a Python server through a `python3` shim that execs
 * the real interpreter by its absolute path (as pyenv and venv shims do), and the built-in `vllm` backend running the fake `vllm` console script.
 */
export function engineWrappers(): EngineWrapper[] {
  const dir = mkdtempSync(join(tmpdir(), 'sage-wrappers-'));
  const script = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    chmodSync(path, 0o755);
    return path;
  };
  const shebang = script(
    'fake-engine-shebang',
    `#!/usr/bin/env node\nawait import(${JSON.stringify(pathToFileURL(fakeEnginePath).href)});\n`,
  );
  const execWrapper = script(
    'fake-engine-exec',
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(fakeEnginePath)} "$@"\n`,
  );
  const forkWrapper = script(
    'fake-engine-fork',
    `#!/bin/sh\n${JSON.stringify(process.execPath)} ${JSON.stringify(fakeEnginePath)} "$@"\n`,
  );
  // A pyenv/venv-style shim: `python3` is a script that execs the real interpreter by its
  // absolute path, so the engine's cmdline names that interpreter, not what was spawned.
  mkdirSync(join(dir, 'shims'));
  const python3Shim = script(
    join('shims', 'python3'),
    `#!/bin/sh\nexec ${JSON.stringify(realPython3())} "$@"\n`,
  );
  return [
    {
      name: 'shebang',
      backend: 'shebang',
      customBackend: { name: 'shebang', command: [shebang, ...engineArgs] },
      model: 'wrapped/shebang',
      useGpu: false,
      python: false,
    },
    {
      name: 'exec-wrapper',
      backend: 'exec-wrapper',
      customBackend: { name: 'exec-wrapper', command: [execWrapper, ...engineArgs] },
      model: 'wrapped/exec',
      useGpu: false,
      python: false,
    },
    {
      name: 'fork-wrapper',
      backend: 'fork-wrapper',
      customBackend: { name: 'fork-wrapper', command: [forkWrapper, ...engineArgs] },
      model: 'wrapped/fork',
      useGpu: false,
      python: false,
    },
    {
      name: 'python3-shim',
      backend: 'python3-shim',
      customBackend: {
        name: 'python3-shim',
        command: [python3Shim, fakeVllmPath, 'serve', '{model}', '--host', '{host}', '--port', '{port}'],
      },
      model: 'wrapped/python',
      useGpu: false,
      python: true,
    },
    { name: 'vllm', backend: 'vllm', model: 'Qwen/Qwen2.5-0.5B-Instruct', useGpu: true, python: true },
    // The hf-embed server through the machine's python3, where torch and a model are at hand.
    ...(hfEmbedModel
      ? [
          {
            name: 'hf-embed',
            backend: 'hf-embed',
            model: hfEmbedModel,
            useGpu: false,
            python: true,
            kind: 'embedding' as const,
          },
        ]
      : []),
  ];
}

/** The interpreter `python3` resolves to (through any pyenv shim), or `python3` when absent. */
function realPython3(): string {
  try {
    return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  } catch {
    return 'python3';
  }
}

/** An engine environment where `vllm` is the fake console script, loading for `loadMs`. */
export function wrapperEnv(base: NodeJS.ProcessEnv, loadMs = 600): NodeJS.ProcessEnv {
  return { ...base, PATH: `${fakeVllmBinDir}:${base.PATH ?? ''}`, FAKE_VLLM_LOAD_MS: String(loadMs) };
}

/** Live processes carrying the engine marker of the control plane over `stateDir`, from /proc. */
export function markedProcesses(stateDir: string): Array<{ pid: number; engineId: string }> {
  const found: Array<{ pid: number; engineId: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let environ: string[];
    let stat: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
    if (!environ.includes(`SAGE_ENGINE_HOME=${stateDir}`)) continue;
    const id = environ.find((variable) => variable.startsWith('SAGE_ENGINE_ID='));
    found.push({ pid: Number(entry), engineId: id?.slice('SAGE_ENGINE_ID='.length) ?? '' });
  }
  return found.sort((a, b) => a.pid - b.pid);
}

/** The live argv of a process. */
export function commandLineOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0$/, '').split('\0');
}

/** A gateway in a child process (built packages), for kill -9. */
export async function startChildGateway(input: {
  stateDir: string;
  portRange: unknown;
  backends: CustomBackendOptions[];
  env: NodeJS.ProcessEnv;
  options: Record<string, unknown>;
}): Promise<{ pid: number; url: string }> {
  const script = new URL('./child-gateway.mjs', import.meta.url);
  const child = spawn(process.execPath, [script.pathname, JSON.stringify(input)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  child.unref();
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`child gateway did not start: ${output}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /READY (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`child gateway exited with ${code}: ${output}`)));
  });
  child.stdout?.destroy();
  return { pid: child.pid as number, url };
}
