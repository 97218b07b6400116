import { describe, expect, it } from 'vitest';
import { FakeProcessTable } from './__fixtures__/fake-process-table.js';
import { LocalEngineProcesses } from './local-engine-processes.js';

const home = '/var/sage';
const marked = (engineId: string, nonce: string, otherHome = home) => ({
  SAGE_ENGINE_ID: engineId,
  SAGE_ENGINE_NONCE: nonce,
  SAGE_ENGINE_HOME: otherHome,
  PATH: '/usr/bin',
});

describe('LocalEngineProcesses', () => {
  it('recognises an engine that a shim or wrapper re-exec-ed, by pid and start time, whatever its argv', () => {
    const table = new FakeProcessTable([
      { pid: 100, startTicks: 500, argv: ['/root/.pyenv/versions/3.11.7/bin/python3', 'server.py'] },
    ]);
    const processes = new LocalEngineProcesses({ home, table });
    const identity = {
      engineId: 'e1',
      nonce: 'n1',
      pid: 100,
      processStart: 'boot-1:500',
      command: ['python3', 'server.py'],
    };
    expect(processes.check(identity)).toEqual({ verdict: 'same', pid: 100, processStart: 'boot-1:500' });
  });

  it('does not take a reused pid for the engine, and finds the launch by its nonce instead', () => {
    const table = new FakeProcessTable([
      { pid: 100, startTicks: 900, argv: ['bash'] },
      { pid: 200, startTicks: 600, env: marked('e1', 'n1') },
    ]);
    const processes = new LocalEngineProcesses({ home, table });
    const identity = { engineId: 'e1', nonce: 'n1', pid: 100, processStart: 'boot-1:500' };
    expect(processes.check(identity)).toEqual({ verdict: 'same', pid: 200, processStart: 'boot-1:600' });
    table.remove(200);
    expect(processes.check(identity)).toEqual({ verdict: 'gone' });
  });

  it('reports the workers of a launch whose spawned process is gone', () => {
    const table = new FakeProcessTable([{ pid: 101, pgid: 100, ppid: 1, env: marked('e1', 'n1') }]);
    const processes = new LocalEngineProcesses({ home, table });
    expect(processes.check({ engineId: 'e1', nonce: 'n1', pid: 100, processStart: 'boot-1:500' })).toEqual({
      verdict: 'workers-only',
      pgid: 100,
    });
  });

  it('checks a launch without a recorded start time by its markers', () => {
    const table = new FakeProcessTable([{ pid: 100, env: marked('e1', 'n1') }]);
    const processes = new LocalEngineProcesses({ home, table });
    expect(processes.check({ engineId: 'e1', nonce: 'n1', pid: 100, processStart: null }).verdict).toBe(
      'same',
    );
    expect(processes.check({ engineId: 'e1', nonce: 'other', pid: 100, processStart: null }).verdict).toBe(
      'gone',
    );
  });

  it('checks a record from before markers by its exact command line only', () => {
    const table = new FakeProcessTable([{ pid: 100, argv: ['node', 'engine.js'] }]);
    const processes = new LocalEngineProcesses({ home, table });
    const legacy = { engineId: 'e1', nonce: null, pid: 100, processStart: null };
    expect(processes.check({ ...legacy, command: ['node', 'engine.js'] }).verdict).toBe('same');
    expect(processes.check({ ...legacy, command: ['node', 'other.js'] }).verdict).toBe('gone');
  });

  it('lists the launches of its own state directory only, one per nonce, led by the spawned process', () => {
    const table = new FakeProcessTable([
      { pid: 100, env: marked('e1', 'n1') },
      { pid: 101, pgid: 100, ppid: 100, env: marked('e1', 'n1') },
      { pid: 300, pgid: 300, env: marked('e2', 'n2', '/home/other/.sage') },
      { pid: 400, env: { PATH: '/usr/bin' } },
      { pid: 501, pgid: 500, startTicks: 7, env: { ...marked('e3', 'n3'), SAGE_ENGINE_SPEC: 'abc' } },
      { pid: 502, pgid: 500, state: 'Z', env: marked('e3', 'n3') },
    ]);
    const launches = new LocalEngineProcesses({ home, table }).list();
    expect(launches).toEqual([
      {
        engineId: 'e1',
        nonce: 'n1',
        pid: 100,
        pgid: 100,
        pids: [100, 101],
        leaderAlive: true,
        processStart: 'boot-1:1000',
        spec: undefined,
      },
      {
        engineId: 'e3',
        nonce: 'n3',
        pid: 501,
        pgid: 500,
        pids: [501],
        leaderAlive: false,
        processStart: 'boot-1:7',
        spec: 'abc',
      },
    ]);
  });

  it('marks nothing and finds nothing without a state directory', () => {
    const table = new FakeProcessTable([{ pid: 100, env: marked('e1', 'n1') }]);
    const processes = new LocalEngineProcesses({ table });
    expect(processes.markers('e1', 'n1')).toEqual({});
    expect(processes.list()).toEqual([]);
  });
});
