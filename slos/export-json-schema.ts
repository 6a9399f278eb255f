/**
 * Writes the committed JSON Schemas (`slos/schema.json`, `environments/schema.json`) from the zod
 * schemas, for editors (`# yaml-language-server: $schema=./schema.json`). CI regenerates and
 * fails on drift.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { environmentSchema } from '../environments/schema';
import { specFileSchema } from './schema';

/** The JSON Schema text of a zod schema, as committed (core type: see zodProblems). */
export function jsonSchemaText(schema: z.core.$ZodType, title: string): string {
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return `${JSON.stringify({ ...json, title }, null, 2)}\n`;
}

/** Schemas and where they are committed. */
export const JSON_SCHEMAS = [
  { path: join(__dirname, 'schema.json'), text: () => jsonSchemaText(specFileSchema, 'slo-platform SLO spec (slos/*.yaml)') },
  {
    path: join(__dirname, '..', 'environments', 'schema.json'),
    text: () => jsonSchemaText(environmentSchema, 'slo-platform environment (environments/*.yaml)'),
  },
];

if (require.main === module) {
  for (const s of JSON_SCHEMAS) writeFileSync(s.path, s.text());
  console.log(`wrote ${JSON_SCHEMAS.map((s) => s.path).join(', ')}`);
}
