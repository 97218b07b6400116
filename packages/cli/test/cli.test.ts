import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineInfoWire, GpuStatusWire } from '@sage/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, freePort, jsonOf, runSage, temporarySageHome } from './sage-process.js';

/**
 * End to end: the built `sage` binary against a real gateway it starts in the background, in a
 * temporary SAGE_HOME, with two mock GPUs and the fake engine as a custom backend.
 */

const { home, configPath } = temporarySageHome();
const env: NodeJS.ProcessEnv = {
  ...process.env,
  SAGE_HOME: home,
  SAGE_DISABLE_NVML: '1',
  SAGE_GPU_MOCK_COUNT: '2',
  SAGE_CONTROL_PLANE_URL: '',
};
let port = 0;
let apiBase = '';
const sage = (...args: string[]) => runSage(args, env);
const sageAt = (...args: string[]) => runSage([...args, '--api-base', apiBase], env);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function listEngines(): Promise<EngineInfoWire[]> {
  return jsonOf<{ engines: EngineInfoWire[] }>(await sageAt('llm', 'engine', 'list', '--json')).engines;
}

beforeAll(async () => {
  assertBuilt();
  port = await freePort();
  apiBase = `http://127.0.0.1:${port}/v1`;
  const started = await sage('gateway', 'start', '--port', String(port), '--config', configPath, '--json');
  expect(started.code, started.stderr).toBe(0);
  expect(jsonOf(started)).toMatchObject({ running: true, port, url: apiBase });
});

afterAll(async () => {
  // Whatever a failed test left behind: the gateway and its engines.
  const record = (() => {
    try {
      return JSON.parse(readFileSync(join(home, 'gateway.pid'), 'utf8')) as { pid: number };
    } catch {
      return null;
    }
  })();
  if (record && isAlive(record.pid)) await sage('gateway', 'stop');
});

describe('sage gateway', () => {
  it('status reports the background gateway as running and healthy', async () => {
    const result = await sage('gateway', 'status', '--json');
    expect(result.code, result.stderr).toBe(0);
    const status = jsonOf(result);
    // No engine yet: the gateway answers, and says it cannot serve anything.
    expect(status).toMatchObject({
      running: true,
      managed: true,
      healthy: true,
      health: 'unavailable',
      engines_running: 0,
      url: apiBase,
      port,
    });
    expect(isAlive(status.pid as number)).toBe(true);
    const human = await sage('gateway', 'status');
    expect(human.stdout).toContain(`${apiBase} (unavailable: no engine RUNNING)`);
  });

  it('refuses a second start from the same state directory', async () => {
    const result = await sage('gateway', 'start', '--port', String(await freePort()), '--config', configPath);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('a gateway is already running');
  });

  it('logs prints the tail of gateway.log', async () => {
    const result = await sage('gateway', 'logs', '-n', '5', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(jsonOf(result)).toMatchObject({ log_path: join(home, 'gateway.log') });
  });
});

describe('sage llm engine start in GPU mock mode', () => {
  const cases = [
    { kind: 'llm', flag: '--use-gpu', gpu: true },
    { kind: 'llm', flag: '--no-gpu', gpu: false },
    { kind: 'llm', flag: null, gpu: true },
    { kind: 'embedding', flag: '--use-gpu', gpu: true },
    { kind: 'embedding', flag: '--no-gpu', gpu: false },
    { kind: 'embedding', flag: null, gpu: false },
  ] as const;

  it('gives GPUs and --device by kind and --use-gpu / --no-gpu, as engine list --json shows', async () => {
    // The six starts run at once (each CLI call mostly waits for its engine to become RUNNING).
    const started = await Promise.all(
      cases.map(async (testCase) => {
        const label = `${testCase.kind}-${testCase.flag?.slice(2) ?? 'default'}`;
        const result = await sageAt(
          'llm',
          'engine',
          'start',
          `fake/${label}`,
          '--engine-kind',
          testCase.kind,
          '--backend',
          'fake',
          '--required-memory-gb',
          '1',
          '--label',
          label,
          ...(testCase.flag ? [testCase.flag] : []),
          '--wait',
          '--json',
        );
        expect(result.code, `${label}: ${result.stderr}`).toBe(0);
        const engine = jsonOf<EngineInfoWire>(result);
        expect(engine.status).toBe('RUNNING');
        return { engineId: engine.engine_id, gpu: testCase.gpu };
      }),
    );
    const engines = await listEngines();
    for (const { engineId, gpu } of started) {
      const engine = engines.find((candidate) => candidate.engine_id === engineId);
      expect(engine, engineId).toBeDefined();
      const deviceFlag = engine!.command[engine!.command.indexOf('--device') + 1];
      if (gpu) {
        expect(engine!.gpu_ids.length, engine!.engine_label ?? '').toBeGreaterThan(0);
        expect(deviceFlag).toBe('cuda');
      } else {
        expect(engine!.gpu_ids, engine!.engine_label ?? '').toEqual([]);
        expect(deviceFlag).toBe('cpu');
      }
    }

    const gpus = jsonOf<{ gpus: GpuStatusWire[]; mock: boolean }>(await sageAt('llm', 'gpu', '--json'));
    expect(gpus.mock).toBe(true);
    expect(gpus.gpus).toHaveLength(2);
    const onGpus = gpus.gpus.flatMap((gpu) => gpu.engine_ids);
    for (const { engineId, gpu } of started) expect(onGpus.includes(engineId)).toBe(gpu);

    const table = await sageAt('llm', 'engine', 'list');
    expect(table.stdout).toMatch(
      /^ID\s+MODEL\s+KIND\s+BACKEND\s+STATE\s+PORT\s+GPUS\s+PID\s+UPTIME\s+RESTARTS/,
    );
    expect(table.stdout).toContain('CPU');
  });

  it('status, logs, stop and prune work on those engines', async () => {
    const status = jsonOf<{ engines: EngineInfoWire[]; scheduling_policy: string }>(
      await sageAt('llm', 'status', '--json'),
    );
    expect(status.engines.length).toBeGreaterThanOrEqual(6);
    expect(status.scheduling_policy).toBe('adaptive');

    const [first] = await listEngines();
    const logs = jsonOf<{ engine_id: string; lines: string[] }>(
      await sageAt('llm', 'engine', 'logs', first!.engine_id, '-n', '5', '--json'),
    );
    expect(logs.engine_id).toBe(first!.engine_id);
    expect(logs.lines.length).toBeGreaterThan(0);

    const stopped = await sageAt('llm', 'engine', 'stop', first!.engine_id);
    expect(stopped.code, stopped.stderr).toBe(0);
    const pruned = jsonOf<{ removed: string[] }>(await sageAt('llm', 'engine', 'prune', '--json'));
    expect(pruned.removed).toContain(first!.engine_id);

    const missing = await sageAt('llm', 'engine', 'stop', 'engine-nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('HTTP 404');
  });

  it('--wait on an engine that cannot start exits 1 with its log tail', async () => {
    const result = await sageAt(
      'llm',
      'engine',
      'start',
      'fake/broken',
      '--backend',
      'fake',
      '--no-gpu',
      '--extra-arg',
      '--exit-at-start',
      '--extra-arg',
      '1',
      '--wait',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('FAILED');
    expect(result.stderr).toContain('refusing to start');
  });
});

describe('sage llm preset apply', () => {
  function writePreset(name: string): string {
    const path = join(home, `${name}.yaml`);
    writeFileSync(
      path,
      [
        'version: 1',
        `name: ${name}`,
        'engines:',
        '  - name: good',
        '    model: fake/good',
        '    backend: fake',
        '    use_gpu: false',
        '  - name: bad',
        '    model: fake/bad',
        '    backend: fake',
        '    use_gpu: false',
        "    extra_args: ['--exit-at-start', '1']",
        '',
      ].join('\n'),
    );
    return path;
  }

  it('--dry-run prints the plan and starts nothing', async () => {
    const result = await sageAt(
      'llm',
      'preset',
      'apply',
      '--file',
      writePreset('plan-only'),
      '--dry-run',
      '--json',
    );
    expect(result.code, result.stderr).toBe(0);
    expect(jsonOf<{ engines: unknown[] }>(result).engines).toHaveLength(2);
    expect((await listEngines()).some((engine) => engine.metadata?.preset === 'plan-only')).toBe(false);
  });

  it('rolls back the engines it started when one fails, and exits 1', async () => {
    const result = await sageAt('llm', 'preset', 'apply', '--file', writePreset('rollback'), '--yes');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/good\s+fake\/good/);
    expect(result.stderr).toContain('preset rollback was not applied');
    expect(result.stderr).toContain("engine 'bad'");
    const engines = (await listEngines()).filter((engine) => engine.metadata?.preset === 'rollback');
    const good = engines.filter((engine) => engine.model_id === 'fake/good');
    expect(good.length).toBeGreaterThan(0);
    for (const engine of good) expect(engine.status).toBe('STOPPED');
  });

  it('--no-rollback keeps the engines that started', async () => {
    const result = await sageAt(
      'llm',
      'preset',
      'apply',
      '--file',
      writePreset('keep'),
      '--yes',
      '--no-rollback',
    );
    expect(result.code).toBe(1);
    const good = (await listEngines()).filter(
      (engine) => engine.metadata?.preset === 'keep' && engine.model_id === 'fake/good',
    );
    // Not rolled back: still up (or, on a loaded machine, restarting), never STOPPED.
    expect(good, 'the good engine').toHaveLength(1);
    expect(good[0]?.status, good[0]?.last_error ?? '').not.toBe('STOPPED');
  });
});

describe('sage gateway stop', () => {
  it('stops the gateway and its engines; then commands exit 3 with the hint', async () => {
    const running = (await listEngines()).filter(
      (engine) => engine.status === 'RUNNING' && engine.pid !== null,
    );
    expect(running.length).toBeGreaterThan(0);
    const stopped = await sage('gateway', 'stop', '--json');
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(jsonOf(stopped)).toMatchObject({ stopped: true, engines_stopped: true });
    for (const engine of running) expect(isAlive(engine.pid!), engine.engine_id).toBe(false);

    const list = await sageAt('llm', 'engine', 'list');
    expect(list.code).toBe(3);
    expect(list.stderr).toBe(
      `sage: no gateway at ${apiBase} — start one with \`sage gateway start\` (or \`sage llm serve\`)\n`,
    );
    const status = await sage('gateway', 'status', '--json');
    expect(status.code).toBe(3);
    expect(jsonOf(status)).toMatchObject({ running: false });
    const again = await sage('gateway', 'stop');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('no gateway is running');
  });
});
