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
  serviceAccount: (env: EnvironmentConfig) => `${env.name}-${env.service.name}-run`.slice(0, 30),
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
