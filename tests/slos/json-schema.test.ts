/**
 * The committed JSON Schemas are derived from the zod schemas and must not drift; every spec and
 * environment file points editors at them with a yaml-language-server modeline.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { JSON_SCHEMAS } from '../../slos/export-json-schema';

const MODELINE = '# yaml-language-server: $schema=./schema.json';

describe('committed JSON Schemas', () => {
  test.each(JSON_SCHEMAS.map((s) => [relative(process.cwd(), s.path), s] as const))(
    '%s equals what the zod schema generates (run `npm run schema` when this fails)',
    (path, schema) => {
      // when
      const committed = readFileSync(schema.path, 'utf8');
      // then
      if (committed !== schema.text()) {
        throw new Error(`${path} is out of date with its zod schema; run \`npm run schema\` and commit the result`);
      }
    },
  );

  test('the spec schema is strict and names the supported windows', () => {
    // given
    const schema = JSON.parse(readFileSync('slos/schema.json', 'utf8')) as {
      additionalProperties: boolean;
      properties: { slos: { items: { properties: { window: { enum: string[] } } } } };
    };
    // then
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.slos.items.properties.window.enum).toEqual(['7d', '28d', '30d']);
  });
});

describe('yaml-language-server modelines', () => {
  const files = ['slos', 'environments'].flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => join(dir, f)),
  );

  test('there are spec and environment files to check', () => {
    expect(files.filter((f) => f.startsWith('slos/')).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.startsWith('environments/')).length).toBeGreaterThan(0);
  });

  test.each(files)('%s starts with the schema modeline', (file) => {
    // then
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe(MODELINE);
  });
});
