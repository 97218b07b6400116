import { z } from 'zod';
import { GatewayConfigSchema } from './gateway-config-schema.js';

/**
 * Build the JSON Schema (draft-07, the input shape) of `sage.yaml` from its zod schema, for
 * editors such as VS Code's YAML extension (`# yaml-language-server: $schema=…`). Cross-field
 * checks (a custom backend's allowed flags, duplicate names) stay in the loader: the schema
 * describes keys and types.
 *
 * @example
 * ```ts
 * writeFileSync('sage.schema.json', JSON.stringify(createGatewayConfigJsonSchema(), null, 2));
 * ```
 */
export function createGatewayConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(GatewayConfigSchema, { io: 'input', target: 'draft-7' }) as Record<
    string,
    unknown
  >;
  return { ...schema, title: 'sage.yaml', description: 'sageLLM gateway configuration (docs/gateway.md)' };
}

/** The JSON Schema of `sage.yaml`; also shipped as `@sage/server/sage.schema.json`. */
export const gatewayConfigJsonSchema: Record<string, unknown> = createGatewayConfigJsonSchema();
