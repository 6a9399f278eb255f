/**
 * Generates the typed cdktf bindings of the `grafana/grafana` Terraform provider into
 * `providers/grafana/`, offline, with cdktf's own generator (`@cdktf/provider-generator`).
 *
 * No prebuilt `@cdktf/provider-grafana` package exists, so the bindings are generated from the
 * provider's schema (`terraform providers schema -json`). The schema is filtered to the resources
 * this package uses and every `description` is dropped first: the whole provider would be
 * megabytes of TypeScript that every type-check pays for.
 *
 * Usage: `npm run bindings:grafana` (that is `tsx scripts/generate-grafana-bindings.ts <schema.json>`).
 * The schema file is not committed; its path is the only argument.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

/** Provider release the committed bindings were generated from (the schema's provider version). */
export const GRAFANA_PROVIDER_VERSION = '4.45.1';

/** The provider's registry address, as keyed in the schema. */
export const GRAFANA_PROVIDER_ADDRESS = 'registry.terraform.io/grafana/grafana';

/** The Terraform resources the constructs in `constructs/grafana/` use; nothing else is generated. */
export const GRAFANA_RESOURCES = Object.freeze([
  'grafana_contact_point',
  'grafana_dashboard',
  'grafana_data_source',
  'grafana_folder',
  'grafana_message_template',
  'grafana_notification_policy',
  'grafana_rule_group',
]);

/**
 * Top-level blocks kept per resource, where a resource has many more than we use. The contact
 * point has 22 integration blocks; generated in full it is ~380 KB of TypeScript that every
 * type-check and every synth load pays for. Only these integrations get typed bindings; to use
 * another one (e.g. `webhook`), add it here and regenerate.
 */
export const GRAFANA_BLOCKS_KEPT: Readonly<Record<string, readonly string[]>> = Object.freeze({
  grafana_contact_point: ['email', 'pagerduty', 'slack'],
});

/** The command that regenerates the bindings, written into every generated file's header. */
export const REGENERATE_COMMAND = 'npm run bindings:grafana';

/** Where the bindings live, relative to the repository root. */
export const BINDINGS_DIR = 'providers/grafana';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A copy of a schema block without descriptions. Walks the schema structure (block →
 * attributes / block_types → nested block) rather than every key, because `description` is
 * also a legitimate attribute *name* in some resources and must survive.
 */
function stripBlock(block: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(block)) {
    if (key === 'description' || key === 'description_kind') continue;
    if (key === 'attributes' && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, attr]) => [name, isObject(attr) ? stripAttribute(attr) : attr]));
    } else if (key === 'block_types' && isObject(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, bt]) => [
          name,
          isObject(bt) ? { ...bt, ...(isObject(bt.block) ? { block: stripBlock(bt.block) } : {}) } : bt,
        ]),
      );
    } else {
      out[key] = value;
    }
  }
  return out;
}

function stripAttribute(attr: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(attr)) {
    if (key === 'description' || key === 'description_kind') continue;
    // Plugin-framework nested attributes carry their own attribute map.
    out[key] = key === 'nested_type' && isObject(value) ? stripBlock(value) : value;
  }
  return out;
}

function stripSchema(entry: JsonObject, keepBlocks?: readonly string[]): JsonObject {
  if (!isObject(entry.block)) return { ...entry };
  const block = stripBlock(entry.block);
  if (keepBlocks && isObject(block.block_types)) {
    const types = block.block_types;
    const unknown = keepBlocks.filter((b) => !isObject(types[b]));
    if (unknown.length > 0) throw new Error(`schema lacks block(s) ${unknown.join(', ')} to keep`);
    block.block_types = Object.fromEntries(Object.entries(types).filter(([name]) => keepBlocks.includes(name)));
  }
  return { ...entry, block };
}

/**
 * Reduces a full `terraform providers schema -json` document to the provider block and the
 * resources in `resources`, descriptions dropped, unused blocks of {@link GRAFANA_BLOCKS_KEPT} too. Fails when the schema lacks the provider or
 * one of the resources, so a renamed resource is caught here and not at deploy time.
 */
export function filterGrafanaSchema(schema: unknown, resources: readonly string[] = GRAFANA_RESOURCES): JsonObject {
  if (!isObject(schema as Json) || !isObject((schema as JsonObject).provider_schemas)) {
    throw new Error('not a terraform provider schema: provider_schemas missing (expected `terraform providers schema -json` output)');
  }
  const doc = schema as JsonObject;
  const provider = (doc.provider_schemas as JsonObject)[GRAFANA_PROVIDER_ADDRESS];
  if (!isObject(provider)) throw new Error(`schema has no provider ${GRAFANA_PROVIDER_ADDRESS}`);
  const all = isObject(provider.resource_schemas) ? provider.resource_schemas : {};
  const missing = resources.filter((r) => !isObject(all[r]));
  if (missing.length > 0) throw new Error(`schema of ${GRAFANA_PROVIDER_ADDRESS} lacks resource(s) ${missing.join(', ')}`);
  const kept = Object.fromEntries([...resources].sort().map((r) => [r, stripSchema(all[r] as JsonObject, GRAFANA_BLOCKS_KEPT[r])]));
  return {
    format_version: doc.format_version ?? '1.0',
    provider_schemas: {
      [GRAFANA_PROVIDER_ADDRESS]: {
        provider: isObject(provider.provider) ? stripSchema(provider.provider) : {},
        resource_schemas: kept,
        data_source_schemas: {},
      },
    },
  };
}

/** The header put at the top of every generated file. */
export function bindingsHeader(): string {
  return [
    `// Generated by scripts/generate-grafana-bindings.ts with @cdktf/provider-generator from the schema of`,
    `// the grafana/grafana Terraform provider v${GRAFANA_PROVIDER_VERSION} — do not edit; regenerate with \`${REGENERATE_COMMAND}\`.`,
    `// Resources: ${GRAFANA_RESOURCES.join(', ')}.`,
    ...Object.entries(GRAFANA_BLOCKS_KEPT).map(([r, blocks]) => `// Blocks of ${r}: ${blocks.join(', ')} only.`),
    '',
  ].join('\n');
}

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}

/**
 * Generates the bindings from the schema at `schemaPath` into `outDir` (replacing it). Returns
 * the generated files, relative to `outDir`, sorted.
 */
export async function generateGrafanaBindings(schemaPath: string, outDir: string): Promise<string[]> {
  // Generation is offline: keep cdktf's usage telemetry (a call to checkpoint-api.hashicorp.com) off.
  process.env.CHECKPOINT_DISABLE ??= '1';
  // Loaded lazily: the generator pulls in a large dependency tree only this script needs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load keeps importers of the constants fast
  const { generateProviderBindingsFromSchema } = require('@cdktf/provider-generator') as typeof import('@cdktf/provider-generator');
  const schema = filterGrafanaSchema(JSON.parse(readFileSync(schemaPath, 'utf8')) as unknown);
  // Generate into a scratch directory first, so a failure leaves the committed bindings intact.
  const scratch = mkdtempSync(join(tmpdir(), 'grafana-bindings-'));
  try {
    // No third argument: that would run the jsii step, which is not needed for TypeScript.
    await generateProviderBindingsFromSchema(scratch, schema as unknown as Parameters<typeof generateProviderBindingsFromSchema>[1]);
    // The generator nests its output under providers/<name>/.
    const generated = join(scratch, 'providers', 'grafana');
    const files = listFiles(generated);
    const header = bindingsHeader();
    for (const file of files) {
      if (file.endsWith('.ts')) writeFileSync(file, header + readFileSync(file, 'utf8'));
      else if (file.endsWith('.md')) writeFileSync(file, `<!--\n${header.replaceAll('// ', '')}-->\n\n${readFileSync(file, 'utf8')}`);
    }
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    cpSync(generated, outDir, { recursive: true });
    return files.map((f) => relative(generated, f));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const [schemaPath, outDir = BINDINGS_DIR] = argv;
  if (!schemaPath) {
    process.stderr.write('usage: tsx scripts/generate-grafana-bindings.ts <provider_schema.json> [out-dir]\n');
    process.exit(2);
  }
  const files = await generateGrafanaBindings(resolve(schemaPath), resolve(outDir));
  process.stdout.write(`wrote ${files.length} files to ${outDir}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  });
}
