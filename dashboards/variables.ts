/** Template variables: the Prometheus data source, and the list variables layers add. */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { VAR } from './queries';

/** Value of a multi-value variable's "All" option: every value, as a regex. */
const ALL_REGEX = '.*';

/** Prometheus-type data sources; every panel queries the one selected here. */
export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(VAR.datasource).label('Data source').type('prometheus');
}

/** A multi-value variable over fixed `values`, "All" selected. */
export function listVariable(name: string, label: string, values: readonly string[]): dashboard.CustomVariableBuilder {
  return new dashboard.CustomVariableBuilder(name)
    .label(label)
    .values(values.join(','))
    .options(values.map((v) => ({ text: v, value: v, selected: false })))
    .multi(true)
    .includeAll(true)
    .allValue(ALL_REGEX)
    .current({ text: ['All'], value: ['$__all'] });
}
