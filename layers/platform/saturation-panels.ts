/**
 * Saturation of the shared infrastructure: Cloud Run instances and CPU, Redis memory, Postgres
 * connections and replication lag. Lines come from the environment's configured limits.
 */
import * as units from '@grafana/grafana-foundation-sdk/units';
import { COLOR, type PanelContext, timeseriesPanel } from '../../dashboards/panels/common';
import { quantileLabel } from '../../dashboards/panels/latency';
import type { EnvironmentConfig } from '../../environments/schema';
import { GOOGLE_REGION_LABEL, saturationQueries, SATURATION_QUANTILE } from './queries';

/** Widths of the saturation panels: three on the first line (Cloud Run, Redis), two on the second (Postgres). */
const SPANS = Object.freeze({ compute: 8, database: 12 });

/** The five saturation panels, in layout order. */
export function saturationPanels(ctx: PanelContext, env: EnvironmentConfig) {
  const q = saturationQueries(env);
  const share = env.monitoring.saturationShare;
  const limit = (path: string, value: number) => [
    { value: value * share, color: COLOR.warn, origin: { kind: 'env', path, scale: share } as const },
    { value, color: COLOR.bad, origin: { kind: 'env', path, scale: 1 } as const },
  ];
  return [
    timeseriesPanel(ctx, {
      title: 'Cloud Run instances',
      description: `Instances per region (active and idle). Lines: ${percent(share)} of and the configured maximum (${env.service.maxInstances} per region).`,
      unit: units.Short,
      queries: [{ expr: q.cloudRunInstances, legend: `{{${GOOGLE_REGION_LABEL.cloudRun}}}` }],
      span: SPANS.compute,
      min: 0,
      thresholds: { base: COLOR.ok, steps: limit('service.maxInstances', env.service.maxInstances) },
    }),
    timeseriesPanel(ctx, {
      title: 'Cloud Run CPU',
      description: `${quantileLabel(SATURATION_QUANTILE)} of container CPU utilization per region.`,
      unit: units.PercentUnit,
      queries: [{ expr: q.cloudRunCpu, legend: `{{${GOOGLE_REGION_LABEL.cloudRun}}}` }],
      span: SPANS.compute,
      min: 0,
    }),
    timeseriesPanel(ctx, {
      title: 'Redis memory',
      description: 'Used memory as a share of maxmemory per instance. Lines: the warning and critical alert levels.',
      unit: units.PercentUnit,
      queries: [{ expr: q.redisMemory, legend: '{{instance_id}}' }],
      span: SPANS.compute,
      min: 0,
      thresholds: {
        base: COLOR.ok,
        steps: [
          {
            value: env.monitoring.redisMemoryUsage.warning,
            color: COLOR.warn,
            origin: { kind: 'env', path: 'monitoring.redisMemoryUsage.warning', scale: 1 },
          },
          {
            value: env.monitoring.redisMemoryUsage.critical,
            color: COLOR.bad,
            origin: { kind: 'env', path: 'monitoring.redisMemoryUsage.critical', scale: 1 },
          },
        ],
      },
    }),
    timeseriesPanel(ctx, {
      title: 'Postgres connections',
      description: `Server processes (connections) per instance. Lines: ${percent(share)} of and max_connections (${env.database.maxConnections}).`,
      unit: units.Short,
      queries: [{ expr: q.postgresConnections, legend: '{{database_id}}' }],
      span: SPANS.database,
      min: 0,
      thresholds: { base: COLOR.ok, steps: limit('database.maxConnections', env.database.maxConnections) },
    }),
    timeseriesPanel(ctx, {
      title: 'Postgres replication lag',
      description: `Replica lag behind the primary. Line: the recovery point objective (${env.database.rpoSeconds} s); a failover with more lag loses more than the RPO allows.`,
      unit: units.Seconds,
      queries: [{ expr: q.postgresReplicationLag, legend: '{{database_id}}' }],
      span: SPANS.database,
      min: 0,
      thresholds: {
        base: COLOR.ok,
        steps: [{ value: env.database.rpoSeconds, color: COLOR.bad, origin: { kind: 'env', path: 'database.rpoSeconds', scale: 1 } }],
      },
    }),
  ];
}

function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(12))} %`;
}
