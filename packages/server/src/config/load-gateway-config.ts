import { readFile } from 'node:fs/promises';
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
  return resolveGatewayConfig({}, fromConfigFile(file));
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
