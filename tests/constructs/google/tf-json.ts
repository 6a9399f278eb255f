/**
 * Helpers for assertions on synthesized Terraform JSON: synthesize the infrastructure stacks of
 * an environment once into a temporary directory, then read resources by type.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../../../constructs/framework';
import type { EnvironmentConfig } from '../../../environments/schema';
import { loadCatalog } from '../../../slos/load';
import { addInfrastructureStacks } from '../../../stacks/infrastructure';
import { addStateBootstrapStack } from '../../../stacks/state';

/** A synthesized stack: its parsed `cdk.tf.json`. */
export type TfJson = {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  terraform?: { backend?: Record<string, Record<string, unknown>> };
  [key: string]: unknown;
};

/** The result of synthesizing the infrastructure of one environment. */
export interface SynthesizedInfrastructure {
  /** Output directory (`<dir>/stacks/<stack>/cdk.tf.json`). */
  readonly outdir: string;
  /** Parsed stacks by name. */
  readonly stacks: Record<string, TfJson>;
  /** Every synthesized file's text, by path relative to `outdir`. */
  readonly files: Record<string, string>;
}

/**
 * Synthesizes the infrastructure stacks of `env` (the SLO catalog of `slos/`) into a temp dir,
 * with the state bootstrap stack when the environment names a state bucket.
 */
export function synthesizeInfrastructure(env: EnvironmentConfig): SynthesizedInfrastructure {
  const { catalog, problems } = loadCatalog({ slosDir: 'slos' });
  if (!catalog) throw new Error(`slo catalog invalid: ${problems.length} problems`);
  const outdir = mkdtempSync(join(tmpdir(), 'slo-infra-'));
  const app = new App({ outdir });
  addStateBootstrapStack(app, env);
  addInfrastructureStacks(app, { env, catalog });
  app.synth();
  const files: Record<string, string> = {};
  const walk = (dir: string, rel: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), join(rel, e.name));
      else files[join(rel, e.name)] = readFileSync(join(dir, e.name), 'utf8');
    }
  };
  walk(outdir, '');
  const stacks: Record<string, TfJson> = {};
  for (const name of readdirSync(join(outdir, 'stacks'))) {
    stacks[name] = JSON.parse(files[join('stacks', name, 'cdk.tf.json')]!) as TfJson;
  }
  return { outdir, stacks, files };
}

/** The resources of one type in a stack (values of `resource.<type>`), in synthesis order. */
export function resourcesOf(stack: TfJson | undefined, type: string): Record<string, unknown>[] {
  return Object.values(stack?.resource?.[type] ?? {});
}

/** The only resource of a type in a stack; fails when there is not exactly one. */
export function onlyResource(stack: TfJson | undefined, type: string): Record<string, unknown> {
  const all = resourcesOf(stack, type);
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0]!;
}

/** A deep property by dotted path (`settings.ip_configuration.ipv4_enabled`). */
export function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);
}
