/** Uptime checks of each region's health endpoint, an alert per region, and a page when several regions fail. */
import { edgeAccess } from '../../environments/edge-access';
import { names, regionCode } from '../../environments/naming';
import type { EnvironmentConfig } from '../../environments/schema';
import { uptimeFilter } from './filters';
import type { PolicyDraft, UptimeCheckSpec, UptimeTarget } from './model';
import { above, align } from './private/conditions';
import { ref } from './refs';
import type { MonitoringThresholds } from './thresholds';

/**
 * The checker locations behind each `selected_regions` value: `USA` runs from the three US
 * locations, every other value from one (Cloud Monitoring "uptime check IP addresses": usa-oregon,
 * usa-iowa, usa-virginia, eur-belgium, apac-singapore, sa-brazil-sao_paulo).
 */
export const UPTIME_CHECKER_LOCATIONS: Readonly<Record<string, readonly string[]>> = {
  USA: ['usa-oregon', 'usa-iowa', 'usa-virginia'],
  USA_OREGON: ['usa-oregon'],
  USA_IOWA: ['usa-iowa'],
  USA_VIRGINIA: ['usa-virginia'],
  EUROPE: ['eur-belgium'],
  ASIA_PACIFIC: ['apac-singapore'],
  SOUTH_AMERICA: ['sa-brazil-sao_paulo'],
};

/**
 * How many distinct checker locations the selected regions run from; the API needs at least 3
 * ("enough regions to include a minimum of 3 locations", provider doc of `selected_regions`).
 * Throws on a region name the API does not have.
 */
export function uptimeCheckerLocationCount(selectedRegions: readonly string[]): number {
  const locations = new Set<string>();
  for (const region of selectedRegions) {
    const at = UPTIME_CHECKER_LOCATIONS[region];
    if (!at) {
      throw new Error(`uptime checker region ${region} is not one of ${Object.keys(UPTIME_CHECKER_LOCATIONS).join(', ')}`);
    }
    at.forEach((l) => locations.add(l));
  }
  return locations.size;
}

/**
 * One HTTPS check per region of its health endpoint: with a public edge at
 * `https://<region>.<domain><healthPath>`, which the load balancer routes to that region only;
 * with IAP at the edge (which refuses the checkers' tokens) at the region's Cloud Run service URL,
 * which admits the Monitoring service agent's.
 */
export function uptimeChecks(env: EnvironmentConfig): UptimeCheckSpec[] {
  const through = edgeAccess(env).uptimeTarget;
  return env.gcp.regions.map(({ name: region }) => ({
    key: `health-${regionCode(region)}`,
    region,
    displayName: `${env.name} ${region} health`,
    project: env.gcp.project,
    target:
      through === 'edge'
        ? { kind: 'host', host: names.regionalHost(env, region) }
        : { kind: 'cloudRun', service: names.cloudRunService(env, region), location: region },
    path: env.service.healthPath,
    port: 443,
    periodSeconds: env.monitoring.uptimePeriodSeconds,
    timeoutSeconds: env.monitoring.uptimeTimeoutSeconds,
    selectedRegions: env.monitoring.uptimeCheckerRegions,
  }));
}

/** How a policy names what a check probes: the host, or the Cloud Run service whose URL it probes. */
export function uptimeTargetName(target: UptimeTarget): string {
  return target.kind === 'host' ? target.host : `Cloud Run ${target.service}`;
}

/** A policy per region check, plus a `page` when more than one region fails at the same time. */
export function uptimePolicies(env: EnvironmentConfig, checks: readonly UptimeCheckSpec[], t: MonitoringThresholds): PolicyDraft[] {
  // One series per check: how many checker locations failed it in the last period.
  const failingLocations = [align(env.monitoring.uptimePeriodSeconds, 'ALIGN_NEXT_OLDER', 'REDUCE_COUNT_FALSE', ['metric.label.check_id'])];
  const perRegion = checks.map((c): PolicyDraft => ({
    key: `uptime-${c.key}`,
    area: 'uptime',
    displayName: `Uptime: ${uptimeTargetName(c.target)}${c.target.kind === 'host' ? '' : ' '}${c.path} failing`,
    severity: 'critical',
    combiner: 'OR',
    conditions: [
      above(
        'failing checker locations',
        uptimeFilter([ref('uptimeCheckId', c.key)]),
        t.uptimeFailingLocations,
        t.alignmentSeconds,
        failingLocations,
      ),
    ],
    runbookAnchor: 'uptime-region',
    summary:
      `The health endpoint of ${c.region} fails from more than ${t.uptimeFailingLocations} checker location; the load balancer should be steering traffic to the other regions.` +
      (c.target.kind === 'cloudRun' ? ' The check probes the Cloud Run service at its own URL, past the load balancer and IAP.' : ''),
    firstSteps: [
      'Check the Cloud Run, Cloud SQL and Redis alerts of the region.',
      'Confirm the other regions are healthy and absorbing the traffic.',
    ],
    thresholdNote: `more than ${t.uptimeFailingLocations} of ${uptimeCheckerLocationCount(c.selectedRegions)} checker locations`,
    labels: { region: c.region },
  }));
  if (checks.length < t.uptimeFailingRegions) return perRegion;
  const multi: PolicyDraft = {
    key: 'uptime-multi-region',
    area: 'uptime',
    displayName: `Uptime: ${env.domain} failing in more than one region`,
    severity: 'page',
    combiner: 'OR',
    conditions: [
      above(
        'failing checker locations per region',
        uptimeFilter(checks.map((c) => ref('uptimeCheckId', c.key))),
        t.uptimeFailingLocations,
        t.alignmentSeconds,
        failingLocations,
        { triggerCount: t.uptimeFailingRegions },
      ),
    ],
    runbookAnchor: 'uptime-multi-region',
    summary: `The health endpoint fails in ${t.uptimeFailingRegions} or more regions at once: the service is down or close to it for many users.`,
    firstSteps: [
      'Declare an incident.',
      'Suspect shared dependencies first: the Cloud SQL primary, a global deploy, the load balancer or Cloud Armor rules.',
    ],
    thresholdNote: 'trigger count: more than one region',
  };
  return [...perRegion, multi];
}
