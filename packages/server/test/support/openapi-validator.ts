import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

/** OpenAI's published API description, kept in the shared folder beside the repository. */
const OPENAPI_PATH = fileURLToPath(
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

type Schemas = Record<
  string,
  {
    anyOf?: Array<{ $ref?: string }>;
    oneOf?: Array<{ $ref?: string }>;
    properties?: { type?: { enum?: unknown[] } };
  }
>;

/**
 * The member of a union schema (`ResponseStreamEvent`, …) whose `type` enum holds `type`: a
 * streamed event is then checked against its own schema, with errors that are readable (a
 * mismatch against a union of 50 lists every member's complaints).
 */
function unionMember(schemas: Schemas, schemaName: string, value: unknown): string {
  const members = schemas[schemaName]?.anyOf ?? schemas[schemaName]?.oneOf;
  const type = (value as { type?: unknown } | null)?.type;
  if (!members || typeof type !== 'string') return schemaName;
  for (const member of members) {
    const name = member.$ref?.split('/').pop();
    if (name && schemas[name]?.properties?.type?.enum?.includes(type)) return name;
  }
  return schemaName;
}

/**
 * A validator of OpenAI component schemas: `validate('CreateEmbeddingResponse', body)` → error
 * list. A union of typed members (`ResponseStreamEvent`) validates the member named by the
 * value's `type`.
 */
export function createOpenApiValidator(): (schemaName: string, value: unknown) => string[] {
  const spec = parse(readFileSync(OPENAPI_PATH, 'utf8')) as { components: { schemas: Schemas } };
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'openai', components: normaliseNullable(spec.components) });
  return (schemaName, value) => {
    const member = unionMember(spec.components.schemas, schemaName, value);
    const validate = ajv.getSchema(`openai#/components/schemas/${member}`);
    if (!validate) throw new Error(`no schema ${member} in the OpenAI description`);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (error) => `${member}${error.instancePath || ' (root)'} ${error.message}`,
    );
  };
}
