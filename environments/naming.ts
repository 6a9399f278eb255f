/**
 * Names of the Google Cloud resources of an environment, derived from the config only, so the
 * infrastructure stacks and the monitoring stack agree on them without cross-stack references.
 */
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
} as const;
