import { describe, expect, it } from 'vitest';
import { foregroundArgs, launchAddress, parseGatewayLaunch } from './gateway-launch.js';

describe('parseGatewayLaunch', () => {
  it('sets host and port only from --host/--port (the gateway layers sage.yaml, then the environment)', () => {
    expect(parseGatewayLaunch({}, {}, '/work')).toEqual({ insecure: false });
    expect(
      parseGatewayLaunch({}, { SAGE_GATEWAY_HOST: '0.0.0.0', SAGE_GATEWAY_PORT: '9000' }, '/work'),
    ).toEqual({ insecure: false });
    expect(parseGatewayLaunch({ port: '0' }, { SAGE_GATEWAY_PORT: '9000' }, '/work').port).toBe(0);
    expect(parseGatewayLaunch({ host: '::1' }, {}, '/work').host).toBe('::1');
  });

  it('makes file paths absolute and validates the policy', () => {
    const launch = parseGatewayLaunch(
      { config: 'conf/sage.yaml', presetFile: '/etc/sage/team.yaml', policy: 'fifo', insecure: true },
      {},
      '/work',
    );
    expect(launch).toEqual({
      policy: 'fifo',
      config: '/work/conf/sage.yaml',
      presetFile: '/etc/sage/team.yaml',
      insecure: true,
    });
    // The form only: whether `fastest` is registered is the gateway module's question (validateLaunch).
    expect(parseGatewayLaunch({ policy: 'fastest' }, {}, '/work').policy).toBe('fastest');
    expect(() => parseGatewayLaunch({ policy: 'Fast est' }, {}, '/work')).toThrow(
      /^--policy: must be a scheduling policy name/,
    );
  });

  it('names the flag or the variable of a bad port and refuses two presets', () => {
    expect(() => parseGatewayLaunch({ port: 'http' }, {}, '/work')).toThrow(/^--port: /);
    expect(() => parseGatewayLaunch({}, { SAGE_GATEWAY_PORT: '99999' }, '/work')).toThrow(
      /^SAGE_GATEWAY_PORT: /,
    );
    expect(() => parseGatewayLaunch({ preset: 'local', presetFile: 'x.yaml' }, {}, '/work')).toThrow(
      'not both',
    );
  });
});

describe('launchAddress', () => {
  it('is --host/--port, else the environment, else the config file, else 127.0.0.1:8889', () => {
    const file = { host: '10.1.1.1', port: 9300 };
    expect(launchAddress({ insecure: false }, {}, {})).toEqual({ host: '127.0.0.1', port: 8889 });
    expect(launchAddress({ insecure: false }, {}, file)).toEqual(file);
    expect(launchAddress({ insecure: false }, { SAGE_GATEWAY_PORT: '9400' }, file)).toEqual({
      host: '10.1.1.1',
      port: 9400,
    });
    expect(
      launchAddress({ insecure: false, host: '::1', port: 0 }, { SAGE_GATEWAY_PORT: '9400' }, file),
    ).toEqual({ host: '::1', port: 0 });
  });
});

describe('foregroundArgs', () => {
  it('repeats the launch as `sage gateway start --foreground …` arguments', () => {
    expect(
      foregroundArgs({
        host: '127.0.0.1',
        port: 0,
        policy: 'priority',
        preset: 'local',
        config: '/c.yaml',
        insecure: false,
      }),
    ).toEqual([
      'gateway',
      'start',
      '--foreground',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--policy',
      'priority',
      '--config',
      '/c.yaml',
      '--preset',
      'local',
    ]);
    expect(foregroundArgs({ insecure: false, config: '/c.yaml' })).toEqual([
      'gateway',
      'start',
      '--foreground',
      '--config',
      '/c.yaml',
    ]);
  });
});
