/**
 * Trims the full schema of the `grafana/grafana` Terraform provider (`terraform providers schema
 * -json`, several hundred KB) to what this package's bindings use, and writes it as
 * `providers/grafana.schema.json`: the provider block and the resources of
 * {@link GRAFANA_RESOURCES} with their attribute names, types, required/optional/computed flags and
 * nested blocks, without descriptions; the integration blocks of the contact point reduced to
 * {@link GRAFANA_BLOCKS_KEPT}; plus the provider's address and release it came from.
 *
 * The trimmed file is the repository's own copy of those facts: `npm run bindings:grafana` and the
 * tests read it, and nothing reads the full schema. This script is run by hand when moving to a
 * new provider release or adding a resource, never by the tests:
 *
 * ```sh
 * # in an empty folder with a main.tf that requires grafana/grafana = "4.45.1":
 * terraform init && terraform providers schema -json > provider_schema.json
 * # back in this repository:
 * npm run -s bindings:grafana:trim -- provider_schema.json --version 4.45.1
 * npm run bindings:grafana
 * ```
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The provider's registry address, as keyed in the schema. */
export const GRAFANA_PROVIDER_ADDRESS = 'registry.terraform.io/grafana/grafana';

/** The trimmed schema, relative to the repository root. */
export const GRAFANA_SCHEMA_FILE = 'providers/grafana.schema.json';

/** The Terraform resources the constructs in `constructs/grafana/` use; nothing else is kept. */
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
 * another one (e.g. `webhook`), add it here, re-trim from the full schema and regenerate.
 */
export const GRAFANA_BLOCKS_KEPT: Readonly<Record<string, readonly string[]>> = Object.freeze({
  grafana_contact_point: ['email', 'pagerduty', 'slack'],
});

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** True for a JSON object (not an array, not null). */
export function isObject(v: Json | undefined): v is JsonObject {
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
 * Reduces a `terraform providers schema -json` document to the provider block and the resources
 * in `resources`, descriptions dropped, unused blocks of {@link GRAFANA_BLOCKS_KEPT} too. Fails when
 * the schema lacks the provider or one of the resources, so a renamed resource is caught here and
 * not at deploy time. Trimming a trimmed schema gives it back unchanged.
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

/** Where a trimmed schema came from: written beside the schema itself. */
export interface TrimmedSchemaSource {
  /** Registry address of the provider, e.g. `registry.terraform.io/grafana/grafana`. */
  readonly provider: string;
  /** Provider release whose schema was trimmed, e.g. `4.45.1`. */
  readonly version: string;
  /** The script that wrote the file. */
  readonly trimmedBy: string;
}

/** The trimmed schema file: its source, then the schema in `terraform providers schema -json` shape. */
export interface TrimmedSchema {
  readonly source: TrimmedSchemaSource;
  readonly schema: JsonObject;
}

const VERSION_RE = /^\d+\.\d+\.\d+$/;

/** Trims a full provider schema and labels it with the release it came from. */
export function trimGrafanaSchema(full: unknown, version: string): TrimmedSchema {
  if (!VERSION_RE.test(version)) throw new Error(`--version must be a provider release like 4.45.1; got ${JSON.stringify(version)}`);
  return {
    source: { provider: GRAFANA_PROVIDER_ADDRESS, version, trimmedBy: 'scripts/trim-grafana-schema.ts' },
    schema: filterGrafanaSchema(full),
  };
}

/**
 * Reads and checks a trimmed schema file: its source names the grafana provider and a release,
 * and it holds exactly the resources and blocks this package keeps (so a resource added to
 * {@link GRAFANA_RESOURCES} without re-trimming fails here, naming it).
 */
export function readTrimmedSchema(path: string): TrimmedSchema {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as Json;
  const source = isObject(doc) && isObject(doc.source) ? doc.source : undefined;
  if (!isObject(doc) || !source || source.provider !== GRAFANA_PROVIDER_ADDRESS || typeof source.version !== 'string') {
    throw new Error(
      `${path}: not a trimmed grafana schema (source.provider and source.version missing); write it with scripts/trim-grafana-schema.ts`,
    );
  }
  if (!VERSION_RE.test(source.version))
    throw new Error(`${path}: source.version ${JSON.stringify(source.version)} is not a release like 4.45.1`);
  const schema = filterGrafanaSchema(doc.schema);
  if (JSON.stringify(schema) !== JSON.stringify(doc.schema)) {
    throw new Error(
      `${path}: holds more than the kept resources and blocks; re-trim it from the full schema with scripts/trim-grafana-schema.ts`,
    );
  }
  return { source: source as unknown as TrimmedSchemaSource, schema };
}

/** The trimmed file's text: two-space JSON, stable key order as the provider wrote it, final newline. */
export function trimmedSchemaText(trimmed: TrimmedSchema): string {
  return `${JSON.stringify(trimmed, null, 2)}\n`;
}

function main(argv: readonly string[]): void {
  const usage = 'usage: tsx scripts/trim-grafana-schema.ts <provider_schema.json> --version X.Y.Z [--out FILE]';
  const args = [...argv];
  let version: string | undefined;
  let out = GRAFANA_SCHEMA_FILE;
  const positional: string[] = [];
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === '--version') version = args.shift();
    else if (arg === '--out') out = args.shift() ?? '';
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}\n${usage}`);
    else positional.push(arg);
  }
  if (positional.length !== 1 || !version || !out) throw new UsageError(usage);
  const trimmed = trimGrafanaSchema(JSON.parse(readFileSync(resolve(positional[0]!), 'utf8')) as unknown, version);
  // Written beside the target and renamed over it, so a failure leaves the old file whole.
  const tmp = `${resolve(out)}.tmp-${process.pid}`;
  writeFileSync(tmp, trimmedSchemaText(trimmed));
  renameSync(tmp, resolve(out));
  process.stdout.write(`wrote ${out}: grafana/grafana v${version}, resources ${GRAFANA_RESOURCES.join(', ')}\n`);
}

class UsageError extends Error {}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  }
}
