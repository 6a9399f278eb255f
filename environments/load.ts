/**
 * Loads and validates an environment config: zod shape, then semantic rules (one primary
 * region, one target per severity), then the production fail-fast on placeholder values.
 */
import { join } from 'node:path';
import { displayPath, readUtf8 } from '../slos/load';
import type { Problem } from '../slos/problems';
import { fieldPath, sortProblems } from '../slos/problems';
import { parseYaml, parseYamlFast, problemAt, type YamlSource } from '../slos/yaml-source';
import { secretFieldAt, zodProblems } from '../slos/zod-problem';
import { parseDuration } from '../slos/duration';
import type { SloCatalog } from '../slos/model';
import { requiredRetention } from '../slos/retention';
import { platformSlos, type PlatformSlos } from './platform-slos';
import { shownValue, userInfoProblems } from '../slos/text-policy';
import { overlaps, parseCidr, regionProblem, subnetProblem, type Cidr } from './network-rules';
import { environmentSchema, type EnvironmentConfig } from './schema';
import { supplyChainProblems } from './production-supply-chain';

/** Values that mark a config as an example; a production environment must not contain them. */
const PLACEHOLDER_RE = /(^|[^a-z])(example|changeme|change-me|placeholder|todo|dummy|my-project)([^a-z]|$)|localhost|127\.0\.0\.1/i;

/** Where the bundled environments live. */
export const ENVIRONMENTS_DIR = join(__dirname);

/** The four severities, each of which a production environment must route somewhere. */
const SEVERITIES = ['page', 'critical', 'warning', 'info'] as const;

/**
 * Validates parsed YAML as an environment config. A production environment is also checked for
 * placeholders when its shape is wrong, so one run names every field to fix.
 */
export function parseEnvironment(source: YamlSource): { env?: EnvironmentConfig; problems: Problem[] } {
  const parsed = environmentSchema.safeParse(source.value, { reportInput: true });
  const production = (source.value as { production?: unknown } | null)?.production === true;
  // Credentials in a URL are refused in every environment, whatever else is wrong with the file.
  const always = [...userInfoProblems(source), ...networkProblems(source)];
  if (!parsed.success) {
    const shape = parsed.error.issues.flatMap((i) => zodProblems(source, i, environmentSchema));
    const taken = new Set(shape.map((p) => p.field));
    const extra = [...always, ...(production ? productionProblems(source) : [])].filter((p) => !taken.has(p.field));
    return { problems: sortProblems([...shape, ...extra]) };
  }
  const env = parsed.data;
  const problems: Problem[] = [...always];
  const primaries = env.gcp.regions.filter((r) => r.primary).map((r) => r.name);
  if (primaries.length !== 1) {
    const given = primaries.length === 0 ? 'no primary region' : `${primaries.length} primary regions (${primaries.join(', ')})`;
    problems.push(
      problemAt(source, ['gcp', 'regions'], `gcp.regions has ${given}; allowed: exactly one region with primary: true`, 'environment'),
    );
  }
  const seen = new Set<string>();
  env.gcp.regions.forEach((r, i) => {
    if (seen.has(r.name))
      problems.push(
        problemAt(
          source,
          ['gcp', 'regions', i, 'name'],
          `gcp.regions[${i}].name "${r.name}" is listed twice; allowed: each region once`,
          'environment',
          true,
        ),
      );
    seen.add(r.name);
  });
  for (const [severity, target] of Object.entries(env.notifications)) {
    const kinds = Object.entries(target ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k);
    if (kinds.length !== 1)
      problems.push(
        problemAt(
          source,
          ['notifications', severity],
          `notifications.${severity} has ${kinds.length === 0 ? 'no target' : kinds.join(' and ')}; allowed: exactly one of pagerduty, slack or email`,
          'environment',
        ),
      );
  }
  if (env.service.minInstances > env.service.maxInstances) {
    problems.push(
      problemAt(
        source,
        ['service', 'minInstances'],
        `service.minInstances ${env.service.minInstances} exceeds service.maxInstances ${env.service.maxInstances}; allowed: at most ${env.service.maxInstances}`,
        'environment',
        true,
      ),
    );
  }
  if (env.edge.access === 'public' && env.security.iapAccessors.length > 0) {
    problems.push(
      problemAt(
        source,
        ['security', 'iapAccessors'],
        `security.iapAccessors lists ${env.security.iapAccessors.length} member(s), but edge.access is public: IAP is off and admits nobody; allowed: no accessors with edge.access public, or edge.access iap`,
        'environment',
        true,
      ),
    );
  }
  problems.push(...grafanaSourceProblems(source, env));
  if (env.production) problems.push(...productionProblems(source), ...defaultedPlaceholderProblems(source, env));
  return problems.length > 0 ? { problems: sortProblems(problems) } : { env, problems };
}

/**
 * What the chosen Prometheus source of Grafana needs: a URL with `url`, the data source syncer's
 * Grafana token with `managed` (the default), at `grafana.prometheusSource` or, when it is not
 * written, at `grafana`.
 */
function grafanaSourceProblems(source: YamlSource, env: EnvironmentConfig): Problem[] {
  const g = env.grafana;
  const written = (source.value as { grafana?: { prometheusSource?: unknown } } | null)?.grafana?.prometheusSource !== undefined;
  const at = written ? ['grafana', 'prometheusSource'] : ['grafana'];
  if (g.prometheusSource === 'url' && g.prometheusUrl === undefined)
    return [
      problemAt(
        source,
        at,
        'grafana.prometheusUrl is missing; grafana.prometheusSource url reads that URL; allowed: a prometheusUrl, or prometheusSource managed',
        'environment',
        written,
      ),
    ];
  if (g.prometheusSource === 'managed' && g.datasourceSyncer === undefined)
    return [
      problemAt(
        source,
        at,
        `grafana.datasourceSyncer is missing; grafana.prometheusSource ${written ? '' : '(default) '}managed needs the syncer's Grafana token (datasourceSyncer.tokenSecret); allowed: a datasourceSyncer, or prometheusSource url with a prometheusUrl`,
        'environment',
        written,
      ),
    ];
  return [];
}

/**
 * The production fail-fast, on the file as written: every placeholder value and every severity
 * without a notification target, one problem per field.
 */
export function productionProblems(source: YamlSource): Problem[] {
  const out: Problem[] = [];
  const raw = source.value as { notifications?: Record<string, unknown> } | null;
  for (const severity of SEVERITIES) {
    if (raw?.notifications?.[severity] === undefined || raw.notifications[severity] === null) {
      out.push(
        problemAt(
          source,
          ['notifications'],
          `notifications.${severity} is missing; a production environment needs a notification target for every severity (${SEVERITIES.join(', ')})`,
          'production',
        ),
      );
    }
  }
  out.push(...supplyChainProblems(source));
  const gcp = (source.value as { gcp?: { stateBucket?: unknown } } | null)?.gcp;
  if (gcp && typeof gcp === 'object' && (gcp.stateBucket === undefined || gcp.stateBucket === null)) {
    out.push(
      problemAt(
        source,
        ['gcp'],
        'gcp.stateBucket is missing; a production environment keeps its terraform state (which holds the notification and redis secrets) in a gcs bucket, never on the deploying machine',
        'production',
      ),
    );
  }
  walk(source.value, [], (path, value) => {
    if (typeof value === 'string' && PLACEHOLDER_RE.test(value)) {
      const shown = shownValue(value, secretFieldAt(environmentSchema, path));
      out.push(
        problemAt(
          source,
          path,
          `${fieldPath(path)} is ${shown}, a placeholder; a production environment needs the real value`,
          'production',
          true,
        ),
      );
    }
  });
  return out;
}

/**
 * The production fail-fast on the values the file leaves to a default: a default that is itself a
 * placeholder (the `localhost` servers of `prometheusServers`) is refused as if it were written,
 * at the nearest field the file has. Reads the parsed config, so any default added later is
 * covered by the same placeholder pattern.
 */
export function defaultedPlaceholderProblems(source: YamlSource, env: EnvironmentConfig): Problem[] {
  const out = new Map<string, Problem>();
  walk(env, [], (path, value) => {
    if (typeof value !== 'string' || !PLACEHOLDER_RE.test(value) || source.doc.hasIn(path)) return;
    // A list default is reported once, as the list.
    const field = typeof path[path.length - 1] === 'number' ? path.slice(0, -1) : path;
    const key = fieldPath(field);
    if (out.has(key)) return;
    const given = typeof path[path.length - 1] === 'number' ? JSON.stringify(walkValue(env, field)) : shownValue(value);
    out.set(
      key,
      problemAt(
        source,
        field,
        `${key} is not set and defaults to ${given}, a placeholder; a production environment needs the real value`,
        'production',
      ),
    );
  });
  return [...out.values()];
}

function walkValue(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown>)[k], value);
}

/**
 * Regions Google has, subnet ranges that are usable private IPv4 CIDRs, and no two region subnets
 * of the one VPC overlapping (environments/network-rules.ts). Works on the file as written, so it
 * reports alongside shape problems elsewhere in the file.
 */
function networkProblems(source: YamlSource): Problem[] {
  const out: Problem[] = [];
  const regions = (source.value as { gcp?: { regions?: unknown } } | null)?.gcp?.regions;
  if (!Array.isArray(regions)) return out;
  const ranges: { index: number; text: string; name: unknown; cidr: Cidr }[] = [];
  regions.forEach((r: { name?: unknown; subnetCidr?: unknown } | null, i) => {
    const at = (field: string, message: string) => problemAt(source, ['gcp', 'regions', i, field], message, 'network', true);
    const name = r?.name;
    const region = typeof name === 'string' ? regionProblem(name) : undefined;
    if (region) out.push(at('name', `gcp.regions[${i}].name "${String(name)}" ${region}`));
    const text = r?.subnetCidr;
    if (typeof text !== 'string') return;
    const subnet = subnetProblem(text);
    if (subnet) {
      out.push(at('subnetCidr', `gcp.regions[${i}].subnetCidr "${text}" ${subnet}`));
      return;
    }
    const cidr = parseCidr(text) as Cidr;
    const clash = ranges.find((other) => overlaps(other.cidr, cidr));
    if (clash) {
      out.push(
        at(
          'subnetCidr',
          `gcp.regions[${i}].subnetCidr "${text}" overlaps gcp.regions[${clash.index}].subnetCidr "${clash.text}" (${String(clash.name)}); allowed: disjoint ranges, one vpc routes them all`,
        ),
      );
    }
    ranges.push({ index: i, text, name, cidr });
  });
  return out;
}

/**
 * Problems with the SLOs an environment names in `platformSlos`: each must be in the catalog, and
 * the two latency targets must be latency SLOs. Symptom alerts, dashboard lines and Cloud
 * Monitoring policies draw their thresholds from them.
 */
export function platformSloProblems(source: YamlSource, env: EnvironmentConfig, catalog: SloCatalog): Problem[] {
  const out: Problem[] = [];
  for (const [field, id] of Object.entries(env.platformSlos)) {
    const slo = catalog.slos.find((s) => s.id === id);
    const at = (message: string) => problemAt(source, ['platformSlos', field], message, 'environment', true);
    if (!slo) {
      const known = catalog.slos.map((s) => s.id).join(', ');
      out.push(at(`platformSlos.${field} names slo "${id}", which is not in the catalog; allowed: one of ${known}`));
    } else if ((field === 'lightLatency' || field === 'webhookLatency') && slo.sli.kind !== 'latency') {
      out.push(at(`platformSlos.${field} names slo "${id}", a ${slo.sli.kind} slo; allowed: a latency slo`));
    }
  }
  return out;
}

/**
 * Problems with the Prometheus retention an environment states: shorter than the longest SLO
 * window of the catalog needs (`requiredRetention`), the whole-window SLI and the remaining budget
 * would read only part of their window.
 */
export function retentionProblems(source: YamlSource, env: EnvironmentConfig, catalog: SloCatalog): Problem[] {
  const given = env.prometheusServers.retention;
  const needed = requiredRetention(catalog);
  if (given === undefined || !needed || parseDuration(given) >= needed.seconds) return [];
  return [
    problemAt(
      source,
      ['prometheusServers', 'retention'],
      `prometheusServers.retention is ${given}, shorter than the ${needed.slo.window} window of slo ${needed.slo.id} (plus its 5m base rate) needs; allowed: at least ${needed.duration}`,
      'environment',
      true,
    ),
  ];
}

/**
 * Reads, parses and validates `environments/<name>.yaml` (or any path). With a catalog, also
 * checks that the platform SLOs it names exist there and resolves them, once.
 */
export function loadEnvironment(
  nameOrPath: string,
  catalog?: SloCatalog,
): { env?: EnvironmentConfig; platform?: PlatformSlos; problems: Problem[] } {
  const path = /\.ya?ml$/.test(nameOrPath) ? nameOrPath : join(ENVIRONMENTS_DIR, `${nameOrPath}.yaml`);
  const file = displayPath(path);
  const read = readUtf8(path);
  if ('error' in read) return { problems: [{ file, line: 1, col: 1, field: '', message: read.error, rule: 'file' }] };
  // The fast pass first, as for spec files (slos/catalog.ts): an environment with any problem is
  // read again by the exact parser, whose problems and positions are the ones reported.
  const fast = parseYamlFast(file, read.text);
  const result = fast && checkEnvironment(fast, catalog);
  if (result && result.problems.length === 0) return result;
  const parsed = parseYaml(file, read.text);
  return parsed.source ? checkEnvironment(parsed.source, catalog) : { problems: parsed.problems };
}

function checkEnvironment(
  source: YamlSource,
  catalog: SloCatalog | undefined,
): { env?: EnvironmentConfig; platform?: PlatformSlos; problems: Problem[] } {
  const result = parseEnvironment(source);
  if (!result.env || !catalog) return result;
  const problems = [...platformSloProblems(source, result.env, catalog), ...retentionProblems(source, result.env, catalog)];
  return problems.length > 0 ? { problems } : { ...result, platform: platformSlos(result.env, catalog) };
}

/** Loads an environment or throws one error listing every problem as `file:line:col: message`. */
export function loadEnvironmentOrThrow(nameOrPath: string, catalog?: SloCatalog): EnvironmentConfig {
  const { env, problems } = loadEnvironment(nameOrPath, catalog);
  if (!env) {
    throw new Error(`invalid environment config:\n${problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join('\n')}`);
  }
  return env;
}

function walk(value: unknown, path: PropertyKey[], visit: (path: PropertyKey[], value: unknown) => void): void {
  visit(path, value);
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i], visit));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k], visit);
}
