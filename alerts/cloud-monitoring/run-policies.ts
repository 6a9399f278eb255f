/**
 * Cloud Run policies per region (5xx ratio, latency, instance count) and the load balancer's 5xx
 * ratio. The ratio and latency thresholds are the platform SLOs' own numbers.
 */
import { names, regionCode } from '../../environments/naming';
import { platformSlos } from '../../environments/platform-slos';
import type { EnvironmentConfig } from '../../environments/schema';
import type { SloCatalog } from '../../slos/model';
import { lbFilter, runFilter } from './filters';
import type { PolicyDraft } from './model';
import { above, align } from './private/conditions';
import type { MonitoringThresholds } from './thresholds';

const percent = (ratio: number) => `${Number((ratio * 100).toPrecision(12))} %`;

/** The Cloud Run policies of every region and the load-balancer policy. */
export function runPolicies(env: EnvironmentConfig, catalog: SloCatalog, t: MonitoringThresholds): PolicyDraft[] {
  const slos = platformSlos(env, catalog);
  const rate = (groupBy: string) => [align(t.symptomAlignmentSeconds, 'ALIGN_RATE', 'REDUCE_SUM', [groupBy])];

  const regional = env.gcp.regions.flatMap(({ name: region }): PolicyDraft[] => {
    const service = names.cloudRunService(env, region);
    const code = regionCode(region);
    const byService = 'resource.label.service_name';
    const labels = { region };
    const instances = (severity: 'warning' | 'critical'): PolicyDraft => ({
      key: `run-instances-${severity}-${code}`,
      area: 'cloud-run',
      displayName:
        severity === 'critical'
          ? `Cloud Run ${service}: at its maximum of ${t.runInstances.critical} instances`
          : `Cloud Run ${service}: ${t.runInstances.warning} of ${t.runInstances.critical} instances in use`,
      severity,
      combiner: 'OR',
      conditions: [
        {
          ...above(
            'active instances',
            runFilter(env, region, 'container/instance_count', 'metric.label.state="active"'),
            t.runInstances[severity],
            t.symptomWindowSeconds,
            [align(t.alignmentSeconds, 'ALIGN_MAX', 'REDUCE_SUM', [byService])],
          ),
          comparison: 'COMPARISON_GE',
        },
      ],
      runbookAnchor: 'run-instances',
      summary:
        severity === 'critical'
          ? `The service in ${region} cannot scale further; requests queue and time out.`
          : `The service in ${region} uses ${percent(env.monitoring.saturationShare)} of service.maxInstances.`,
      firstSteps: [
        'Check whether the traffic is legitimate (Cloud Armor, per-client rates).',
        'Raise service.maxInstances if the database and Redis have room for more pools.',
      ],
      thresholdNote: severity === 'critical' ? 'service.maxInstances' : 'ceil(monitoring.saturationShare × service.maxInstances)',
      labels,
    });
    return [
      {
        key: `run-5xx-${code}`,
        area: 'cloud-run',
        displayName: `Cloud Run ${service}: 5xx ratio above ${percent(t.run5xxRatio)}`,
        severity: 'warning',
        combiner: 'OR',
        conditions: [
          above(
            '5xx share of requests',
            runFilter(env, region, 'request_count', 'metric.label.response_code_class="5xx"'),
            t.run5xxRatio,
            t.symptomWindowSeconds,
            rate(byService),
            { denominator: { filter: runFilter(env, region, 'request_count'), aggregations: rate(byService) } },
          ),
        ],
        runbookAnchor: 'run-5xx',
        summary: `More than the ${slos.errorRate.id} error budget (${percent(t.run5xxRatio)}) of requests in ${region} fail with a server error.`,
        firstSteps: [
          'Check recent deploys (revision) in the region and roll back if one correlates.',
          'Check Redis and Cloud SQL alerts in the same region.',
        ],
        thresholdNote: `error budget of ${slos.errorRate.id}`,
        labels,
      },
      {
        key: `run-latency-${code}`,
        area: 'cloud-run',
        displayName: `Cloud Run ${service}: latency above ${t.runLatencyMs} ms`,
        severity: 'warning',
        combiner: 'OR',
        conditions: [
          above(
            `request latency ${t.runLatencyAligner.replace('ALIGN_PERCENTILE_', 'p')} (ms)`,
            runFilter(env, region, 'request_latencies'),
            t.runLatencyMs,
            t.symptomWindowSeconds,
            [align(t.alignmentSeconds, t.runLatencyAligner, 'REDUCE_MAX', [byService])],
          ),
        ],
        runbookAnchor: 'run-latency',
        summary: `Request latency (${t.runLatencyAligner.replace('ALIGN_PERCENTILE_', 'p')}) in ${region} is above the ${slos.lightLatency.id} threshold.`,
        firstSteps: ['Check database and Redis latency in the region.', 'Check CPU throttling and the instance count.'],
        thresholdNote: `threshold of ${slos.lightLatency.id}, percentile from its objective`,
        labels,
      },
      instances('warning'),
      instances('critical'),
    ];
  });

  const byUrlMap = 'resource.label.url_map_name';
  const lb: PolicyDraft = {
    key: 'lb-5xx',
    area: 'load-balancer',
    displayName: `Load balancer ${names.urlMap(env)}: 5xx ratio above ${percent(t.lb5xxRatio)}`,
    severity: 'critical',
    combiner: 'OR',
    conditions: [
      above(
        '5xx share of requests',
        lbFilter(env, 'https/request_count', 'metric.label.response_code_class=500'),
        t.lb5xxRatio,
        t.symptomWindowSeconds,
        rate(byUrlMap),
        { denominator: { filter: lbFilter(env, 'https/request_count'), aggregations: rate(byUrlMap) } },
      ),
    ],
    runbookAnchor: 'lb-5xx',
    summary: `More than the ${slos.errorRate.id} error budget of requests at the edge fail with a server error, across all regions.`,
    firstSteps: [
      'Find the failing region on the regional Cloud Run 5xx policies.',
      'If every region fails, suspect a shared dependency (Cloud SQL primary, a bad global deploy).',
    ],
    thresholdNote: `error budget of ${slos.errorRate.id}`,
  };
  return [...regional, lb];
}
