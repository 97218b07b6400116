import { z } from 'zod';
import { PresetSchema } from './preset-schema.js';

/**
 * Build the JSON Schema (draft-07, the input shape: fields with defaults are optional) of a
 * preset file, for editors such as VS Code's YAML extension.
 *
 * @example
 * ```ts
 * writeFileSync('preset.schema.json', JSON.stringify(createPresetJsonSchema(), null, 2));
 * ```
 */
export function createPresetJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PresetSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
}

/**
 * The JSON Schema of a preset file; also shipped as `@sage/presets/schema.json`.
 *
 * @example
 * ```ts
 * presetJsonSchema.properties; // { version, name, description, engines }
 * ```
 */
export const presetJsonSchema: Record<string, unknown> = createPresetJsonSchema();
