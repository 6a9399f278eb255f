/** Template variables: the Prometheus data source, the regions, and the Cloud Run service. */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { EnvironmentConfig } from '../environments/schema';
import { cloudRunServices, VAR } from './queries';

/** Value of a multi-value variable's "All" option: every value, as a regex. */
const ALL_REGEX = '.*';

/** Prometheus-type data sources; every panel queries the one selected here. */
export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(VAR.datasource).label('Data source').type('prometheus');
}

/** A multi-value variable over fixed `values`, "All" selected. */
function listVariable(name: string, label: string, values: readonly string[]): dashboard.CustomVariableBuilder {
  return new dashboard.CustomVariableBuilder(name)
    .label(label)
    .values(values.join(','))
    .options(values.map((v) => ({ text: v, value: v, selected: false })))
    .multi(true)
    .includeAll(true)
    .allValue(ALL_REGEX)
    .current({ text: ['All'], value: ['$__all'] });
}

/** The environment's regions, from its config (adding a region is a config change). */
export function regionVariable(env: EnvironmentConfig): dashboard.CustomVariableBuilder {
  return listVariable(
    VAR.region,
    'Region',
    env.gcp.regions.map((r) => r.name),
  );
}

/** The environment's Cloud Run services, one per region (names from environments/naming.ts). */
export function serviceVariable(env: EnvironmentConfig): dashboard.CustomVariableBuilder {
  return listVariable(VAR.service, 'Cloud Run service', cloudRunServices(env));
}
