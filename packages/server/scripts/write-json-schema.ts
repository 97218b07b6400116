/**
 * Write the `sage.yaml` JSON Schema to schema/sage.schema.json (shipped as
 * `@sage/server/sage.schema.json`), formatted the way `biome` checks it:
 *   pnpm --filter @sage/server schema
 * The schema is generated from the zod schema, so its lists (scheduling policies, built-in
 * backends) come from the registries; a unit test fails, naming this command, when the committed
 * file differs from it (e.g. after a policy was added).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatewayConfigJsonSchema } from '../src/config/json-schema.js';

const target = fileURLToPath(new URL('../schema/sage.schema.json', import.meta.url));
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(gatewayConfigJsonSchema, null, 2)}\n`);
// biome is the repository's formatter (a root devDependency): arrays that fit go on one line.
const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
const formatted = spawnSync(process.execPath, [biome, 'format', '--write', target], { stdio: 'inherit' });
if (formatted.status !== 0) process.exitCode = formatted.status ?? 1;
process.stdout.write(`wrote ${target}\n`);
