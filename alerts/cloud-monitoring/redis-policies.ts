/** Memorystore for Redis policies, one set per region: memory, connected clients, availability. */
import { names, regionCode } from '../../environments/naming';
import type { EnvironmentConfig } from '../../environments/schema';
import { redisFilter } from './filters';
import type { PolicyDraft } from './model';
import { above, align } from './private/conditions';
import type { MonitoringThresholds } from './thresholds';

/** The Redis policies of every region. */
export function redisPolicies(env: EnvironmentConfig, t: MonitoringThresholds): PolicyDraft[] {
  return env.gcp.regions.flatMap(({ name: region }): PolicyDraft[] => {
    const instance = names.redis(env, region);
    const code = regionCode(region);
    const byInstance = ['resource.label.instance_id'];
    const mean = [align(t.symptomAlignmentSeconds, 'ALIGN_MEAN', 'REDUCE_MAX', byInstance)];
    const memory = redisFilter(env, region, 'stats/memory/usage_ratio');
    const labels = { region };
    return [
      {
        key: `redis-memory-warning-${code}`,
        area: 'redis',
        displayName: `Redis ${instance}: memory usage above ${t.redisMemoryUsage.warning * 100} %`,
        severity: 'warning',
        combiner: 'OR',
        conditions: [above('memory usage ratio', memory, t.redisMemoryUsage.warning, t.symptomWindowSeconds, mean)],
        runbookAnchor: 'redis-memory',
        summary: `Redis in ${region} uses more than ${t.redisMemoryUsage.warning * 100} % of maxmemory; keys will be evicted when it is full.`,
        firstSteps: ['Check evicted keys and the largest key prefixes.', 'Scale memory_size_gb before it reaches the critical level.'],
        thresholdNote: 'monitoring.redisMemoryUsage.warning',
        labels,
      },
      {
        key: `redis-memory-critical-${code}`,
        area: 'redis',
        displayName: `Redis ${instance}: memory usage above ${t.redisMemoryUsage.critical * 100} %`,
        severity: 'critical',
        combiner: 'OR',
        conditions: [above('memory usage ratio', memory, t.redisMemoryUsage.critical, t.symptomWindowSeconds, mean)],
        runbookAnchor: 'redis-memory',
        summary: `Redis in ${region} is close to maxmemory: rate-limit and idempotency keys are being evicted.`,
        firstSteps: [
          'Raise memory_size_gb in the environment config and apply.',
          'Look for a runaway key prefix (audit chain, idempotency keys without TTL).',
        ],
        thresholdNote: 'monitoring.redisMemoryUsage.critical',
        labels,
      },
      {
        key: `redis-clients-${code}`,
        area: 'redis',
        displayName: `Redis ${instance}: connected clients near the limit`,
        severity: 'critical',
        combiner: 'OR',
        conditions: [
          above('connected clients', redisFilter(env, region, 'clients/connected'), t.redisConnectedClients, t.symptomWindowSeconds, [
            align(t.alignmentSeconds, 'ALIGN_MAX', 'REDUCE_MAX', byInstance),
          ]),
        ],
        runbookAnchor: 'redis-clients',
        summary: `Redis in ${region} has more than ${t.redisConnectedClients} connected clients (${env.monitoring.saturationShare * 100} % of maxclients ${env.redis.maxClients}); when the pool is exhausted the API answers 429.`,
        firstSteps: [
          'Check the Cloud Run instance count in the region (each instance holds a pool).',
          'Look for connection leaks: clients/connected rising without traffic.',
        ],
        thresholdNote: 'monitoring.saturationShare × redis.maxClients',
        labels,
      },
      {
        key: `redis-unavailable-${code}`,
        area: 'redis',
        displayName: `Redis ${instance}: unavailable, restarted or failing over`,
        severity: 'critical',
        combiner: 'OR',
        conditions: [
          {
            kind: 'absent',
            displayName: 'no metrics from the instance',
            filter: redisFilter(env, region, 'server/uptime'),
            durationSeconds: t.symptomWindowSeconds,
            aggregations: [align(t.alignmentSeconds, 'ALIGN_MAX', 'REDUCE_MAX', byInstance)],
          },
          {
            ...above('server uptime (s)', redisFilter(env, region, 'server/uptime'), t.redisRestartUptimeSeconds, 0, [
              align(t.alignmentSeconds, 'ALIGN_MIN', 'REDUCE_MIN', byInstance),
            ]),
            comparison: 'COMPARISON_LT',
          },
          above('replication role change (stddev)', redisFilter(env, region, 'replication/role'), 0, 0, [
            align(t.symptomWindowSeconds, 'ALIGN_STDDEV', 'REDUCE_MAX', byInstance),
          ]),
        ],
        runbookAnchor: 'redis-unavailable',
        summary: `Redis in ${region} stopped reporting, restarted or failed over. The rate limiter fails open while Redis is down; idempotency and the audit chain are degraded.`,
        firstSteps: [
          'Check the instance state and maintenance events in the Memorystore console.',
          'If it failed over, confirm clients reconnected (error rate of the region back to normal).',
        ],
        thresholdNote: `uptime below the symptom window (${t.redisRestartUptimeSeconds} s); any change of replication/role; no metrics for the symptom window`,
        labels,
      },
    ];
  });
}
