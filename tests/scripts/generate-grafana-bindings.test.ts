import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  BINDINGS_DIR,
  filterGrafanaSchema,
  generateGrafanaBindings,
  GRAFANA_BLOCKS_KEPT,
  GRAFANA_PROVIDER_ADDRESS,
  GRAFANA_RESOURCES,
} from '../../scripts/generate-grafana-bindings';

/** The provider's schema, outside the repository (not committed); CI has it at the same relative path. */
const SCHEMA = '../shared/reference/grafana/provider_schema.json';

function tree(dir: string): Map<string, string> {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  return new Map(walk(dir).map((f) => [relative(dir, f), readFileSync(f, 'utf8')]));
}

describe('generate-grafana-bindings', () => {
  test('the committed bindings are what the generator writes from the schema', async () => {
    // given a scratch directory
    const dir = mkdtempSync(join(tmpdir(), 'grafana-bindings-test-'));
    try {
      // when the bindings are regenerated into it
      await generateGrafanaBindings(SCHEMA, dir);
      // then every file equals the committed one, and there are no extra or missing files
      const fresh = tree(dir);
      const committed = tree(BINDINGS_DIR);
      expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
      for (const [file, text] of fresh) expect({ file, same: committed.get(file) === text }).toEqual({ file, same: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('keeps only the used resources and contact point integrations, and drops descriptions', () => {
    // when
    const schema = JSON.parse(readFileSync(SCHEMA, 'utf8')) as unknown;
    const filtered = filterGrafanaSchema(schema) as {
      provider_schemas: Record<string, { resource_schemas: object; data_source_schemas: object }>;
    };
    const provider = filtered.provider_schemas[GRAFANA_PROVIDER_ADDRESS]!;
    // then
    expect(Object.keys(provider.resource_schemas)).toEqual([...GRAFANA_RESOURCES].sort());
    expect(provider.data_source_schemas).toEqual({});
    const contactPoint = (provider.resource_schemas as Record<string, { block: { block_types: object } }>).grafana_contact_point!;
    expect(Object.keys(contactPoint.block.block_types).sort()).toEqual([...GRAFANA_BLOCKS_KEPT.grafana_contact_point!].sort());
    expect(JSON.stringify(filtered)).not.toContain('"description_kind"');
  });

  test('keeps an attribute that is itself named description', () => {
    // given a resource with a `description` attribute
    const schema = JSON.parse(readFileSync(SCHEMA, 'utf8')) as unknown;
    // when
    const filtered = filterGrafanaSchema(schema, ['grafana_agento11y_collection']) as {
      provider_schemas: Record<
        string,
        { resource_schemas: Record<string, { block: { attributes: Record<string, { description?: string }> } }> }
      >;
    };
    const attrs = filtered.provider_schemas[GRAFANA_PROVIDER_ADDRESS]!.resource_schemas.grafana_agento11y_collection!.block.attributes;
    // then the attribute survives, its own description does not
    expect(attrs.description).toBeDefined();
    expect(attrs.description!.description).toBeUndefined();
  });

  test('fails on a schema that lacks one of the resources', () => {
    // given
    const schema = { provider_schemas: { [GRAFANA_PROVIDER_ADDRESS]: { provider: {}, resource_schemas: {} } } };
    // then
    expect(() => filterGrafanaSchema(schema, ['grafana_folder'])).toThrow(
      `schema of ${GRAFANA_PROVIDER_ADDRESS} lacks resource(s) grafana_folder`,
    );
  });

  test('fails on a file that is not a provider schema', () => {
    // then
    expect(() => filterGrafanaSchema({ format_version: '1.0' })).toThrow('not a terraform provider schema: provider_schemas missing');
  });
});
