/**
 * Loads and validates an environment config: zod shape, then semantic rules (one primary
 * region, one target per severity), then the production fail-fast on placeholder values.
 */
import { join } from 'node:path';
import { displayPath, readUtf8 } from '../slos/load';
import type { Problem } from '../slos/problems';
import { sortProblems } from '../slos/problems';
import { parseYaml, problemAt, type YamlSource } from '../slos/yaml-source';
import { zodProblems } from '../slos/zod-problem';
import { environmentSchema, type EnvironmentConfig } from './schema';

/** Values that mark a config as an example; a production environment must not contain them. */
const PLACEHOLDER_RE = /(^|[^a-z])(example|changeme|change-me|placeholder|todo|dummy|my-project)([^a-z]|$)|localhost|127\.0\.0\.1/i;

/** Where the bundled environments live. */
export const ENVIRONMENTS_DIR = join(__dirname);

/** Validates parsed YAML as an environment config. */
export function parseEnvironment(source: YamlSource): { env?: EnvironmentConfig; problems: Problem[] } {
  const parsed = environmentSchema.safeParse(source.value, { reportInput: true });
  if (!parsed.success) return { problems: sortProblems(parsed.error.issues.flatMap((i) => zodProblems(source, i, environmentSchema))) };
  const env = parsed.data;
  const problems: Problem[] = [];
  const primaries = env.gcp.regions.filter((r) => r.primary).length;
  if (primaries !== 1)
    problems.push(problemAt(source, ['gcp', 'regions'], `exactly one region must be primary; ${primaries} are`, 'environment'));
  const seen = new Set<string>();
  env.gcp.regions.forEach((r, i) => {
    if (seen.has(r.name))
      problems.push(problemAt(source, ['gcp', 'regions', i, 'name'], `region ${r.name} is listed twice`, 'environment', true));
    seen.add(r.name);
  });
  for (const [severity, target] of Object.entries(env.notifications)) {
    const kinds = Object.values(target ?? {}).filter((v) => v !== undefined).length;
    if (kinds !== 1)
      problems.push(
        problemAt(
          source,
          ['notifications', severity],
          `notifications.${severity} needs exactly one of pagerduty, slack or email; ${kinds} given`,
          'environment',
        ),
      );
  }
  if (env.service.minInstances > env.service.maxInstances) {
    problems.push(
      problemAt(
        source,
        ['service', 'minInstances'],
        `service.minInstances ${env.service.minInstances} exceeds service.maxInstances ${env.service.maxInstances}`,
        'environment',
        true,
      ),
    );
  }
  if (env.production) problems.push(...productionProblems(source, env));
  return problems.length > 0 ? { problems: sortProblems(problems) } : { env, problems };
}

/**
 * The production fail-fast: every placeholder value, every missing notification target. Each
 * problem names its field.
 */
export function productionProblems(source: YamlSource, env: EnvironmentConfig): Problem[] {
  const out: Problem[] = [];
  for (const severity of ['page', 'critical', 'warning', 'info'] as const) {
    if (!env.notifications[severity]) {
      out.push(
        problemAt(
          source,
          ['notifications'],
          `production environment has no notification target for severity ${severity} (notifications.${severity})`,
          'production',
        ),
      );
    }
  }
  walk(source.value, [], (path, value) => {
    if (typeof value === 'string' && PLACEHOLDER_RE.test(value)) {
      out.push(
        problemAt(
          source,
          path,
          `production environment has a placeholder value ${JSON.stringify(value)} in ${path.join('.')}`,
          'production',
          true,
        ),
      );
    }
  });
  return out;
}

/** Reads, parses and validates `environments/<name>.yaml` (or any path). */
export function loadEnvironment(nameOrPath: string): { env?: EnvironmentConfig; problems: Problem[] } {
  const path = /\.ya?ml$/.test(nameOrPath) ? nameOrPath : join(ENVIRONMENTS_DIR, `${nameOrPath}.yaml`);
  const file = displayPath(path);
  const read = readUtf8(path);
  if ('error' in read) return { problems: [{ file, line: 1, col: 1, field: '', message: read.error, rule: 'file' }] };
  const parsed = parseYaml(file, read.text);
  if (!parsed.source) return { problems: parsed.problems };
  return parseEnvironment(parsed.source);
}

/** Loads an environment or throws one error listing every problem as `file:line:col: message`. */
export function loadEnvironmentOrThrow(nameOrPath: string): EnvironmentConfig {
  const { env, problems } = loadEnvironment(nameOrPath);
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
