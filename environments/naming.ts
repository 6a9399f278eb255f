/**
 * Names of the Google Cloud resources of an environment, derived from the config only, so the
 * infrastructure stacks and the monitoring stack agree on them without cross-stack references.
 */
import { createHash } from 'node:crypto';
import type { EnvironmentConfig, RegionConfig } from './schema';

/** Short code of a region for names that must stay short (`europe-west1` → `euw1`). */
export function regionCode(region: string): string {
  const [geo = '', dir = ''] = region.split('-');
  const num = /\d+$/.exec(region)?.[0] ?? '';
  return `${geo.slice(0, 2)}${dir.replace(/\d+$/, '').slice(0, 1)}${num}`;
}

/** The primary region of an environment. */
export function primaryRegion(env: EnvironmentConfig): RegionConfig {
  return env.gcp.regions.find((r) => r.primary) ?? env.gcp.regions[0]!;
}

/** The secondary regions, in config order. */
export function secondaryRegions(env: EnvironmentConfig): RegionConfig[] {
  return env.gcp.regions.filter((r) => r !== primaryRegion(env));
}

/** Resource names of one environment. */
export const names = {
  network: (env: EnvironmentConfig) => `${env.name}-vpc`,
  subnet: (env: EnvironmentConfig, region: string) => `${env.name}-${region}`,
  cloudRunService: (env: EnvironmentConfig, region: string) => `${env.name}-${env.service.name}-${regionCode(region)}`,
  /** Cut to the 30 characters an account id may have, without a trailing dash (ids end with a letter or digit). */
  serviceAccount: (env: EnvironmentConfig) => `${env.name}-${env.service.name}-run`.slice(0, 30).replace(/-+$/, ''),
  sqlPrimary: (env: EnvironmentConfig) => `${env.name}-pg-${regionCode(primaryRegion(env).name)}`,
  sqlReplica: (env: EnvironmentConfig, region: string) => `${env.name}-pg-${regionCode(region)}-replica`,
  redis: (env: EnvironmentConfig, region: string) => `${env.name}-redis-${regionCode(region)}`,
  neg: (env: EnvironmentConfig, region: string) => `${env.name}-neg-${regionCode(region)}`,
  backendService: (env: EnvironmentConfig) => `${env.name}-api-backend`,
  urlMap: (env: EnvironmentConfig) => `${env.name}-api-lb`,
  forwardingRule: (env: EnvironmentConfig) => `${env.name}-api-https`,
  securityPolicy: (env: EnvironmentConfig) => `${env.name}-api-edge`,
  /** Backend service that serves only one region (for per-region health checks through the load balancer). */
  regionalBackendService: (env: EnvironmentConfig, region: string) => `${env.name}-api-backend-${regionCode(region)}`,
  /** Hostname that the load balancer routes to one region only: `<region>.<domain>`. */
  regionalHost: (env: EnvironmentConfig, region: string) => `${region}.${env.domain}`,
  /** Secret holding the AUTH string of a region's Redis instance (filled by Terraform from the instance). */
  redisAuthSecret: (env: EnvironmentConfig, region: string) => `${env.name}-redis-auth-${regionCode(region)}`,
  /** Secret holding the `RunMonitoring` configuration of the Managed Service for Prometheus collector in a region's service. */
  collectorConfigSecret: (env: EnvironmentConfig, region: string) => `${env.name}-${env.service.name}-gmp-${regionCode(region)}`,
  /** Global address range reserved for private services access (Cloud SQL, Memorystore). */
  privateServicesRange: (env: EnvironmentConfig) => `${env.name}-psa-range`,
  /** Global external IP address of the load balancer (HTTPS and the HTTP redirect share it). */
  globalAddress: (env: EnvironmentConfig) => `${env.name}-api-ip`,
  /**
   * Managed certificate. Its domains cannot change in place, so the name carries a short digest
   * of them: adding a region creates a new certificate beside the old one (create before destroy).
   */
  managedCertificate: (env: EnvironmentConfig) =>
    `${env.name}-api-cert-${createHash('sha256').update(certificateDomains(env).join(',')).digest('hex').slice(0, 8)}`,
  sslPolicy: (env: EnvironmentConfig) => `${env.name}-api-tls`,
  httpsProxy: (env: EnvironmentConfig) => `${env.name}-api-https-proxy`,
  /** URL map of the port-80 listener, which only redirects to HTTPS. */
  redirectUrlMap: (env: EnvironmentConfig) => `${env.name}-api-http-redirect`,
  httpProxy: (env: EnvironmentConfig) => `${env.name}-api-http-proxy`,
  httpForwardingRule: (env: EnvironmentConfig) => `${env.name}-api-http`,
  /** Service account of the Grafana data source syncer (at most 21 + 8 characters). */
  grafanaSyncerServiceAccount: (env: EnvironmentConfig) => `${env.name}-gf-sync`,
  /** Cloud Run job, and the Cloud Scheduler job that starts it, of the Grafana data source syncer. */
  grafanaSyncerJob: (env: EnvironmentConfig) => `${env.name}-grafana-ds-sync`,
} as const;

/**
 * Full resource ids of the shared network, derived from names, so the regional stacks address the
 * network stack's resources without reading its state (the stack dependency orders the deploys).
 */
export const resourceIds = {
  network: (env: EnvironmentConfig) => `projects/${env.gcp.project}/global/networks/${names.network(env)}`,
  subnet: (env: EnvironmentConfig, region: string) =>
    `projects/${env.gcp.project}/regions/${region}/subnetworks/${names.subnet(env, region)}`,
  serviceAccountEmail: (env: EnvironmentConfig) => `${names.serviceAccount(env)}@${env.gcp.project}.iam.gserviceaccount.com`,
} as const;

/** Every hostname the load balancer serves: the API domain, then one regional host per region. */
export function certificateDomains(env: EnvironmentConfig): string[] {
  return [env.domain, ...env.gcp.regions.map((r) => names.regionalHost(env, r.name))];
}

/** RFC 1035 label of at most `max` characters: what Compute Engine and most Google APIs accept as a name. */
const rfc1035 = (max: number) => new RegExp(`^[a-z](?:[-a-z0-9]{0,${max - 2}}[a-z0-9])?$`);

/**
 * Every generated name checked against the rule of the API that receives it, as problems (empty
 * when all are valid). The environment schema bounds each input, but not the names they combine
 * into: a long environment name with a long service name overflows a Cloud Run service name, and
 * two regions can share a short code (`asia-south1` and `asia-southeast1` are both `ass1`).
 *
 * Rules: Compute Engine resources are RFC 1035 names of at most 63 characters; Cloud Run service
 * names at most 49 (revision names append a suffix to them within 63); Memorystore instance ids
 * 1–40; Cloud SQL instance ids such that `<project>:<instance>` stays within 98 characters;
 * service account ids 6–30; Secret Manager ids letters, digits, `-` and `_` up to 255.
 */
export function nameProblems(env: EnvironmentConfig): string[] {
  const regions = env.gcp.regions.map((r) => r.name);
  const problems: string[] = [];
  const check = (what: string, name: string, rule: RegExp, hint: string) => {
    if (!rule.test(name)) problems.push(`${what} name ${name} (${name.length} characters) breaks its rule: ${hint}`);
  };
  const compute = rfc1035(63);
  const computeHint = 'lower-case RFC 1035, at most 63 characters';
  const global = [
    names.network(env),
    names.backendService(env),
    names.urlMap(env),
    names.forwardingRule(env),
    names.securityPolicy(env),
    names.privateServicesRange(env),
    names.globalAddress(env),
    names.managedCertificate(env),
    names.sslPolicy(env),
    names.httpsProxy(env),
    names.redirectUrlMap(env),
    names.httpProxy(env),
    names.httpForwardingRule(env),
  ];
  for (const n of global) check('compute', n, compute, computeHint);
  for (const region of regions) {
    for (const n of [names.subnet(env, region), names.neg(env, region), names.regionalBackendService(env, region)]) {
      check('compute', n, compute, computeHint);
    }
    check('cloud run service', names.cloudRunService(env, region), rfc1035(49), 'lower-case RFC 1035, at most 49 characters');
    check('memorystore instance', names.redis(env, region), rfc1035(40), 'lower-case RFC 1035, at most 40 characters');
    check('secret', names.redisAuthSecret(env, region), /^[A-Za-z0-9_-]{1,255}$/, 'letters, digits, - and _, at most 255');
    check('secret', names.collectorConfigSecret(env, region), /^[A-Za-z0-9_-]{1,255}$/, 'letters, digits, - and _, at most 255');
  }
  const sqlNames = [names.sqlPrimary(env), ...secondaryRegions(env).map((r) => names.sqlReplica(env, r.name))];
  for (const n of sqlNames) {
    check(
      'cloud sql instance',
      n,
      rfc1035(98 - env.gcp.project.length - 1),
      `lower-case RFC 1035, <project>:<instance> at most 98 characters`,
    );
  }
  check('service account', names.serviceAccount(env), /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, '6–30 characters of a-z, 0-9 and -');
  check('service account', names.grafanaSyncerServiceAccount(env), /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, '6–30 characters of a-z, 0-9 and -');
  check('cloud run job', names.grafanaSyncerJob(env), rfc1035(63), 'lower-case RFC 1035, at most 63 characters');
  const byCode = new Map<string, string[]>();
  for (const region of regions) byCode.set(regionCode(region), [...(byCode.get(regionCode(region)) ?? []), region]);
  for (const [code, same] of byCode) {
    if (same.length > 1) problems.push(`regions ${same.join(' and ')} share the short code ${code}, so their resource names would collide`);
  }
  return problems;
}

/**
 * The customer-managed keys of a region: which key each consumer encrypts with, and whose service
 * agent uses it. One key per consumer, so revoking one service's key leaves the others working.
 */
export const CMEK_KEYS = [
  { name: 'cloudsql', agent: 'cloudSql' },
  { name: 'redis', agent: 'redis' },
  { name: 'run', agent: 'cloudRun' },
  { name: 'secrets', agent: 'secretManager' },
] as const;

/** A consumer of a customer-managed key. */
export type CmekKeyName = (typeof CMEK_KEYS)[number]['name'];

/** Names and ids of the security controls' resources (docs/infrastructure.md "Security controls"). */
export const securityNames = {
  /** Key ring of the CMEK keys, the same name in every region (key rings are per location). */
  keyRing: (env: EnvironmentConfig) => `${env.name}-cmek`,
  /** Full id of one CMEK key in one region, as Cloud SQL, Memorystore, Cloud Run and Secret Manager take it. */
  cmekKey: (env: EnvironmentConfig, region: string, key: CmekKeyName) =>
    `projects/${env.gcp.project}/locations/${region}/keyRings/${securityNames.keyRing(env)}/cryptoKeys/${key}`,
  /** The bootstrap stack that creates the state bucket. */
  stateStack: (env: EnvironmentConfig) => `${env.name}-state`,
  /** Location of the state bucket: configured, or the primary region. */
  stateBucketLocation: (env: EnvironmentConfig) => env.security.stateBucket.location ?? primaryRegion(env).name,
  /** Key ring of the state bucket's key (the state stack deploys before the CMEK rings exist). */
  stateKeyRing: (env: EnvironmentConfig) => `${env.name}-tfstate`,
} as const;
