import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BINDINGS_DIR, bindingsHeader, generateGrafanaBindings, GRAFANA_PROVIDER_VERSION } from '../../scripts/generate-grafana-bindings';
import {
  filterGrafanaSchema,
  GRAFANA_BLOCKS_KEPT,
  GRAFANA_PROVIDER_ADDRESS,
  GRAFANA_RESOURCES,
  GRAFANA_SCHEMA_FILE,
  readTrimmedSchema,
  trimGrafanaSchema,
  trimmedSchemaText,
} from '../../scripts/trim-grafana-schema';

/** The provider's schema as committed: trimmed to what the bindings use. */
const SCHEMA = GRAFANA_SCHEMA_FILE;

type Block = { attributes?: Record<string, Record<string, unknown>>; block_types?: Record<string, { block: Block }> };
type ProviderSchema = { provider: { block: Block }; resource_schemas: Record<string, { block: Block }>; data_source_schemas: object };

function tree(dir: string): Map<string, string> {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  return new Map(walk(dir).map((f) => [relative(dir, f), readFileSync(f, 'utf8')]));
}

/**
 * A schema in the shape of the full `terraform providers schema -json`, built from the committed
 * one: descriptions on every attribute and block, an unused resource, a data source, an unused
 * contact point integration, and a resource whose attribute is itself named `description`.
 */
function fullShapedSchema(): unknown {
  const trimmed = readTrimmedSchema(SCHEMA).schema as { provider_schemas: Record<string, ProviderSchema> };
  const describe = (block: Block): Block => {
    const out: Block & Record<string, unknown> = { ...block, description: 'prose', description_kind: 'markdown' };
    if (block.attributes) {
      out.attributes = Object.fromEntries(
        Object.entries(block.attributes).map(([k, a]) => [k, { ...a, description: `the ${k}`, description_kind: 'plain' }]),
      );
    }
    if (block.block_types) {
      out.block_types = Object.fromEntries(Object.entries(block.block_types).map(([k, bt]) => [k, { ...bt, block: describe(bt.block) }]));
    }
    return out;
  };
  const p = trimmed.provider_schemas[GRAFANA_PROVIDER_ADDRESS]!;
  const resources = Object.fromEntries(Object.entries(p.resource_schemas).map(([k, r]) => [k, { ...r, block: describe(r.block) }]));
  const contact = resources.grafana_contact_point!.block;
  contact.block_types = { ...contact.block_types, webhook: { block: { attributes: { url: { type: 'string', required: true } } } } };
  resources.grafana_extra_thing = {
    block: {
      attributes: { description: { type: 'string', optional: true, description: 'what it is' }, id: { type: 'string', computed: true } },
    },
  };
  return {
    format_version: '1.0',
    provider_schemas: {
      [GRAFANA_PROVIDER_ADDRESS]: {
        provider: { ...p.provider, block: describe(p.provider.block) },
        resource_schemas: resources,
        data_source_schemas: { grafana_folder: { block: { attributes: {} } } },
        functions: {},
      },
    },
  };
}

describe('generate-grafana-bindings', () => {
  test('the committed bindings are what the generator writes from the committed trimmed schema', async () => {
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

  test('the bindings name the provider release the trimmed schema records', () => {
    // given
    const { source } = readTrimmedSchema(SCHEMA);
    // then
    expect(source.provider).toBe(GRAFANA_PROVIDER_ADDRESS);
    expect(GRAFANA_PROVIDER_VERSION).toBe(source.version);
    const index = readFileSync(join(BINDINGS_DIR, 'index.ts'), 'utf8');
    expect(index.startsWith(bindingsHeader(source.version))).toBe(true);
    expect(index).toContain(`Terraform provider v${source.version} `);
  });
});

describe('trim-grafana-schema', () => {
  test('the committed schema holds exactly the used resources and contact point integrations, and no descriptions', () => {
    // when
    const provider = (readTrimmedSchema(SCHEMA).schema as { provider_schemas: Record<string, ProviderSchema> }).provider_schemas[
      GRAFANA_PROVIDER_ADDRESS
    ]!;
    // then
    expect(Object.keys(provider.resource_schemas)).toEqual([...GRAFANA_RESOURCES].sort());
    expect(provider.data_source_schemas).toEqual({});
    expect(Object.keys(provider.resource_schemas.grafana_contact_point!.block.block_types!).sort()).toEqual(
      [...GRAFANA_BLOCKS_KEPT.grafana_contact_point!].sort(),
    );
    const text = readFileSync(SCHEMA, 'utf8');
    expect(text).not.toContain('"description_kind"');
    // and every attribute keeps its type and whether it is required, optional or computed
    const attrs = Object.values(provider.resource_schemas).flatMap((r) => Object.values(r.block.attributes ?? {}));
    expect(attrs.length).toBeGreaterThan(20);
    for (const a of attrs) {
      expect(a.type ?? a.nested_type).toBeDefined();
      expect(a.required || a.optional || a.computed).toBe(true);
    }
  });

  test('the committed file is what trimming a full-shaped schema writes', () => {
    // given a schema with descriptions, an unused resource, a data source and an unused integration
    const full = fullShapedSchema();
    // when
    const text = trimmedSchemaText(trimGrafanaSchema(full, GRAFANA_PROVIDER_VERSION));
    // then
    expect(text).toBe(readFileSync(SCHEMA, 'utf8'));
  });

  test('keeps an attribute that is itself named description', () => {
    // given a resource with a `description` attribute
    const full = fullShapedSchema();
    // when
    const filtered = filterGrafanaSchema(full, ['grafana_extra_thing']) as { provider_schemas: Record<string, ProviderSchema> };
    const attrs = filtered.provider_schemas[GRAFANA_PROVIDER_ADDRESS]!.resource_schemas.grafana_extra_thing!.block.attributes!;
    // then the attribute survives, its own description does not
    expect(attrs.description).toEqual({ type: 'string', optional: true });
  });

  test('rejects a version that is not a release', () => {
    // then
    expect(() => trimGrafanaSchema(fullShapedSchema(), 'latest')).toThrow('--version must be a provider release like 4.45.1; got "latest"');
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

  test.each([
    ['an untrimmed schema', () => fullShapedSchema(), 'not a trimmed grafana schema (source.provider and source.version missing)'],
    [
      'a trimmed schema with more than the kept resources',
      () => ({ source: { provider: GRAFANA_PROVIDER_ADDRESS, version: '4.45.1' }, schema: fullShapedSchema() }),
      'holds more than the kept resources and blocks; re-trim it from the full schema',
    ],
  ])('rejects %s as the bindings input, naming the file', (_what, doc, message) => {
    // given
    const dir = mkdtempSync(join(tmpdir(), 'grafana-schema-test-'));
    const file = join(dir, 'schema.json');
    try {
      writeFileSync(file, JSON.stringify(doc()));
      // then
      expect(() => readTrimmedSchema(file)).toThrow(`${file}: ${message}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
