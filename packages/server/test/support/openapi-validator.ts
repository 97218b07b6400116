import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

/** OpenAI's published API description, kept in the shared folder beside the repository. */
export const OPENAPI_PATH = fileURLToPath(
  new URL('../../../../../shared/spec/openai/openapi.yaml', import.meta.url),
);

export const hasOpenApiSpec = existsSync(OPENAPI_PATH);

/** OpenAPI 3.0's `nullable: true` in 3.1 terms: `type: [T, 'null']`, or `anyOf` with null. */
function normaliseNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normaliseNullable);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node as Record<string, unknown>).map(([key, value]) => [
    key,
    normaliseNullable(value),
  ]);
  const schema = Object.fromEntries(entries) as Record<string, unknown>;
  if (schema.nullable !== true) return schema;
  delete schema.nullable;
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
}

/** A validator of OpenAI component schemas: `validate('CreateEmbeddingResponse', body)` → error list. */
export function createOpenApiValidator(): (schemaName: string, value: unknown) => string[] {
  const spec = parse(readFileSync(OPENAPI_PATH, 'utf8')) as { components: unknown };
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'openai', components: normaliseNullable(spec.components) });
  return (schemaName, value) => {
    const validate = ajv.getSchema(`openai#/components/schemas/${schemaName}`);
    if (!validate) throw new Error(`no schema ${schemaName} in the OpenAI description`);
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message}`);
  };
}
