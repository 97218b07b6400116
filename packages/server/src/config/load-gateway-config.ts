import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseWithSchema } from '@sage/presets';
import type { GatewayConfig } from './gateway-config.js';
import { GatewayConfigSchema } from './gateway-config-schema.js';
import { fromConfigFile, resolveGatewayConfig } from './resolve-gateway-config.js';

/**
 * Parse `sage.yaml` text: defaults plus what the text sets (no environment). Any problem throws
 * `ConfigValidationError` with `file:line:col`.
 *
 * @example
 * ```ts
 * parseGatewayConfig('port: 9000\nscheduling:\n  policy: fifo\n', { file: 'sage.yaml' }).port; // 9000
 * ```
 */
export function parseGatewayConfig(text: string, options: { file: string }): GatewayConfig {
  const file = parseWithSchema(text, GatewayConfigSchema, { file: options.file });
  const config = resolveGatewayConfig({}, fromConfigFile(file));
  const base = dirname(resolve(options.file));
  if (config.stateDir !== undefined) config.stateDir = resolvePath(config.stateDir, base);
  if (typeof config.preset === 'string' && looksLikePath(config.preset)) {
    config.preset = resolvePath(config.preset, base);
  }
  return config;
}

/** Preset values with a path separator or a preset file extension are files; others are built-in names. */
function looksLikePath(value: string): boolean {
  return /[/\\]/.test(value) || /\.(ya?ml|json)$/i.test(value);
}

/** `~/x` → the home directory; a relative path → relative to the configuration file's folder. */
function resolvePath(path: string, base: string): string {
  if (path === '~' || path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(base, path);
}

/**
 * Read and validate a `sage.yaml` (or `.json`) file. The result holds the file's values over the
 * defaults; pass it to {@link resolveGatewayConfig} to apply the environment.
 *
 * @example
 * ```ts
 * const config = resolveGatewayConfig(process.env, await loadGatewayConfig('sage.yaml'));
 * ```
 */
export async function loadGatewayConfig(path: string): Promise<GatewayConfig> {
  return parseGatewayConfig(await readFile(path, 'utf8'), { file: path });
}
