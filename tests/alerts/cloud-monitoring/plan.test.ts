import { resolveSliFilter } from '../../../alerts/cloud-monitoring/filters';
import {
  cloudMonitoringPlan,
  cloudMonitoringSlo,
  monitoringThresholds,
  notificationChannels,
  parseSecretRef,
  percentileAligner,
  severityRouting,
  sloFilterWarnings,
  type MonitoringPlan,
  type PolicySpec,
  type ThresholdCondition,
  uptimeCheckerLocationCount,
} from '../../../alerts/cloud-monitoring';
import { loadEnvironmentOrThrow } from '../../../environments/load';
import { names } from '../../../environments/naming';
import { platformSlos } from '../../../environments/platform-slos';
import type { EnvironmentConfig } from '../../../environments/schema';
import { burnWindows } from '../../../slos/burn-rate';
import { loadCatalog } from '../../../slos/load';
import type { Slo, SloCatalog } from '../../../slos/model';
import { SEVERITIES } from '../../../slos/schema';

const env = loadEnvironmentOrThrow('example');
const catalog = loadCatalog({ slosDir: 'slos' }).catalog as SloCatalog;

/** A modified copy of the example environment. */
function withEnv(change: (e: EnvironmentConfig) => EnvironmentConfig): EnvironmentConfig {
  return change(structuredClone(env));
}

function policy(plan: MonitoringPlan, key: string): PolicySpec {
  const p = plan.policies.find((x) => x.key === key);
  if (!p) throw new Error(`no policy ${key}`);
  return p;
}

function thresholds(p: PolicySpec): number[] {
  return p.conditions.map((c) => (c as ThresholdCondition).thresholdValue);
}

describe('cloud monitoring plan', () => {
  let plan: MonitoringPlan;
  beforeAll(() => {
    plan = cloudMonitoringPlan(env, catalog);
  });

  describe('thresholds', () => {
    // Expected values are recomputed here from the config and the catalog, not copied from the code.
    const slos = () => platformSlos(env, catalog);
    test.each<[string, () => number[]]>([
      ['redis-memory-warning-euw1', () => [env.monitoring.redisMemoryUsage.warning]],
      ['redis-memory-critical-usc1', () => [env.monitoring.redisMemoryUsage.critical]],
      ['redis-clients-asn1', () => [env.monitoring.saturationShare * env.redis.maxClients]],
      ['sql-replica-lag-warning-usc1', () => [env.database.rpoSeconds / 2]],
      ['sql-replica-lag-page-asn1', () => [env.database.rpoSeconds]],
      ['sql-down-primary', () => [1]],
      ['sql-cpu-warning', () => [env.monitoring.cpuUtilization.warning]],
      ['sql-cpu-critical', () => [env.monitoring.cpuUtilization.critical]],
      ['sql-disk', () => [env.monitoring.diskUtilization]],
      ['sql-connections', () => [env.monitoring.saturationShare * env.database.maxConnections]],
      ['run-5xx-euw1', () => [1 - slos().errorRate.objectivePercent / 100]],
      ['run-latency-usc1', () => [slos().lightLatency.sli.thresholdSeconds * 1000]],
      ['run-instances-critical-asn1', () => [env.service.maxInstances]],
      ['run-instances-warning-asn1', () => [Math.ceil(env.monitoring.saturationShare * env.service.maxInstances)]],
      ['lb-5xx', () => [1 - slos().errorRate.objectivePercent / 100]],
    ])('policy %s fires at its derived threshold', (key, expected) => {
      // when
      const actual = thresholds(policy(plan, key));
      // then
      expect(actual).toHaveLength(expected().length);
      actual.forEach((v, i) => expect(v).toBeCloseTo(expected()[i]!, 12));
    });

    test('the latency policy uses the percentile of the light-latency objective', () => {
      // given a p99 objective
      const light = platformSlos(env, catalog).lightLatency;
      // then
      expect((policy(plan, 'run-latency-euw1').conditions[0] as ThresholdCondition).aggregations[0]!.perSeriesAligner).toBe(
        `ALIGN_PERCENTILE_${light.objectivePercent}`,
      );
    });

    test('changing the RPO in the config moves the replica-lag thresholds', () => {
      // given the example with a five-minute RPO
      const changed = withEnv((e) => ({ ...e, database: { ...e.database, rpoSeconds: 300 } }));
      // when
      const moved = cloudMonitoringPlan(changed, catalog);
      // then
      expect(thresholds(policy(moved, 'sql-replica-lag-warning-usc1'))).toEqual([150]);
      expect(thresholds(policy(moved, 'sql-replica-lag-page-usc1'))).toEqual([300]);
      expect(thresholds(policy(plan, 'sql-replica-lag-page-usc1'))).toEqual([env.database.rpoSeconds]);
    });

    test('symptom policies hold for the shortest short window of the burn-rate table', () => {
      const t = monitoringThresholds(env, catalog);
      const shortest = Math.min(...burnWindows(99.9, 30 * 86400, { page: 'page', ticket: 'warning' }).map((w) => w.shortWindowSeconds));
      expect(t.symptomWindowSeconds).toBe(shortest);
      expect((policy(plan, 'run-5xx-euw1').conditions[0] as ThresholdCondition).durationSeconds).toBe(shortest);
    });

    test('held rates and means are aligned over two sampling periods, shorter than the hold (no echo of a short burst)', () => {
      // given: every threshold condition that holds a rate or a mean
      const t = monitoringThresholds(env, catalog);
      const held = plan.policies
        .flatMap((p) => p.conditions.map((c) => ({ policy: p.key, c })))
        .filter((x): x is { policy: string; c: ThresholdCondition } => x.c.kind === 'threshold' && x.c.durationSeconds > 0)
        .flatMap(({ policy, c }) =>
          [...c.aggregations, ...(c.denominator?.aggregations ?? [])]
            .filter((a) => a.perSeriesAligner === 'ALIGN_RATE' || a.perSeriesAligner === 'ALIGN_MEAN')
            .map((a) => ({ policy, hold: c.durationSeconds, aligner: a.perSeriesAligner, alignment: a.alignmentPeriodSeconds })),
        );
      // then: the 5xx shares of every region and the edge, and Redis memory, at least
      expect(new Set(held.map((h) => h.policy.replace(/-[a-z]+\d$/, ''))).size).toBeGreaterThanOrEqual(4);
      for (const h of held) {
        // a rate needs two samples; anything longer than that keeps a burst in view after it ended
        if (h.aligner === 'ALIGN_RATE') expect(h.alignment).toBe(2 * t.alignmentSeconds);
        else expect(h.alignment).toBeLessThanOrEqual(2 * t.alignmentSeconds);
        expect(h.alignment).toBeLessThan(h.hold);
      }
    });

    test('rejects a latency objective cloud monitoring has no percentile aligner for', () => {
      expect(() => percentileAligner(99.5)).toThrow(
        'cloud monitoring has no percentile aligner for a 99.5 % latency objective (supported: 5, 50, 95, 99)',
      );
    });
  });

  describe('policies', () => {
    test('every policy links its runbook section and says what to do first', () => {
      for (const p of plan.policies) {
        expect(p.runbookUrl).toBe(`${env.runbookBaseUrl}/cloud-monitoring.md#${p.runbookAnchor}`);
        expect(p.documentation).toContain(p.runbookUrl);
        expect(p.documentation).toContain('What to do first:');
      }
    });

    test('every policy carries its platform severity as a label and the mapped cloud monitoring severity', () => {
      const mapped = { page: 'CRITICAL', critical: 'ERROR', warning: 'WARNING', info: 'WARNING' };
      for (const p of plan.policies) {
        expect(p.userLabels.severity).toBe(p.severity);
        expect(p.policySeverity).toBe(mapped[p.severity]);
      }
    });

    test('every policy is routed to at least one channel of its own severity', () => {
      for (const p of plan.policies) {
        expect(p.channelKeys.length).toBeGreaterThan(0);
        for (const k of p.channelKeys) expect(plan.channels.find((c) => c.key === k)!.severity).toBe(p.severity);
      }
    });

    test('a database that stops reporting counts as down', () => {
      // given a deleted or unreachable instance writes no database/up at all
      const down = policy(plan, 'sql-down-primary').conditions[0] as ThresholdCondition;
      // then missing data keeps the condition active
      expect(down.evaluationMissingData).toBe('EVALUATION_MISSING_DATA_ACTIVE');
    });

    test('there are policies for redis, cloud sql, cloud run, the load balancer and uptime in every region', () => {
      for (const region of ['euw1', 'usc1', 'asn1']) {
        for (const prefix of [
          'redis-memory-warning',
          'redis-clients',
          'redis-unavailable',
          'run-5xx',
          'run-latency',
          'run-instances-critical',
          'uptime-health',
        ]) {
          expect(plan.policies.map((p) => p.key)).toContain(`${prefix}-${region}`);
        }
      }
      expect(plan.policies.map((p) => p.key)).toEqual(
        expect.arrayContaining(['lb-5xx', 'sql-down-primary', 'sql-connections', 'uptime-multi-region']),
      );
    });
  });

  describe('uptime checks', () => {
    test('each region is checked every 300 s from at least 3 checker locations', () => {
      for (const c of plan.uptimeChecks) {
        expect(c.periodSeconds).toBe(300);
        expect(c.path).toBe(env.service.healthPath);
        expect(uptimeCheckerLocationCount(c.selectedRegions)).toBeGreaterThanOrEqual(3);
      }
    });

    test('with a public edge, each region is checked through the load balancer at its own host', () => {
      // given the example environment, whose edge is public
      expect(env.edge.access).toBe('public');
      // then
      expect(plan.uptimeChecks.map((c) => c.target)).toEqual(
        env.gcp.regions.map((r) => ({ kind: 'host', host: names.regionalHost(env, r.name) })),
      );
      expect(policy(plan, 'uptime-health-euw1').displayName).toBe(
        `Uptime: ${names.regionalHost(env, 'europe-west1')}${env.service.healthPath} failing`,
      );
    });

    test("with IAP at the edge, each region's Cloud Run service is checked at its own URL instead", () => {
      // given the example environment with IAP at the edge
      const iap = withEnv((e) => ({ ...e, edge: { access: 'iap' }, security: { ...e.security, iapAccessors: ['group:a@example.com'] } }));
      // when
      const iapPlan = cloudMonitoringPlan(iap, catalog);
      // then each check names the region's service, and its policies say so
      expect(iapPlan.uptimeChecks.map((c) => c.target)).toEqual(
        iap.gcp.regions.map((r) => ({ kind: 'cloudRun', service: names.cloudRunService(iap, r.name), location: r.name })),
      );
      const perRegion = policy(iapPlan, 'uptime-health-euw1');
      expect(perRegion.displayName).toBe(
        `Uptime: Cloud Run ${names.cloudRunService(iap, 'europe-west1')} ${iap.service.healthPath} failing`,
      );
      expect(perRegion.documentation).toContain('past the load balancer and IAP');
    });

    test('the service pages when more than one region fails', () => {
      const multi = policy(plan, 'uptime-multi-region');
      expect(multi.severity).toBe('page');
      expect((multi.conditions[0] as ThresholdCondition).triggerCount).toBe(2);
      for (const c of plan.uptimeChecks) expect((multi.conditions[0] as ThresholdCondition).filter).toContain(`{{uptimeCheckId:${c.key}}}`);
    });

    test('a single-region environment gets no multi-region page', () => {
      // given
      const single = withEnv((e) => ({ ...e, gcp: { ...e.gcp, regions: [e.gcp.regions[0]!] } }));
      // when
      const keys = cloudMonitoringPlan(single, catalog).policies.map((p) => p.key);
      // then
      expect(keys).toContain('uptime-health-euw1');
      expect(keys).not.toContain('uptime-multi-region');
    });
  });

  describe('slos', () => {
    const withCm = () => catalog.slos.filter((s) => s.cloudMonitoring);

    test('every slo with a cloud monitoring sli becomes a cloud monitoring slo with the same goal and period', () => {
      expect(withCm().length).toBeGreaterThan(0);
      expect(plan.slos.map((s) => s.sloRef)).toEqual(withCm().map((s) => s.id));
      for (const slo of withCm()) {
        const cm = plan.slos.find((s) => s.sloRef === slo.id)!;
        expect(cm.goal).toBe(slo.objective);
        expect(cm.rollingPeriodDays * 86400).toBe(slo.windowSeconds);
        expect(plan.services.map((s) => s.key)).toContain(cm.serviceKey);
      }
    });

    test('every such slo has a burn-rate policy per enabled window with the factor of burnWindows, and none for a disabled one', () => {
      for (const slo of withCm()) {
        const enabled = new Set(slo.alerting.windows.map((w) => w.id));
        const all = burnWindows(slo.objectivePercent, slo.windowSeconds, slo.alerting.severities);
        // then: a window the spec turns off (the availability SLO's pages) has no policy
        for (const w of all.filter((x) => !enabled.has(x.id))) {
          expect(plan.policies.map((p) => p.key)).not.toContain(`slo-burn-${slo.service}-${slo.name}-${w.id}`);
        }
        for (const w of all.filter((x) => enabled.has(x.id))) {
          const p = policy(plan, `slo-burn-${slo.service}-${slo.name}-${w.id}`);
          // then: long and short window, both above the factor, combined with AND
          expect(p.combiner).toBe('AND');
          expect(p.severity).toBe(w.severity);
          expect(p.conditions.map((c) => (c as ThresholdCondition).filter)).toEqual([
            `select_slo_burn_rate("{{sloName:${slo.service}-${slo.name}}}", "${w.longWindowSeconds}s")`,
            `select_slo_burn_rate("{{sloName:${slo.service}-${slo.name}}}", "${w.shortWindowSeconds}s")`,
          ]);
          expect(thresholds(p)).toEqual([w.factor, w.factor]);
        }
      }
    });

    const base = () => withCm()[0]!;
    test.each<[string, (s: Slo) => Slo, string]>([
      [
        'a window that is not whole days',
        (s) => ({ ...s, window: '36h' as Slo['window'], windowSeconds: 129600 }),
        'is not a whole number of days between 1 and 30',
      ],
      [
        'an objective above 99.99 %',
        (s) => ({ ...s, objective: 0.99999, objectivePercent: 99.999 }),
        'is above the cloud monitoring maximum goal 0.9999',
      ],
      [
        'a distribution cut that differs from the latency threshold',
        (s) => ({ ...s, cloudMonitoring: { kind: 'distributionCut', distributionFilter: 'x', rangeMax: 60, unit: 'ms' } }),
        'cloud monitoring rangeMax 60 ms differs from the latency threshold',
      ],
    ])('rejects %s', (_what, change, message) => {
      const latency = catalog.slos.find((s) => s.cloudMonitoring?.kind === 'distributionCut')!;
      const slo = change(message.includes('rangeMax') ? latency : base());
      expect(() => cloudMonitoringSlo(slo, env)).toThrow(message);
    });
  });

  describe('sli filter checks', () => {
    const slo = () => catalog.slos.find((s) => s.cloudMonitoring?.kind === 'goodTotalRatio')!;
    const withTotal = (totalFilter: string): Slo => ({ ...slo(), cloudMonitoring: { kind: 'goodTotalRatio', totalFilter } });

    test.each<[string, string, number]>([
      ['a cloud run service of the environment', 'resource.label.service_name="example-api-usc1"', 0],
      ['the url map of the environment', 'resource.label.url_map_name="example-api-lb"', 0],
      ['no service at all', 'resource.type="https_lb_rule"', 0],
      ['a cloud run service the environment does not create', 'resource.label.service_name="api"', 1],
      ['a url map the environment does not create', 'resource.label.url_map_name="other"', 1],
      ["the environment's cloud run services by placeholder", 'resource.label.service_name={{.cloudRunServices}}', 0],
      ["the environment's url map by placeholder", 'resource.label.url_map_name={{.urlMap}}', 0],
    ])('a filter naming %s gives %p warnings', (_what, filter, count) => {
      // when
      const warnings = sloFilterWarnings(env, withTotal(filter));
      // then
      expect(warnings).toHaveLength(count);
    });

    test("placeholders resolve to the environment's own cloud run services and url map", () => {
      // when
      const services = resolveSliFilter(env, 'resource.label.service_name={{.cloudRunServices}}');
      const urlMap = resolveSliFilter(env, 'resource.label.url_map_name={{.urlMap}}');
      // then
      expect(services).toBe('resource.label.service_name=one_of("example-api-euw1","example-api-usc1","example-api-asn1")');
      expect(urlMap).toBe('resource.label.url_map_name="example-api-lb"');
    });

    test('the warning names the value, the environment and what it does create', () => {
      expect(sloFilterWarnings(env, withTotal('resource.label.service_name="api"'))).toEqual([
        `slo "${slo().id}": its cloud monitoring filter selects service_name "api", which environment "example" does not create (it has example-api-euw1, example-api-usc1, example-api-asn1); the slo would see no requests`,
      ]);
    });
  });

  describe('channels', () => {
    test('page goes to pagerduty, critical and warning to slack, info to one e-mail channel per address', () => {
      const channels = notificationChannels(env);
      expect(channels.map((c) => [c.severity, c.type])).toEqual([
        ['page', 'pagerduty'],
        ['critical', 'slack'],
        ['warning', 'slack'],
        ...env.notifications.info!.email!.addresses.map(() => ['info', 'email']),
      ]);
      expect(channels[0]!.sensitiveLabels.service_key).toEqual(parseSecretRef(env.notifications.page!.pagerduty!.integrationKeySecret));
      expect(channels[1]!.sensitiveLabels.auth_token!.secret).toBe('slack-bot-token');
    });

    test('a severity without a channel is routed to the nearest configured severity', () => {
      // given no info target
      const noInfo = withEnv((e) => ({ ...e, notifications: { ...e.notifications, info: undefined } }));
      // when
      const routing = severityRouting(notificationChannels(noInfo));
      // then
      for (const s of SEVERITIES) expect(routing.channelKeys[s].length).toBeGreaterThan(0);
      expect(routing.fallbacks).toEqual([{ severity: 'info', routedTo: 'warning' }]);
    });

    test('rejects a secret reference that is not a secret manager version', () => {
      expect(() => parseSecretRef('hunter2')).toThrow(
        'secret reference "hunter2" must be projects/<project>/secrets/<name>/versions/<version>',
      );
    });
  });
});
