/** Grafana artifacts of `slo generate`: one JSON file per dashboard. */
import type { Artifact } from '../slos/artifact';
import type { SloCatalog } from '../slos/model';
import { NO_DASHBOARD_LAYERS, type DashboardInputs } from './layer';
import type { BuiltDashboard } from './panels/common';
import { goldenSignalsDashboard } from './golden-signals';
import { eachDashboard } from './render';
import { sloDashboard } from './slo-overview';

/** Directory of the dashboard files inside the output directory. */
export const GRAFANA_DIR = 'grafana';

/**
 * JSON with object keys sorted at every level and two-space indentation, ending in a newline, so
 * the same dashboard always serializes to the same bytes (and diffs stay small).
 */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * `grafana/<uid>.json` for every dashboard: the dashboard model itself, importable as is through
 * the Grafana UI or `POST /api/dashboards/db`. JSON has no comments, so the generated-file notice
 * is in each dashboard's description. Rendered dashboards already have sorted keys
 * (dashboards/private/scaffold.ts `plainJson`), so they are printed without sorting again, which
 * keeps large catalogs fast; the tests check the output equals `stableJson`.
 */
export function grafanaArtifacts(catalog: SloCatalog, inputs: DashboardInputs = NO_DASHBOARD_LAYERS): Artifact[] {
  return [...eachGrafanaArtifact(catalog, inputs)];
}

/** grafanaArtifacts one dashboard at a time, rendered as they are taken. */
export function* eachGrafanaArtifact(catalog: SloCatalog, inputs: DashboardInputs = NO_DASHBOARD_LAYERS): Generator<Artifact> {
  const dashboards = eachDashboard(catalog, inputs);
  // Each dashboard model is let go before its file is handed on: the SLO dashboard of 10,000 SLOs
  // is a model of hundreds of megabytes, no longer needed while its text is hashed and written.
  for (let a = nextArtifact(dashboards); a; a = nextArtifact(dashboards)) yield a;
}

function nextArtifact(dashboards: Iterator<BuiltDashboard>): Artifact | undefined {
  const next = dashboards.next();
  return next.done ? undefined : dashboardArtifact(next.value);
}

/**
 * The golden-signals dashboard file of one service, as `eachGrafanaArtifact` yields it. It depends
 * on nothing but the catalog, the service and the inputs (`slo generate` renders them in worker
 * threads for large catalogs).
 */
export function goldenSignalsArtifact(catalog: SloCatalog, service: string, inputs: DashboardInputs = NO_DASHBOARD_LAYERS): Artifact {
  return dashboardArtifact(goldenSignalsDashboard(catalog, service, inputs));
}

/** The SLO dashboard file, as `eachGrafanaArtifact` yields it last. */
export function sloDashboardArtifact(catalog: SloCatalog): Artifact {
  return dashboardArtifact(sloDashboard(catalog));
}

function dashboardArtifact(d: BuiltDashboard): Artifact {
  return { path: `${GRAFANA_DIR}/${d.uid}.json`, content: jsonParts(d.json) };
}

/**
 * `JSON.stringify(value, null, 2)` and a newline, as parts: one per member of the top-level
 * object, and one per element of a member that is an array. A dashboard's description holds the
 * generated-file notice, whose em dash is beyond Latin-1: one string holding it is UTF-16
 * throughout (the SLO dashboard of 10,000 SLOs: 188 MB instead of 94), where apart only the
 * description's part is. The panels of the SLO dashboard of 10,000 SLOs took 1.7 to 2.3 s as one
 * string and 0.9 to 1.1 s a panel at a time.
 */
export function jsonParts(value: object): string[] {
  if (Array.isArray(value)) return [`${JSON.stringify(value, null, 2)}\n`];
  const parts = ['{\n'];
  for (const [k, v] of Object.entries(value)) {
    // `{\n  "k": …\n}` with the braces cut off is the member as it is written inside the whole
    const member = Array.isArray(v) && v.length > 0 ? arrayMemberParts(k, v) : [JSON.stringify({ [k]: v }, null, 2).slice(2, -2)];
    if (member[0] === '') continue;
    if (parts.length > 1) parts.push(',\n');
    for (const part of member) parts.push(part);
  }
  if (parts.length === 1) return ['{}\n'];
  parts.push('\n}\n');
  return parts;
}

/** A top-level member holding a non-empty array, as `jsonParts` writes it inside the whole: the opening, each element, the closing. */
function arrayMemberParts(k: string, elements: readonly unknown[]): string[] {
  const open = `  ${JSON.stringify(k)}: [\n`;
  const parts = [open];
  elements.forEach((element, i) => {
    if (i > 0) parts.push(',\n');
    // `{\n  "k": [\n    …\n  ]\n}` cut down to the element, indented as it is inside the whole
    parts.push(JSON.stringify({ [k]: [element] }, null, 2).slice(2 + open.length, -6));
  });
  parts.push('\n  ]');
  return parts;
}
