/**
 * Environment config (`environments/*.yaml`): where and how the platform runs. One zod schema,
 * types inferred from it. Secrets are always Secret Manager references, never literal values.
 */
import { z } from 'zod';
import { linkUrl, secretFields } from '../slos/text-policy';

/** A Secret Manager secret version reference: `projects/<project>/secrets/<name>/versions/<version>`. */
export const SECRET_REF_RE = /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/secrets\/[A-Za-z0-9_-]{1,255}\/versions\/(latest|[1-9][0-9]*)$/;

const secretRef = (what: string) =>
  z
    .string()
    .regex(SECRET_REF_RE, {
      message: `must be a secret manager reference projects/<project>/secrets/<name>/versions/<version>, never the secret itself`,
    })
    .describe(`${what}, as a Secret Manager secret version reference (never a literal).`)
    // hostile-input: a literal secret written here by mistake must never be echoed in a message.
    .register(secretFields, { referencePattern: SECRET_REF_RE.source });

const regionSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z]+-[a-z]+[0-9]+$/, { message: 'must be a google cloud region such as europe-west1' })
      .describe('Google Cloud region; one of environments/gcp-regions.ts.'),
    primary: z.boolean().default(false).describe('The primary region holds the Cloud SQL primary; exactly one region is primary.'),
    subnetCidr: z
      .string()
      .regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/, { message: 'must be an IPv4 CIDR range' })
      .describe('Primary range of the region subnet: private (RFC 1918 or RFC 6598), /8 to /29, not overlapping another region.'),
  })
  .describe('One region the platform runs in.');

const notificationSchema = z
  .strictObject({
    pagerduty: z.strictObject({ integrationKeySecret: secretRef('PagerDuty Events v2 integration key') }).optional(),
    slack: z
      .strictObject({
        channel: z
          .string()
          .regex(/^#[a-z0-9_-]+$/, { message: 'must be a slack channel such as #ops-alerts' })
          .describe('Slack channel.'),
        tokenSecret: secretRef('Slack bot token'),
      })
      .optional(),
    email: z.strictObject({ addresses: z.array(z.email()).min(1).describe('E-mail recipients.') }).optional(),
  })
  .describe('Where alerts of one severity go; exactly one target.');

/** Uptime checker locations of Cloud Monitoring (`selected_regions`). */
export const UPTIME_CHECKER_REGIONS = ['USA', 'EUROPE', 'SOUTH_AMERICA', 'ASIA_PACIFIC', 'USA_OREGON', 'USA_IOWA', 'USA_VIRGINIA'] as const;

const ratio = (what: string) => z.number().gt(0).lt(1).describe(what);

const MONITORING_DEFAULTS = {
  uptimeCheckerRegions: ['EUROPE', 'USA', 'ASIA_PACIFIC'] as (typeof UPTIME_CHECKER_REGIONS)[number][],
  uptimePeriodSeconds: 300 as const,
  uptimeTimeoutSeconds: 10,
  saturationShare: 0.8,
  cpuUtilization: { warning: 0.8, critical: 0.9 },
  diskUtilization: 0.8,
  redisMemoryUsage: { warning: 0.8, critical: 0.9 },
};

const warnCritical = (what: string, defaults: { warning: number; critical: number }) =>
  z
    .strictObject({ warning: ratio(`${what} that raises a warning.`), critical: ratio(`${what} that raises a critical alert.`) })
    .refine((v) => v.warning < v.critical, { message: 'warning must be below critical' })
    .default(defaults)
    .describe(`${what} thresholds (0–1).`);

/**
 * Tunables of the Cloud Monitoring alert policies that are not SLOs. Thresholds tied to an SLO,
 * to the RPO or to a configured limit are derived in alerts/cloud-monitoring, not set here.
 */
const monitoringSchema = z
  .strictObject({
    uptimeCheckerRegions: z
      .array(z.enum(UPTIME_CHECKER_REGIONS))
      .min(3)
      .refine((v) => new Set(v).size === v.length, { message: 'checker regions must be unique' })
      .default(MONITORING_DEFAULTS.uptimeCheckerRegions)
      .describe('Checker locations of the uptime checks; Cloud Monitoring needs at least 3.'),
    uptimePeriodSeconds: z
      .union([z.literal(60), z.literal(300), z.literal(600), z.literal(900)])
      .default(MONITORING_DEFAULTS.uptimePeriodSeconds)
      .describe('How often each checker location probes a region health endpoint.'),
    uptimeTimeoutSeconds: z.number().int().min(1).max(60).default(MONITORING_DEFAULTS.uptimeTimeoutSeconds).describe('Probe timeout.'),
    saturationShare: ratio(
      'Share of a configured limit (database max_connections, Redis maxClients, Cloud Run maxInstances) at which a saturation alert fires.',
    ).default(MONITORING_DEFAULTS.saturationShare),
    cpuUtilization: warnCritical('Cloud SQL CPU utilization', MONITORING_DEFAULTS.cpuUtilization),
    diskUtilization: ratio('Cloud SQL disk utilization that raises a warning (keep at least the rest free).').default(
      MONITORING_DEFAULTS.diskUtilization,
    ),
    redisMemoryUsage: warnCritical('Redis memory usage ratio (used / maxmemory)', MONITORING_DEFAULTS.redisMemoryUsage),
  })
  .default(MONITORING_DEFAULTS)
  .describe('Cloud Monitoring alert tunables; SLO-, RPO- and limit-derived thresholds are computed, not set here.');

/** Prometheus duration such as `5m` or `10m`, single unit. */
const promDuration = (what: string) =>
  z
    .string()
    .regex(/^[1-9][0-9]*[smhd]$/, { message: 'must be a prometheus duration such as 5m, 10m or 1h' })
    .describe(what);

const SYMPTOM_DEFAULTS = {
  forDuration: '5m',
  rateWindow: '5m',
  rateLimitedShare: 0.05,
  restartingInstances: 3,
  restartWindow: '10m',
  keyRotationTimeoutSeconds: 1800,
};

/**
 * Tunables of the Prometheus symptom alerts (alerts/prometheus/symptoms.ts) that no SLO or other
 * config value implies. SLO-, RPO- and limit-derived thresholds are computed, not set here.
 */
const symptomsSchema = z
  .strictObject({
    forDuration: promDuration(
      'Pending period (`for`) of the error, latency, dependency and pool symptom alerts (the availability one has none: its threshold counts probe rounds).',
    ).default(SYMPTOM_DEFAULTS.forDuration),
    rateWindow: promDuration(
      'Range of increase() over the revoked-key uses the key-rotation alert counts (the 429 share reads the fast symptom window instead: docs/alerting.md, "No echoes").',
    ).default(SYMPTOM_DEFAULTS.rateWindow),
    rateLimitedShare: ratio('Share of requests answered 429 at which the rate-limit saturation alert fires.').default(
      SYMPTOM_DEFAULTS.rateLimitedShare,
    ),
    restartingInstances: z
      .number()
      .int()
      .min(2)
      .default(SYMPTOM_DEFAULTS.restartingInstances)
      .describe('How many API instances restarting within restartWindow count as "several at once".'),
    restartWindow: promDuration('Window in which restarts are counted together.').default(SYMPTOM_DEFAULTS.restartWindow),
    keyRotationTimeoutSeconds: z
      .number()
      .int()
      .positive()
      .default(SYMPTOM_DEFAULTS.keyRotationTimeoutSeconds)
      .describe('A signing-key rotation started longer ago than this without completing has failed.'),
  })
  .default(SYMPTOM_DEFAULTS)
  .describe('Prometheus symptom-alert tunables; SLO-, RPO- and limit-derived thresholds are computed, not set here.');

/** `host:port` of a server Prometheus talks to. */
const hostPort = (what: string) =>
  z
    .string()
    .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?:[1-9][0-9]{0,4}$/, { message: 'must be host:port such as localhost:9093' })
    .describe(what);

const PROMETHEUS_SERVER_DEFAULTS = {
  alertmanagers: ['localhost:9093'],
  blackboxExporter: 'localhost:9115',
  metricsScheme: 'https' as const,
  metricsPath: '/metrics',
  secretsDir: '/etc/alertmanager/secrets',
  probeTokenDir: '/etc/blackbox/iap-tokens',
  smtp: { smarthost: 'localhost:25' },
};

/**
 * The self-run Prometheus, Alertmanager and blackbox exporter that evaluate the generated rules
 * (`slo generate --env` writes their configuration; docs/alerting.md "Alertmanager and Prometheus
 * configuration").
 */
const prometheusServersSchema = z
  .strictObject({
    alertmanagers: z
      .array(hostPort('Alertmanager'))
      .min(1)
      .default(PROMETHEUS_SERVER_DEFAULTS.alertmanagers)
      .describe('Alertmanagers Prometheus sends alerts to (host:port).'),
    blackboxExporter: hostPort('Blackbox exporter that probes each region health endpoint (host:port).').default(
      PROMETHEUS_SERVER_DEFAULTS.blackboxExporter,
    ),
    metricsScheme: z.enum(['http', 'https']).default(PROMETHEUS_SERVER_DEFAULTS.metricsScheme).describe('Scheme of the metrics endpoint.'),
    metricsPath: z
      .string()
      .regex(/^\/[A-Za-z0-9._~/-]*$/, { message: 'must be a url path such as /metrics' })
      .default(PROMETHEUS_SERVER_DEFAULTS.metricsPath)
      .describe('Path of the API metrics endpoint, scraped at <region>.<domain>:<service.port> in each region.'),
    secretsDir: z
      .string()
      .regex(/^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/, { message: 'must be an absolute directory such as /etc/alertmanager/secrets' })
      .default(PROMETHEUS_SERVER_DEFAULTS.secretsDir)
      .describe('Where Alertmanager finds each notification secret, mounted from Secret Manager as <secretsDir>/<secret name>.'),
    probeTokenDir: z
      .string()
      .regex(/^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/, { message: 'must be an absolute directory such as /etc/blackbox/iap-tokens' })
      .default(PROMETHEUS_SERVER_DEFAULTS.probeTokenDir)
      .describe(
        'With edge.access iap: where the blackbox exporter reads the token it shows IAP for each region, <probeTokenDir>/<region>.<domain> (a service-account-signed JWT kept fresh by a refresher; docs/alerting.md). Unused with edge.access public.',
      ),
    smtp: z
      .strictObject({
        smarthost: hostPort('SMTP relay of e-mail notifications (host:port).').default(PROMETHEUS_SERVER_DEFAULTS.smtp.smarthost),
        from: z.email().optional().describe('Sender address; alertmanager@<domain> when absent.'),
        username: z
          .string()
          .regex(/^[A-Za-z0-9@._+-]+$/, { message: 'must be an smtp user name (letters, digits, @._+-)' })
          .optional()
          .describe('SMTP user; no authentication when absent.'),
        passwordSecret: secretRef('SMTP password').optional(),
      })
      .default(PROMETHEUS_SERVER_DEFAULTS.smtp)
      .describe('How Alertmanager sends e-mail.'),
    retention: z
      .string()
      .regex(/^[1-9][0-9]*[dw]$/, { message: 'must be a prometheus duration in days or weeks such as 31d or 6w' })
      .optional()
      .describe(
        'The --storage.tsdb.retention.time the Prometheus runs with; at least the longest SLO window plus 5 m, in whole days (checked by slo validate --env). When absent, prometheus/prometheus.flags states exactly that.',
      ),
  })
  .default(PROMETHEUS_SERVER_DEFAULTS)
  .describe('The self-run Prometheus, Alertmanager and blackbox exporter that evaluate the generated rules.');

/**
 * Where Grafana's Prometheus data source reads from: Cloud Monitoring's PromQL endpoint
 * (`managed`) or a Prometheus-compatible URL (`url`).
 */
export const PROMETHEUS_SOURCES = ['managed', 'url'] as const;

/**
 * Google's data source syncer (https://cloud.google.com/stackdriver/docs/managed-prometheus/query,
 * https://github.com/GoogleCloudPlatform/prometheus-engine/tree/main/cmd/datasource-syncer),
 * pinned to the version Google's manifest runs.
 */
export const DEFAULT_DATASOURCE_SYNCER_IMAGE = 'gcr.io/gke-release/prometheus-engine/datasource-syncer:v0.15.3-gke.0';
/** Every 10 minutes, as Google's manifest runs it; access tokens last one hour. */
export const DEFAULT_DATASOURCE_SYNCER_SCHEDULE = '*/10 * * * *';

/**
 * Google's sidecar for Cloud Run, pinned: the collector of Managed Service for Prometheus
 * (https://cloud.google.com/stackdriver/docs/managed-prometheus/cloudrun-sidecar). A new version
 * is a config change, reviewed like any image.
 */
export const DEFAULT_COLLECTOR_IMAGE = 'us-docker.pkg.dev/cloud-ops-agents-artifacts/cloud-run-gmp-sidecar/cloud-run-gmp-sidecar:1.2.0';

const MANAGED_PROMETHEUS_DEFAULTS = {
  collectorImage: DEFAULT_COLLECTOR_IMAGE,
  collectorCpu: '1',
  collectorMemory: '512Mi',
};

/**
 * The Managed Service for Prometheus sidecar that runs beside the API in every Cloud Run service
 * and writes its metrics to Cloud Monitoring (docs/managed-prometheus.md). The path it scrapes is
 * `prometheusServers.metricsPath`, the same endpoint a self-run Prometheus scrapes.
 */
const managedPrometheusSchema = z
  .strictObject({
    collectorImage: z
      .string()
      .regex(/^[a-z0-9.-]+(:[0-9]+)?\/[A-Za-z0-9._/-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/, {
        message: 'must be a container image with a tag or digest such as us-docker.pkg.dev/…/cloud-run-gmp-sidecar:1.2.0',
      })
      .default(MANAGED_PROMETHEUS_DEFAULTS.collectorImage)
      .describe("The collector sidecar's image, pinned by tag or digest."),
    collectorCpu: z
      .string()
      .regex(/^\d+(\.\d+)?m?$/, { message: 'must be a number of vCPUs such as 1 or 500m' })
      .default(MANAGED_PROMETHEUS_DEFAULTS.collectorCpu)
      .describe('CPU limit of the collector container.'),
    collectorMemory: z
      .string()
      .regex(/^\d+(Mi|Gi)$/, { message: 'must be a quantity such as 256Mi or 1Gi' })
      .default(MANAGED_PROMETHEUS_DEFAULTS.collectorMemory)
      .describe('Memory limit of the collector container.'),
    metricsPort: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .describe('Port of the API metrics endpoint inside the instance, scraped by the collector on localhost; service.port when absent.'),
  })
  .default(MANAGED_PROMETHEUS_DEFAULTS)
  .describe('The Managed Service for Prometheus collector beside the API in every Cloud Run service.');

// --- security controls (docs/infrastructure.md "Security controls"); kept in one block ---------

/**
 * IAM members IAP may admit to the API: users, groups, service accounts, a Cloud Identity domain,
 * workforce or workload identity principals. Never `allUsers`/`allAuthenticatedUsers`: IAP is there
 * to put an identity on every request.
 */
export const IAP_MEMBER_RE =
  /^(user|group|serviceAccount):[^@\s]+@[a-z0-9.-]+\.[a-z]{2,}$|^domain:[a-z0-9.-]+\.[a-z]{2,}$|^principal(Set)?:\/\/\S+$/;

const iapMember = z
  .string()
  .regex(IAP_MEMBER_RE, {
    message: 'must be an iam member such as group:api-clients@company.com, serviceAccount:…, domain:… or principalSet://…',
  })
  .describe('IAM member admitted by IAP.');

const SECURITY_DEFAULTS = {
  iapAccessors: [] as string[],
  cmek: { enabled: false, rotationPeriodDays: 90 },
  binaryAuthorization: false,
  dataAccessLogs: true,
  stateBucket: { softDeleteDays: 30, noncurrentVersionsKept: 20 },
};

const securitySchema = z
  .strictObject({
    iapAccessors: z
      .array(iapMember)
      .default(SECURITY_DEFAULTS.iapAccessors)
      .describe(
        'Who may call the API through the load balancer: IAP admits these members (roles/iap.httpsResourceAccessor) and invokes Cloud Run as its service agent, the only invoker. Empty: nobody gets through.',
      ),
    cmek: z
      .strictObject({
        enabled: z
          .boolean()
          .default(false)
          .describe('Encrypt Cloud SQL, Redis, Cloud Run and the secrets created here with Cloud KMS keys of each region.'),
        rotationPeriodDays: z
          .number()
          .int()
          .min(1)
          .max(90)
          .default(90)
          .describe('Days between automatic key rotations (at most 90, CKV_GCP_43).'),
      })
      .default(SECURITY_DEFAULTS.cmek)
      .describe('Customer-managed encryption keys: one key ring per region. Turning this on for existing instances replaces them.'),
    binaryAuthorization: z
      .boolean()
      .default(false)
      .describe("Deploy only images the project's Binary Authorization policy admits (Cloud Run binary_authorization.use_default)."),
    dataAccessLogs: z
      .boolean()
      .default(true)
      .describe(
        'Data Access audit logs (ADMIN_READ, DATA_READ, DATA_WRITE) for Cloud SQL, Redis, Cloud Run, Secret Manager and, with CMEK, Cloud KMS.',
      ),
    stateBucket: z
      .strictObject({
        location: z
          .string()
          .regex(/^[a-z]+-[a-z]+[0-9]$|^[A-Z0-9-]+$/, { message: 'must be a region such as europe-west1 or a multi-region such as EU' })
          .optional()
          .describe('Location of the state bucket; the primary region when absent. With CMEK it must be a region.'),
        softDeleteDays: z
          .number()
          .int()
          .min(7)
          .max(90)
          .default(30)
          .describe('Days a deleted or overwritten state object stays restorable.'),
        noncurrentVersionsKept: z.number().int().min(1).default(20).describe('Overwritten state versions kept per stack.'),
      })
      .default(SECURITY_DEFAULTS.stateBucket)
      .describe('The bootstrap stack that creates gcp.stateBucket.'),
  })
  .default(SECURITY_DEFAULTS)
  .describe('Security controls of the infrastructure: IAP, CMEK, Binary Authorization, audit logs, the state bucket.');

// --- end of security controls -------------------------------------------------------------------

/**
 * How clients reach the API through the load balancer (docs/infrastructure.md "Edge access"): `iap`
 * puts Identity-Aware Proxy on every backend service, so every client needs an identity IAP admits;
 * `public` leaves the API open to the internet behind Cloud Armor. What each mode does to Cloud
 * Run's ingress and invokers and to the uptime probes is one table, environments/edge-access.ts.
 */
export const EDGE_ACCESS_MODES = ['iap', 'public'] as const;

const edgeSchema = z
  .strictObject({
    access: z
      .enum(EDGE_ACCESS_MODES)
      .default('iap')
      .describe(
        "iap: IAP authenticates every request (security.iapAccessors), Cloud Run admits only IAP and the Monitoring service agent, and the uptime checks probe each Cloud Run service directly with the agent's OIDC token. public: no IAP, any client passes Cloud Armor to Cloud Run (invoker allUsers), and the uptime checks probe each region through the load balancer.",
      ),
  })
  .default({ access: 'iap' })
  .describe('How clients reach the API through the load balancer.');

/**
 * Where the SLOs of an environment are evaluated: `managed` — Cloud Monitoring alert policies with
 * PromQL conditions (every alert of the rule files, recorded series inlined; no server of ours);
 * `self-hosted` — the rule files in a Prometheus with Alertmanager (`slo generate --env`), no PromQL
 * policies; `both` — the two at once (while moving from one to the other).
 */
export const SLO_EVALUATION_MODES = ['managed', 'self-hosted', 'both'] as const;

export const environmentSchema = z
  .strictObject({
    $schema: z.string().optional(),
    apiVersion: z.literal('slo-platform/v1'),
    kind: z.literal('Environment'),
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,20}$/, { message: 'must be lower-case kebab-case, at most 21 characters' })
      .describe('Environment name, used in resource names.'),
    production: z.boolean().default(false).describe('A production environment refuses placeholder values.'),
    gcp: z
      .strictObject({
        project: z
          .string()
          .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { message: 'must be a google cloud project id' })
          .describe('Project id.'),
        regions: z.array(regionSchema).min(1).describe('Regions, one marked primary.'),
        stateBucket: z
          .string()
          .min(3)
          .optional()
          .describe('GCS bucket for Terraform state; local state when absent (a production environment must name one).'),
        statePrefix: z.string().default('slo-platform').describe('Prefix of state objects in the bucket.'),
        privateServicesPrefixLength: z
          .number()
          .int()
          .min(8)
          .max(24)
          .default(16)
          .describe('Size of the private services access range Cloud SQL and Memorystore take their addresses from (a /16 by default).'),
      })
      .describe('Google Cloud placement.'),
    domain: z
      .string()
      .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, { message: 'must be a DNS name' })
      .describe('Public hostname of the API (managed certificate, uptime checks).'),
    runbookBaseUrl: linkUrl('Base URL under which docs/runbooks/*.md are published; alerts link to <base>/<topic>.md#<anchor>.'),
    platformSlos: z
      .strictObject({
        lightLatency: z.string().default('api/light-endpoint-latency').describe('SLO (service/name) of the light-endpoint latency target.'),
        webhookLatency: z.string().default('api/webhook-execution-latency').describe('SLO of the webhook execution latency target.'),
        errorRate: z.string().default('api/error-rate').describe('SLO of the error-rate target.'),
        availability: z.string().default('api/availability').describe('SLO of the availability target.'),
      })
      .default({
        lightLatency: 'api/light-endpoint-latency',
        webhookLatency: 'api/webhook-execution-latency',
        errorRate: 'api/error-rate',
        availability: 'api/availability',
      })
      .describe('Which SLOs hold the platform targets that symptom alerts, dashboards and policies draw their thresholds from.'),
    sloEvaluation: z
      .enum(SLO_EVALUATION_MODES)
      .default('managed')
      .describe(
        'Where SLO alerts are evaluated: managed (Cloud Monitoring PromQL alert policies), self-hosted (rule files in a Prometheus with Alertmanager) or both; managed by default, every environment being a Google Cloud one.',
      ),
    grafana: z
      .strictObject({
        url: linkUrl('Grafana base URL (no credentials: the provider reads GRAFANA_AUTH).'),
        prometheusSource: z
          .enum(PROMETHEUS_SOURCES)
          .default('managed')
          .describe(
            "What the Prometheus data source reads. managed: Cloud Monitoring's PromQL endpoint of gcp.project (the series the Managed Service for Prometheus collector writes), authenticated by Google's data source syncer (grafana.datasourceSyncer). url: grafana.prometheusUrl.",
          ),
        prometheusUrl: linkUrl(
          'URL of the Prometheus-compatible data source Grafana queries with prometheusSource url (no credentials).',
        ).optional(),
        datasourceSyncer: z
          .strictObject({
            tokenSecret: secretRef(
              'Token of a Grafana service account that may edit the Prometheus data source; the syncer writes the Google access token into the data source with it',
            ),
            image: z
              .string()
              .regex(/^[a-z0-9.-]+(:[0-9]+)?\/[A-Za-z0-9._/-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/, {
                message:
                  'must be a container image with a tag or digest such as gcr.io/gke-release/prometheus-engine/datasource-syncer:v0.15.3-gke.0',
              })
              .default(DEFAULT_DATASOURCE_SYNCER_IMAGE)
              .describe("Google's data source syncer image, pinned by tag or digest."),
            schedule: z
              .string()
              .regex(/^\*\/([1-9]|[1-5][0-9]) \* \* \* \*$/, {
                message: 'must be a cron schedule every 1 to 59 minutes such as */10 * * * * (the access token lasts one hour)',
              })
              .default(DEFAULT_DATASOURCE_SYNCER_SCHEDULE)
              .describe(
                'How often Cloud Scheduler runs the syncer; Google runs it every 10 minutes, well within the one-hour token lifetime.',
              ),
          })
          .optional()
          .describe("Google's data source syncer, run as a Cloud Run job by Cloud Scheduler; required with prometheusSource managed."),
        managedAlerts: z.boolean().default(false).describe('Also create Grafana-managed rule groups with the burn-rate alerts.'),
      })
      .describe('Grafana where the dashboards and alerting live.'),
    notifications: z
      .strictObject({
        page: notificationSchema.optional(),
        critical: notificationSchema.optional(),
        warning: notificationSchema.optional(),
        info: notificationSchema.optional(),
      })
      .describe('Notification target per severity.'),
    service: z
      .strictObject({
        name: z
          .string()
          .regex(/^[a-z][a-z0-9-]{1,40}$/)
          .describe('Cloud Run service name.'),
        image: z.string().min(1).describe('Container image, by digest or tag.'),
        cpu: z.string().default('1').describe('CPU limit per instance.'),
        memory: z.string().default('512Mi').describe('Memory limit per instance.'),
        minInstances: z.number().int().min(0).default(1).describe('Minimum instances per region.'),
        maxInstances: z.number().int().min(1).default(20).describe('Maximum instances per region.'),
        concurrency: z.number().int().min(1).max(1000).default(80).describe('Maximum concurrent requests per instance.'),
        port: z.number().int().default(8080).describe('Container port.'),
        healthPath: z.string().startsWith('/').default('/health').describe('Health endpoint for probes and uptime checks.'),
        secrets: z
          .array(z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/), secret: secretRef('Secret') }))
          .default([])
          .describe('Environment variables filled from Secret Manager.'),
      })
      .describe('The API service on Cloud Run.'),
    database: z
      .strictObject({
        version: z
          .string()
          .regex(/^POSTGRES_\d+$/, { message: 'must be POSTGRES_<major>, e.g. POSTGRES_16' })
          .default('POSTGRES_16')
          .describe('Cloud SQL database version; replicas use the same.'),
        tier: z.string().default('db-custom-2-7680').describe('Cloud SQL machine tier.'),
        edition: z.enum(['ENTERPRISE', 'ENTERPRISE_PLUS']).default('ENTERPRISE'),
        diskSizeGb: z.number().int().min(10).default(50),
        maxConnections: z.number().int().min(10).default(200).describe('max_connections flag; the connections alert is 80 % of it.'),
        backupStartTime: z
          .string()
          .regex(/^\d\d:\d\d$/)
          .default('09:00')
          .describe('Daily backup start, UTC.'),
        backupRetentionDays: z.number().int().min(1).max(365).default(30),
        rpoSeconds: z.number().int().positive().default(60).describe('Recovery point objective; replica-lag alerts derive from it.'),
        rtoSeconds: z.number().int().positive().default(300).describe('Recovery time objective.'),
        transactionLogRetentionDays: z
          .number()
          .int()
          .min(1)
          .max(35)
          .default(7)
          .describe('Days of write-ahead log kept for point-in-time recovery (Enterprise edition allows up to 7).'),
        maintenanceDay: z.number().int().min(1).max(7).default(7).describe('Maintenance window day, 1 = Monday … 7 = Sunday.'),
        maintenanceHourUtc: z.number().int().min(0).max(23).default(2).describe('Maintenance window start hour, UTC.'),
      })
      .describe('Cloud SQL for PostgreSQL.'),
    redis: z
      .strictObject({
        memorySizeGb: z.number().int().min(1).default(5),
        version: z.string().default('REDIS_7_2'),
        maxClients: z.number().int().min(1).default(65000).describe('Connected-clients limit of the tier; alert at 80 %.'),
        rdbSnapshotPeriod: z
          .enum(['ONE_HOUR', 'SIX_HOURS', 'TWELVE_HOURS', 'TWENTY_FOUR_HOURS'])
          .default('ONE_HOUR')
          .describe('How often the RDB snapshot (persistence) is taken.'),
        maintenanceDay: z
          .enum(['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'])
          .default('TUESDAY')
          .describe('Weekly maintenance window day.'),
        maintenanceHourUtc: z.number().int().min(0).max(23).default(3).describe('Weekly maintenance window start hour, UTC.'),
      })
      .describe('Memorystore for Redis, one HA instance per region.'),
    rateLimit: z
      .strictObject({
        executionsPerMinutePerWorkspace: z.number().int().positive().default(60).describe('The platform limit; 429 beyond it.'),
        edgeRequestsPerMinutePerClient: z.number().int().positive().default(1200).describe('Cloud Armor per-client backstop.'),
      })
      .default({ executionsPerMinutePerWorkspace: 60, edgeRequestsPerMinutePerClient: 1200 }),
    monitoring: monitoringSchema,
    symptoms: symptomsSchema,
    prometheusServers: prometheusServersSchema,
    managedPrometheus: managedPrometheusSchema,
    security: securitySchema,
    edge: edgeSchema,
  })
  .describe('One deployment environment.');

/** A parsed environment, defaults applied. */
export type EnvironmentConfig = z.output<typeof environmentSchema>;
/** One region of an environment. */
export type RegionConfig = EnvironmentConfig['gcp']['regions'][number];
/** How clients reach the API: `iap` or `public`. */
export type EdgeAccess = (typeof EDGE_ACCESS_MODES)[number];
/** The security controls of an environment. */
export type SecurityConfig = EnvironmentConfig['security'];
/** Notification target of one severity. */
export type NotificationTarget = NonNullable<EnvironmentConfig['notifications']['page']>;
/** The self-run Prometheus, Alertmanager and blackbox exporter of an environment. */
export type PrometheusServersConfig = EnvironmentConfig['prometheusServers'];
/** The Managed Service for Prometheus collector settings of an environment. */
export type ManagedPrometheusConfig = EnvironmentConfig['managedPrometheus'];
/** Where Grafana's Prometheus data source reads from. */
export type PrometheusSource = (typeof PROMETHEUS_SOURCES)[number];
