/** Renders every dashboard of a catalog as plain Grafana dashboard JSON. */
import type { EnvironmentConfig } from '../environments/schema';
import type { SloCatalog } from '../slos/model';

/** One rendered dashboard: what `slo generate` writes and the Grafana stack deploys. */
export interface RenderedDashboard {
  /** Stable UID (slos/conventions.ts). */
  readonly uid: string;
  readonly title: string;
  /** The Grafana dashboard model (classic JSON, importable into Grafana 11+). */
  readonly json: Readonly<Record<string, unknown>>;
}

/** All dashboards: one golden-signals dashboard per service and the SLO dashboard. */
export function renderDashboards(_catalog: SloCatalog, _env: EnvironmentConfig): RenderedDashboard[] {
  return [];
}
