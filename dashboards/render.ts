/** Renders every dashboard of a catalog as plain Grafana dashboard JSON. */
import type { SloCatalog } from '../slos/model';
import { goldenSignalsDashboard } from './golden-signals';
import { NO_DASHBOARD_LAYERS, type DashboardInputs } from './layer';
import type { BuiltDashboard } from './panels/common';
import { sloDashboard } from './slo-overview';

/** One rendered dashboard: what `slo generate` writes and the Grafana stack deploys. */
export interface RenderedDashboard {
  /** Stable UID (slos/conventions.ts). */
  readonly uid: string;
  readonly title: string;
  /** The Grafana dashboard model (classic JSON, importable into Grafana 11+). */
  readonly json: Readonly<Record<string, unknown>>;
}

/** Every dashboard with the provenance of its thresholds (for tests and checks). */
export function buildDashboards(catalog: SloCatalog, inputs: DashboardInputs = NO_DASHBOARD_LAYERS): BuiltDashboard[] {
  return [...eachDashboard(catalog, inputs)];
}

/** buildDashboards one at a time, built as they are taken. */
export function* eachDashboard(catalog: SloCatalog, inputs: DashboardInputs = NO_DASHBOARD_LAYERS): Generator<BuiltDashboard> {
  for (const service of catalog.services) yield goldenSignalsDashboard(catalog, service, inputs);
  yield sloDashboard(catalog);
}

/** All dashboards: one golden-signals dashboard per service and the SLO dashboard. */
export function renderDashboards(catalog: SloCatalog, inputs: DashboardInputs = NO_DASHBOARD_LAYERS): RenderedDashboard[] {
  return buildDashboards(catalog, inputs).map(({ uid, title, json }) => ({ uid, title, json }));
}
