/**
 * The platform's four headline SLOs, resolved from the catalog by the ids the environment names.
 * Symptom alerts, dashboard threshold lines and Cloud Monitoring policies take their numbers
 * from these SLOs, never from literals.
 */
import type { LatencySlo, Slo, SloCatalog } from '../slos/model';
import type { EnvironmentConfig } from './schema';

export type { LatencySlo } from '../slos/model';

/** The platform SLOs of an environment. */
export interface PlatformSlos {
  readonly lightLatency: LatencySlo;
  readonly webhookLatency: LatencySlo;
  readonly errorRate: Slo;
  readonly availability: Slo;
}

/** Resolves the platform SLOs; throws naming the config field when one is missing or of the wrong kind. */
export function platformSlos(env: EnvironmentConfig, catalog: SloCatalog): PlatformSlos {
  const find = (field: keyof EnvironmentConfig['platformSlos']): Slo => {
    const id = env.platformSlos[field];
    const slo = catalog.slos.find((s) => s.id === id);
    if (!slo) throw new Error(`platformSlos.${field} names slo "${id}", which is not in the catalog`);
    return slo;
  };
  const latency = (field: 'lightLatency' | 'webhookLatency'): LatencySlo => {
    const slo = find(field);
    if (slo.sli.kind !== 'latency') throw new Error(`platformSlos.${field} names slo "${slo.id}", which is not a latency slo`);
    return slo as LatencySlo;
  };
  return {
    lightLatency: latency('lightLatency'),
    webhookLatency: latency('webhookLatency'),
    errorRate: find('errorRate'),
    availability: find('availability'),
  };
}
