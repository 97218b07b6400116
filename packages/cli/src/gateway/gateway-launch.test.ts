import { describe, expect, it } from 'vitest';
import { foregroundArgs, parseGatewayLaunch } from './gateway-launch.js';

describe('parseGatewayLaunch', () => {
  it('defaults to SAGE_GATEWAY_HOST/PORT, then 127.0.0.1:8889', () => {
    expect(parseGatewayLaunch({}, {}, '/work')).toEqual({ host: '127.0.0.1', port: 8889, insecure: false });
    expect(
      parseGatewayLaunch({}, { SAGE_GATEWAY_HOST: '0.0.0.0', SAGE_GATEWAY_PORT: '9000' }, '/work'),
    ).toMatchObject({
      host: '0.0.0.0',
      port: 9000,
    });
    expect(parseGatewayLaunch({ port: '0' }, { SAGE_GATEWAY_PORT: '9000' }, '/work').port).toBe(0);
  });

  it('makes file paths absolute and validates the policy', () => {
    const launch = parseGatewayLaunch(
      { config: 'conf/sage.yaml', presetFile: '/etc/sage/team.yaml', policy: 'fifo', insecure: true },
      {},
      '/work',
    );
    expect(launch).toEqual({
      host: '127.0.0.1',
      port: 8889,
      policy: 'fifo',
      config: '/work/conf/sage.yaml',
      presetFile: '/etc/sage/team.yaml',
      insecure: true,
    });
    expect(() => parseGatewayLaunch({ policy: 'fastest' }, {}, '/work')).toThrow(/^--policy: must be one of/);
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
  });
});
