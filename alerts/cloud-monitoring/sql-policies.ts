/** Cloud SQL policies: replica lag from the RPO, instance down, CPU, disk, connections. */
import { names, primaryRegion, regionCode, secondaryRegions } from '../../environments/naming';
import type { EnvironmentConfig } from '../../environments/schema';
import { sqlFilter } from './filters';
import type { PolicyDraft } from './model';
import { above, align } from './private/conditions';
import type { MonitoringThresholds } from './thresholds';

/** The Cloud SQL policies of an environment: the primary plus one read replica per secondary region. */
export function sqlPolicies(env: EnvironmentConfig, t: MonitoringThresholds): PolicyDraft[] {
  const primary = names.sqlPrimary(env);
  const replicas = secondaryRegions(env).map((r) => ({ region: r.name, instance: names.sqlReplica(env, r.name) }));
  const all = [primary, ...replicas.map((r) => r.instance)];
  const byDatabase = ['resource.label.database_id'];
  const rpo = env.database.rpoSeconds;

  const lag = replicas.flatMap(({ region, instance }): PolicyDraft[] =>
    (['warning', 'page'] as const).map((severity) => ({
      key: `sql-replica-lag-${severity}-${regionCode(region)}`,
      area: 'sql',
      displayName: `Cloud SQL ${instance}: replica lag above ${t.replicaLagSeconds[severity]} s`,
      severity,
      combiner: 'OR',
      conditions: [
        above('replica lag (s)', sqlFilter(env, 'replication/replica_lag', [instance]), t.replicaLagSeconds[severity], t.alignmentSeconds, [
          align(t.alignmentSeconds, 'ALIGN_MAX', 'REDUCE_MAX', byDatabase),
        ]),
      ],
      runbookAnchor: 'sql-replica-lag',
      summary:
        severity === 'page'
          ? `The replica in ${region} is more than the RPO (${rpo} s) behind: promoting it now would lose more data than the RPO allows.`
          : `The replica in ${region} is more than half the RPO (${rpo} s) behind the primary.`,
      firstSteps: [
        'Check write volume and long transactions on the primary.',
        'Check the replica CPU and disk; a saturated replica cannot replay fast enough.',
        'Do not fail over to this replica while the lag exceeds the RPO unless the primary is lost.',
      ],
      thresholdNote: severity === 'page' ? 'database.rpoSeconds' : 'database.rpoSeconds / 2',
      labels: { region },
    })),
  );

  const down = all.map((instance, i): PolicyDraft => ({
    key: `sql-down-${i === 0 ? 'primary' : regionCode(replicas[i - 1]!.region)}`,
    area: 'sql',
    displayName: `Cloud SQL ${instance}: database down`,
    severity: i === 0 ? 'page' : 'critical',
    combiner: 'OR',
    conditions: [
      {
        ...above('database/up', sqlFilter(env, 'up', [instance]), 1, t.symptomWindowSeconds, [
          align(t.alignmentSeconds, 'ALIGN_MIN', 'REDUCE_MIN', byDatabase),
        ]),
        comparison: 'COMPARISON_LT',
        // An instance that is gone stops reporting database/up at all: count silence as down.
        evaluationMissingData: 'EVALUATION_MISSING_DATA_ACTIVE',
      },
    ],
    runbookAnchor: 'sql-down',
    summary:
      i === 0
        ? `The primary database in ${primaryRegion(env).name} is down: writes fail in every region.`
        : `The read replica in ${replicas[i - 1]!.region} is down; reads there fall back or fail.`,
    firstSteps:
      i === 0
        ? [
            'Check the instance state and operations in the Cloud SQL console.',
            `If the primary region is lost, follow the failover procedure (RTO ${env.database.rtoSeconds} s).`,
          ]
        : ['Check the replica state; recreate it from the primary if it cannot recover.'],
    thresholdNote: 'database/up is 1 when the instance is up',
    labels: { region: i === 0 ? primaryRegion(env).name : replicas[i - 1]!.region },
  }));

  const cpu = (severity: 'warning' | 'critical'): PolicyDraft => ({
    key: `sql-cpu-${severity}`,
    area: 'sql',
    displayName: `Cloud SQL: CPU utilization above ${t.sqlCpuUtilization[severity] * 100} %`,
    severity,
    combiner: 'OR',
    conditions: [
      above('cpu utilization', sqlFilter(env, 'cpu/utilization', all), t.sqlCpuUtilization[severity], t.symptomWindowSeconds, [
        align(t.alignmentSeconds, 'ALIGN_MEAN', 'REDUCE_MAX', byDatabase),
      ]),
    ],
    runbookAnchor: 'sql-cpu',
    summary: 'A Cloud SQL instance is CPU-bound; latency and replica lag follow.',
    firstSteps: ['Open Query Insights for the instance and find the top queries.', 'Scale the tier if the load is legitimate.'],
    thresholdNote: `monitoring.cpuUtilization.${severity}`,
  });

  return [
    ...lag,
    ...down,
    cpu('warning'),
    cpu('critical'),
    {
      key: 'sql-disk',
      area: 'sql',
      displayName: `Cloud SQL: disk utilization above ${t.sqlDiskUtilization * 100} %`,
      severity: 'warning',
      combiner: 'OR',
      conditions: [
        above('disk utilization', sqlFilter(env, 'disk/utilization', all), t.sqlDiskUtilization, t.symptomWindowSeconds, [
          align(t.alignmentSeconds, 'ALIGN_MAX', 'REDUCE_MAX', byDatabase),
        ]),
      ],
      runbookAnchor: 'sql-disk',
      summary: 'A Cloud SQL disk is filling up; autoresize may be capped or growing too slowly.',
      firstSteps: ['Check table and WAL growth.', 'Raise the disk size or the autoresize limit.'],
      thresholdNote: 'monitoring.diskUtilization',
    },
    {
      key: 'sql-connections',
      area: 'sql',
      displayName: `Cloud SQL: connections above ${t.sqlConnections} of ${env.database.maxConnections}`,
      severity: 'critical',
      combiner: 'OR',
      conditions: [
        above('backends (num_backends)', sqlFilter(env, 'postgresql/num_backends', all), t.sqlConnections, t.symptomWindowSeconds, [
          align(t.alignmentSeconds, 'ALIGN_MAX', 'REDUCE_SUM', byDatabase),
        ]),
      ],
      runbookAnchor: 'sql-connections',
      summary: `Backends are above ${env.monitoring.saturationShare * 100} % of max_connections; new connections will soon be refused.`,
      firstSteps: [
        'Compare with the Cloud Run instance count (each instance holds a pool).',
        'Look for idle-in-transaction sessions in pg_stat_activity.',
      ],
      thresholdNote: 'monitoring.saturationShare × database.maxConnections',
    },
  ];
}
