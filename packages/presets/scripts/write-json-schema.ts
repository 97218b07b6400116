/**
 * Write the preset JSON Schema to schema/preset.schema.json (shipped as
 * `@sage/presets/schema.json`). Run from the repository root:
 *   npx tsx packages/presets/scripts/write-json-schema.ts
 * then `npx biome check --write packages/presets/schema`. A unit test fails when the committed
 * file differs from the schema.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { presetJsonSchema } from '../src/json-schema.js';

const target = fileURLToPath(new URL('../schema/preset.schema.json', import.meta.url));
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(presetJsonSchema, null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
