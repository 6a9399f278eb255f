/**
 * The narrow inputs of the server configurations (Alertmanager, Prometheus, blackbox exporter),
 * resolved once from an environment. The renderers never see the rest of the environment.
 */
import { edgeAccess } from '../../environments/edge-access';
import { names } from '../../environments/naming';
import type { EnvironmentConfig } from '../../environments/schema';
import { formatDuration } from '../../slos/duration';
import type { SloCatalog } from '../../slos/model';
import { requiredRetention } from '../../slos/retention';
import { SEVERITIES, type Severity } from '../../slos/schema';

/** Prometheus' own default retention (15 d), for a catalog without SLOs. */
const DEFAULT_RETENTION_SECONDS = 15 * 86400;
import { parseSecretRef } from '../cloud-monitoring/channels';

/** Notification target of one severity, with every credential as a file path. */
export interface ReceiverInput {
  readonly severity: Severity;
  /** PagerDuty Events v2: the file holding the integration (routing) key. */
  readonly pagerduty?: { readonly routingKeyFile: string };
  /** Slack: the channel and the file holding the bot token. */
  readonly slack?: { readonly channel: string; readonly tokenFile: string };
  /** E-mail recipients. */
  readonly email?: { readonly addresses: readonly string[] };
}

/** One region's endpoints. */
export interface RegionEndpoints {
  readonly region: string;
  /** `host:port` of the API's metrics endpoint in the region. */
  readonly metricsTarget: string;
  /** URL of the region's health endpoint, probed by the blackbox exporter. */
  readonly healthUrl: string;
  /**
   * File holding the bearer token the probe of `healthUrl` shows IAP (with `edge.access: iap`:
   * `<prometheusServers.probeTokenDir>/<region>.<domain>`); absent when the edge is public.
   */
  readonly probeTokenFile?: string;
}

/** Everything the server configurations are rendered from. */
export interface ServerInputs {
  /** Environment name, the prefix of receiver names. */
  readonly environment: string;
  /** Configured notification targets, most urgent severity first. */
  readonly receivers: readonly ReceiverInput[];
  readonly smtp: {
    readonly smarthost: string;
    readonly from: string;
    readonly username?: string;
    readonly passwordFile?: string;
  };
  /** Alertmanagers (host:port) Prometheus sends alerts to. */
  readonly alertmanagers: readonly string[];
  /** `job` of the API's metrics, as the SLIs and symptom alerts select it (the Cloud Run service name). */
  readonly metricsJob: string;
  /** `service` label of the probe results (the Cloud Run service name). */
  readonly probedService: string;
  readonly metricsScheme: 'http' | 'https';
  readonly metricsPath: string;
  readonly regions: readonly RegionEndpoints[];
  /** `host:port` of the blackbox exporter. */
  readonly blackboxExporter: string;
  readonly uptimePeriodSeconds: number;
  readonly uptimeTimeoutSeconds: number;
  /**
   * `--storage.tsdb.retention.time` of the Prometheus: the environment's `retention`, else what the
   * longest SLO window needs (`requiredRetention`).
   */
  readonly retention: string;
}

/**
 * Where Alertmanager reads a Secret Manager secret: `<secretsDir>/<secret name>`. The version is
 * chosen when the secret is mounted, not here, so rotating a secret never changes the config.
 */
export function secretFile(secretsDir: string, reference: string): string {
  return `${secretsDir}/${parseSecretRef(reference).secret}`;
}

/**
 * The server inputs of an environment, for the rules of `catalog` (whose longest SLO window sets
 * the retention when the environment states none).
 */
export function serverInputs(env: EnvironmentConfig, catalog: SloCatalog): ServerInputs {
  const s = env.prometheusServers;
  const file = (ref: string) => secretFile(s.secretsDir, ref);
  const receivers = SEVERITIES.flatMap((severity): ReceiverInput[] => {
    const t = env.notifications[severity];
    if (!t) return [];
    return [
      {
        severity,
        ...(t.pagerduty ? { pagerduty: { routingKeyFile: file(t.pagerduty.integrationKeySecret) } } : {}),
        ...(t.slack ? { slack: { channel: t.slack.channel, tokenFile: file(t.slack.tokenSecret) } } : {}),
        ...(t.email ? { email: { addresses: t.email.addresses } } : {}),
      },
    ];
  });
  return {
    environment: env.name,
    receivers,
    smtp: {
      smarthost: s.smtp.smarthost,
      from: s.smtp.from ?? `alertmanager@${env.domain}`,
      ...(s.smtp.username ? { username: s.smtp.username } : {}),
      ...(s.smtp.passwordSecret ? { passwordFile: file(s.smtp.passwordSecret) } : {}),
    },
    alertmanagers: s.alertmanagers,
    metricsJob: env.service.name,
    probedService: env.service.name,
    metricsScheme: s.metricsScheme,
    metricsPath: s.metricsPath,
    regions: env.gcp.regions.map((r) => {
      const host = names.regionalHost(env, r.name);
      return {
        region: r.name,
        metricsTarget: `${host}:${env.service.port}`,
        healthUrl: `https://${host}${env.service.healthPath}`,
        ...(edgeAccess(env).probeToken ? { probeTokenFile: `${s.probeTokenDir}/${host}` } : {}),
      };
    }),
    blackboxExporter: s.blackboxExporter,
    uptimePeriodSeconds: env.monitoring.uptimePeriodSeconds,
    uptimeTimeoutSeconds: env.monitoring.uptimeTimeoutSeconds,
    retention: s.retention ?? requiredRetention(catalog)?.duration ?? formatDuration(DEFAULT_RETENTION_SECONDS),
  };
}
