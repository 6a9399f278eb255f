/**
 * Every number of the non-SLO alert policies, derived in one place from the platform SLOs, the
 * RPO and the configured limits (environments/schema.ts `monitoring`, `database`, `redis`,
 * `service`). Tests recompute each value from the same inputs; docs/monitoring.md explains them.
 */
import { platformSlos } from '../../environments/platform-slos';
import type { EnvironmentConfig } from '../../environments/schema';
import { roundSignificant, WORKBOOK_WINDOWS } from '../../slos/burn-rate';
import type { SloCatalog } from '../../slos/model';

/** The derived thresholds of one environment. */
export interface MonitoringThresholds {
  /**
   * How long a symptom must hold before its policy fires: the shortest short window of the
   * burn-rate table (5 m), the same window that resets the fast-burn page.
   */
  readonly symptomWindowSeconds: number;
  /** Alignment of gauge and distribution metrics: the 60 s sampling period of the Google metrics. */
  readonly alignmentSeconds: number;
  /**
   * Alignment of the rates and means a symptom policy holds for `symptomWindowSeconds`: two
   * sampling periods, the shortest span a rate is computed over. Aligned over the whole hold
   * instead, a burst of a minute keeps the aligned value high for the hold after it ended and the
   * policy fires for a fault already over (the echo the Prometheus symptoms avoid by reading two
   * scrapes, layers/platform/symptoms.ts); aligned over two periods, a policy may still fire up to
   * two minutes after a fault of at least the hold minus two minutes ended, and a shorter fault
   * never fires it.
   */
  readonly symptomAlignmentSeconds: number;
  /** Replica lag: warn at half the RPO (time to act before a failover would lose more than the RPO), page at the RPO. */
  readonly replicaLagSeconds: { readonly warning: number; readonly page: number };
  readonly sqlCpuUtilization: { readonly warning: number; readonly critical: number };
  readonly sqlDiskUtilization: number;
  /** Backends at `saturationShare` of `max_connections`. */
  readonly sqlConnections: number;
  readonly redisMemoryUsage: { readonly warning: number; readonly critical: number };
  /** Connected clients at `saturationShare` of `maxClients`. */
  readonly redisConnectedClients: number;
  /** A Redis server uptime below this means it restarted within the symptom window. */
  readonly redisRestartUptimeSeconds: number;
  /** 5xx share of Cloud Run requests: the error-rate SLO's error budget. */
  readonly run5xxRatio: number;
  /** p99 (or the light-latency SLO's own percentile) of Cloud Run request latency, in ms: the SLO threshold. */
  readonly runLatencyMs: number;
  /** Per-series aligner that computes the light-latency SLO's percentile. */
  readonly runLatencyAligner: string;
  /** Active instances: warn at `saturationShare` of the maximum, critical at the maximum. */
  readonly runInstances: { readonly warning: number; readonly critical: number };
  /** 5xx share at the load balancer: the error-rate SLO's error budget. */
  readonly lb5xxRatio: number;
  /** A region is down when more than this many checker locations fail its check (one flaky checker is not enough). */
  readonly uptimeFailingLocations: number;
  /** The service is down when this many regions fail at once ("more than one region"). */
  readonly uptimeFailingRegions: number;
}

/** How often Google samples the Cloud Run, Cloud SQL and Memorystore metrics the policies read (https://cloud.google.com/monitoring/api/metrics_gcp). */
const GOOGLE_SAMPLING_PERIOD_SECONDS = 60;

/** Aligners Cloud Monitoring has for a distribution percentile, by percentile. */
const PERCENTILE_ALIGNERS: Readonly<Record<number, string>> = {
  99: 'ALIGN_PERCENTILE_99',
  95: 'ALIGN_PERCENTILE_95',
  50: 'ALIGN_PERCENTILE_50',
  5: 'ALIGN_PERCENTILE_05',
};

/** The aligner for the percentile a latency objective names (99 % within the threshold → p99). */
export function percentileAligner(objectivePercent: number): string {
  const aligner = PERCENTILE_ALIGNERS[objectivePercent];
  if (!aligner) {
    throw new Error(
      `cloud monitoring has no percentile aligner for a ${objectivePercent} % latency objective (supported: ${Object.keys(PERCENTILE_ALIGNERS).join(', ')})`,
    );
  }
  return aligner;
}

/** Derives the thresholds; throws when a platform SLO is missing or its percentile has no aligner. */
export function monitoringThresholds(env: EnvironmentConfig, catalog: SloCatalog): MonitoringThresholds {
  const slos = platformSlos(env, catalog);
  const m = env.monitoring;
  const share = (limit: number) => roundSignificant(m.saturationShare * limit);
  const symptomWindowSeconds = Math.min(...WORKBOOK_WINDOWS.map((w) => w.shortWindowSeconds));
  const alignmentSeconds = GOOGLE_SAMPLING_PERIOD_SECONDS;
  return {
    symptomWindowSeconds,
    alignmentSeconds,
    symptomAlignmentSeconds: Math.min(symptomWindowSeconds, 2 * alignmentSeconds),
    replicaLagSeconds: { warning: env.database.rpoSeconds / 2, page: env.database.rpoSeconds },
    sqlCpuUtilization: { warning: m.cpuUtilization.warning, critical: m.cpuUtilization.critical },
    sqlDiskUtilization: m.diskUtilization,
    sqlConnections: share(env.database.maxConnections),
    redisMemoryUsage: { warning: m.redisMemoryUsage.warning, critical: m.redisMemoryUsage.critical },
    redisConnectedClients: share(env.redis.maxClients),
    redisRestartUptimeSeconds: Math.min(...WORKBOOK_WINDOWS.map((w) => w.shortWindowSeconds)),
    run5xxRatio: slos.errorRate.errorBudget,
    runLatencyMs: roundSignificant(slos.lightLatency.sli.thresholdSeconds * 1000),
    runLatencyAligner: percentileAligner(slos.lightLatency.objectivePercent),
    runInstances: { warning: Math.ceil(share(env.service.maxInstances)), critical: env.service.maxInstances },
    lb5xxRatio: slos.errorRate.errorBudget,
    uptimeFailingLocations: 1,
    uptimeFailingRegions: 2,
  };
}
