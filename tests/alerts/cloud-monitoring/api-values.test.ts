/**
 * Every value of the example plan checked against what the Cloud Monitoring API accepts, since
 * Terraform cannot validate it offline: metric and resource types and their label names (the GCP
 * metrics list, summarized in the shared reference gcp.md §4), the aligners and reducers each
 * metric's kind and value type allow (Monitoring API `Aggregation.Aligner` / `Reducer`), and the
 * enums of the alert policy, uptime check and SLO resources (provider doc comments).
 */
import { cloudMonitoringPlan, type Aggregation, type MonitoringPlan } from '../../../alerts/cloud-monitoring';
import { loadEnvironmentOrThrow } from '../../../environments/load';
import { loadCatalog } from '../../../slos/load';
import type { SloCatalog } from '../../../slos/model';

type Kind = 'GAUGE' | 'DELTA' | 'CUMULATIVE';
type ValueType = 'INT64' | 'DOUBLE' | 'BOOL' | 'DISTRIBUTION';

/** The metrics the plan may use: kind, value type, monitored resource and metric labels (GCP metrics list). */
const METRICS: Readonly<Record<string, { kind: Kind; value: ValueType; resource: string; labels: readonly string[] }>> = {
  'cloudsql.googleapis.com/database/up': { kind: 'GAUGE', value: 'INT64', resource: 'cloudsql_database', labels: [] },
  'cloudsql.googleapis.com/database/cpu/utilization': { kind: 'GAUGE', value: 'DOUBLE', resource: 'cloudsql_database', labels: [] },
  'cloudsql.googleapis.com/database/disk/utilization': { kind: 'GAUGE', value: 'DOUBLE', resource: 'cloudsql_database', labels: [] },
  'cloudsql.googleapis.com/database/replication/replica_lag': { kind: 'GAUGE', value: 'DOUBLE', resource: 'cloudsql_database', labels: [] },
  'cloudsql.googleapis.com/database/postgresql/num_backends': {
    kind: 'GAUGE',
    value: 'INT64',
    resource: 'cloudsql_database',
    labels: ['database'],
  },
  'redis.googleapis.com/stats/memory/usage_ratio': { kind: 'GAUGE', value: 'DOUBLE', resource: 'redis_instance', labels: ['role'] },
  'redis.googleapis.com/clients/connected': { kind: 'GAUGE', value: 'INT64', resource: 'redis_instance', labels: ['role'] },
  'redis.googleapis.com/server/uptime': { kind: 'GAUGE', value: 'INT64', resource: 'redis_instance', labels: ['role'] },
  'redis.googleapis.com/replication/role': { kind: 'GAUGE', value: 'INT64', resource: 'redis_instance', labels: ['role'] },
  'run.googleapis.com/request_count': {
    kind: 'DELTA',
    value: 'INT64',
    resource: 'cloud_run_revision',
    labels: ['response_code', 'response_code_class', 'route_type'],
  },
  'run.googleapis.com/request_latencies': {
    kind: 'DELTA',
    value: 'DISTRIBUTION',
    resource: 'cloud_run_revision',
    labels: ['response_code', 'response_code_class', 'route_type'],
  },
  'run.googleapis.com/container/instance_count': { kind: 'GAUGE', value: 'INT64', resource: 'cloud_run_revision', labels: ['state'] },
  'loadbalancing.googleapis.com/https/request_count': {
    kind: 'DELTA',
    value: 'INT64',
    resource: 'https_lb_rule',
    labels: ['response_code', 'response_code_class', 'proxy_continent', 'cache_result', 'client_country', 'protocol'],
  },
  'monitoring.googleapis.com/uptime_check/check_passed': {
    kind: 'GAUGE',
    value: 'BOOL',
    resource: 'uptime_url',
    labels: ['check_id', 'checker_location'],
  },
};

/** Labels of the monitored resources the plan filters on. */
const RESOURCE_LABELS: Readonly<Record<string, readonly string[]>> = {
  cloudsql_database: ['project_id', 'database_id', 'region'],
  redis_instance: ['project_id', 'region', 'instance_id', 'node_id'],
  cloud_run_revision: ['project_id', 'service_name', 'revision_name', 'location', 'configuration_name'],
  https_lb_rule: [
    'project_id',
    'url_map_name',
    'backend_target_name',
    'forwarding_rule_name',
    'target_proxy_name',
    'matched_url_path_rule',
    'backend_name',
    'backend_type',
    'backend_scope',
    'backend_scope_type',
    'region',
  ],
  uptime_url: ['project_id', 'host'],
};

/**
 * Which inputs an aligner takes and the value type it outputs (Monitoring API Aligner): rates need
 * DELTA or CUMULATIVE numbers; MIN/MAX/STDDEV need numbers; MEAN takes numbers or distributions;
 * percentiles take distributions; COUNT_TRUE/FALSE take BOOL; NEXT_OLDER takes anything unchanged.
 */
function alignedType(aligner: string, kind: Kind, value: ValueType): ValueType | string {
  const numeric = value === 'INT64' || value === 'DOUBLE';
  if (aligner === 'ALIGN_NEXT_OLDER') return value;
  if (aligner === 'ALIGN_RATE') return numeric && kind !== 'GAUGE' ? 'DOUBLE' : `${aligner} needs a DELTA or CUMULATIVE number`;
  if (aligner === 'ALIGN_MIN' || aligner === 'ALIGN_MAX') return numeric ? value : `${aligner} needs a number`;
  if (aligner === 'ALIGN_STDDEV') return numeric ? 'DOUBLE' : `${aligner} needs a number`;
  if (aligner === 'ALIGN_MEAN') return numeric || value === 'DISTRIBUTION' ? 'DOUBLE' : `${aligner} needs a number or distribution`;
  if (aligner.startsWith('ALIGN_PERCENTILE_')) return value === 'DISTRIBUTION' ? 'DOUBLE' : `${aligner} needs a distribution`;
  if (aligner === 'ALIGN_COUNT_TRUE' || aligner === 'ALIGN_COUNT_FALSE') return value === 'BOOL' ? 'INT64' : `${aligner} needs BOOL`;
  return `unknown aligner ${aligner}`;
}

/** Whether a reducer takes the aligned value type (Monitoring API Reducer). */
function reducerFits(reducer: string, value: ValueType | string): boolean {
  if (reducer === 'REDUCE_COUNT_TRUE' || reducer === 'REDUCE_COUNT_FALSE' || reducer === 'REDUCE_FRACTION_TRUE') return value === 'BOOL';
  if (['REDUCE_SUM', 'REDUCE_MEAN', 'REDUCE_MIN', 'REDUCE_MAX'].includes(reducer)) return value === 'INT64' || value === 'DOUBLE';
  return false;
}

/** The metric type, resource type and every label field a filter or group-by names. */
function fields(filter: string): { metric?: string; resource?: string; labels: string[] } {
  return {
    metric: /metric\.type="([^"]+)"/.exec(filter)?.[1],
    resource: /resource\.type="([^"]+)"/.exec(filter)?.[1],
    labels: [...filter.matchAll(/\b((?:resource|metric)\.labels?\.[a-z_]+)/g)].map((m) => m[1]!),
  };
}

/** Problems with one filter and its aggregations, in the words of the API. */
function filterProblems(filter: string, aggregations: readonly Aggregation[]): string[] {
  const f = fields(filter);
  const m = f.metric ? METRICS[f.metric] : undefined;
  if (!m) return [`unknown metric type ${f.metric}`];
  const problems: string[] = [];
  if (f.resource !== m.resource) problems.push(`${f.metric} is written against ${m.resource}, not ${f.resource}`);
  const names = [...f.labels, ...aggregations.flatMap((a) => a.groupByFields ?? [])];
  for (const field of names) {
    const [scope, , label] = field.split('.');
    const known = scope === 'resource' ? RESOURCE_LABELS[m.resource] : m.labels;
    if (!known?.includes(label!)) problems.push(`${field} is not a label of ${scope === 'resource' ? m.resource : f.metric}`);
  }
  for (const a of aggregations) {
    const aligned = alignedType(a.perSeriesAligner, m.kind, m.value);
    if (!['INT64', 'DOUBLE', 'BOOL', 'DISTRIBUTION'].includes(aligned)) problems.push(aligned);
    else if (a.crossSeriesReducer && !reducerFits(a.crossSeriesReducer, aligned)) {
      problems.push(`${a.crossSeriesReducer} does not take ${aligned} (after ${a.perSeriesAligner})`);
    }
    if (a.alignmentPeriodSeconds < 60 || a.alignmentPeriodSeconds % 60 !== 0)
      problems.push(`alignment period ${a.alignmentPeriodSeconds}s`);
  }
  return problems;
}

describe('cloud monitoring plan values the API accepts', () => {
  let plan: MonitoringPlan;
  beforeAll(() => {
    // given the plan of the example environment
    plan = cloudMonitoringPlan(loadEnvironmentOrThrow('example'), loadCatalog({ slosDir: 'slos' }).catalog as SloCatalog);
  });

  test('every metric condition names a known metric on its own resource type, with existing labels and fitting aligners', () => {
    // when every threshold and absence condition that reads a metric is checked
    const problems = plan.policies.flatMap((p) =>
      p.conditions
        .filter((c) => c.kind !== 'promql')
        .filter((c) => !c.filter.startsWith('select_slo_'))
        .flatMap((c) => [
          ...filterProblems(c.filter, c.aggregations),
          ...(c.kind === 'threshold' && c.denominator ? filterProblems(c.denominator.filter, c.denominator.aggregations) : []),
        ])
        .map((problem) => `${p.key}: ${problem}`),
    );
    // then there are none
    expect(problems).toEqual([]);
  });

  test('5xx classes use each metric own label format: "5xx" on Cloud Run, the integer 500 at the load balancer', () => {
    // gcp.md §4: run response_code_class is a string, loadbalancing response_code_class an integer
    const filters = plan.policies
      .flatMap((p) => p.conditions.flatMap((c) => (c.kind === 'promql' ? [] : [c.filter])))
      .filter((f) => f.includes('response_code_class'));
    expect(filters.length).toBeGreaterThan(0);
    for (const f of filters) {
      if (f.includes('run.googleapis.com')) expect(f).toContain('metric.label.response_code_class="5xx"');
      else expect(f).toContain('metric.label.response_code_class=500');
    }
  });

  test('burn-rate conditions use select_slo_burn_rate with a lookback in seconds and a zero duration', () => {
    // Monitoring "Retrieving SLO data": select_slo_burn_rate("<slo name>", "<lookback>"); the condition sets no aggregations
    const burn = plan.policies
      .flatMap((p) => p.conditions)
      .flatMap((c) => (c.kind === 'promql' ? [] : [c]))
      .filter((c) => c.filter.startsWith('select_slo_'));
    expect(burn.length).toBeGreaterThan(0);
    for (const c of burn) {
      expect(c.filter).toMatch(/^select_slo_burn_rate\("\{\{sloName:[^}]+\}\}", "\d+s"\)$/);
      expect(c.aggregations).toEqual([]);
      expect(c.durationSeconds).toBe(0);
    }
  });

  test('policies use only the documented severity, combiner and comparison values', () => {
    // provider doc comments: severity CRITICAL/ERROR/WARNING; combiner AND/OR/AND_WITH_MATCHING_RESOURCE; comparison COMPARISON_*
    for (const p of plan.policies) {
      expect(['CRITICAL', 'ERROR', 'WARNING']).toContain(p.policySeverity);
      expect(['AND', 'OR', 'AND_WITH_MATCHING_RESOURCE']).toContain(p.combiner);
      for (const c of p.conditions)
        if (c.kind === 'threshold') expect(['COMPARISON_GT', 'COMPARISON_GE', 'COMPARISON_LT', 'COMPARISON_LE']).toContain(c.comparison);
    }
  });

  test('SLO filters read DELTA counts for ratios and a DELTA distribution for the latency cut', () => {
    // provider doc of good_total_ratio filters: "ValueType = DOUBLE or ValueType = INT64 and MetricKind = DELTA or CUMULATIVE";
    // of distribution_filter: "ValueType = DISTRIBUTION and MetricKind = DELTA or CUMULATIVE"
    for (const slo of plan.slos) {
      const filters =
        slo.sli.kind === 'goodTotalRatio' ? [slo.sli.goodFilter, slo.sli.badFilter, slo.sli.totalFilter] : [slo.sli.distributionFilter];
      for (const f of filters.filter((x): x is string => x !== undefined)) {
        const m = METRICS[fields(f).metric ?? '']!;
        expect(m.kind).not.toBe('GAUGE');
        expect(m.value).toBe(slo.sli.kind === 'goodTotalRatio' ? 'INT64' : 'DISTRIBUTION');
      }
    }
  });
});
