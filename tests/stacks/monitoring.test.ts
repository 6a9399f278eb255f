import { cloudMonitoringPlan, type MonitoringPlan, uptimeCheckerLocationCount } from '../../alerts/cloud-monitoring';
import { Testing } from '../../constructs/framework';
import { loadEnvironmentOrThrow } from '../../environments/load';
import { names } from '../../environments/naming';
import { burnWindows } from '../../slos/burn-rate';
import { loadCatalog } from '../../slos/load';
import type { SloCatalog } from '../../slos/model';
import { SEVERITIES } from '../../slos/schema';
import { promqlPolicyInputs } from '../../layers/platform/managed-evaluation';
import { addMonitoringStack, monitoringStackName } from '../../stacks/monitoring';

type Resource = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- synthesized JSON is untyped

const env = loadEnvironmentOrThrow('example');
const catalog = loadCatalog({ slosDir: 'slos' }).catalog as SloCatalog;

describe('monitoring stack of the example environment', () => {
  let text: string;
  let out: { resource: Record<string, Record<string, Resource>>; data: Record<string, Record<string, Resource>> };
  let plan: MonitoringPlan;
  const all = (type: string): Resource[] => Object.values(out.resource[type] ?? {});

  beforeAll(() => {
    // given the example environment and the bundled specs; when the stack is synthesized once
    const stack = addMonitoringStack(Testing.app(), { env, catalog });
    text = Testing.synth(stack);
    out = JSON.parse(text);
    plan = cloudMonitoringPlan(env, catalog, promqlPolicyInputs({ env, catalog }));
    expect(stack.node.id).toBe(monitoringStackName(env));
  });

  test('every planned policy, channel, check, service and slo is a resource', () => {
    expect(all('google_monitoring_alert_policy')).toHaveLength(plan.policies.length);
    expect(all('google_monitoring_notification_channel')).toHaveLength(plan.channels.length);
    expect(all('google_monitoring_uptime_check_config')).toHaveLength(env.gcp.regions.length);
    expect(all('google_monitoring_custom_service')).toHaveLength(plan.services.length);
  });

  test('every slo with a cloud monitoring sli becomes a google_monitoring_slo with its burn-rate policies', () => {
    const slos = all('google_monitoring_slo');
    for (const slo of catalog.slos.filter((s) => s.cloudMonitoring)) {
      // then the slo exists with the spec's goal and rolling period
      const resource = slos.find((r) => r.slo_id === slo.name && r.user_labels.slo === `${slo.service}-${slo.name}`);
      expect(resource).toMatchObject({ goal: slo.objective, rolling_period_days: slo.windowSeconds / 86400 });
      // and each enabled window has a policy whose two burn-rate conditions use the factor of
      // burnWindows; a window the spec turns off (the availability SLO's pages) has none
      const enabled = new Set(slo.alerting.windows.map((w) => w.id));
      for (const w of burnWindows(slo.objectivePercent, slo.windowSeconds, slo.alerting.severities)) {
        const policy = all('google_monitoring_alert_policy').find(
          (p) => p.user_labels.slo === `${slo.service}-${slo.name}` && p.user_labels.window === w.id,
        );
        if (!enabled.has(w.id)) {
          expect(policy).toBeUndefined();
          continue;
        }
        expect(policy?.combiner).toBe('AND');
        expect(policy?.conditions.map((c: Resource) => c.condition_threshold.threshold_value)).toEqual([w.factor, w.factor]);
        expect(policy?.conditions.map((c: Resource) => c.condition_threshold.filter)).toEqual([
          expect.stringMatching(
            new RegExp(`^select_slo_burn_rate\\("\\$\\{google_monitoring_slo\\.[^}]+\\.name\\}", "${w.longWindowSeconds}s"\\)$`),
          ),
          expect.stringMatching(new RegExp(`, "${w.shortWindowSeconds}s"\\)$`)),
        ]);
      }
    }
  });

  test('every severity reaches a channel', () => {
    const channels = out.resource.google_monitoring_notification_channel!;
    const severityOf = (ref: string) =>
      channels[/google_monitoring_notification_channel\.([^.]+)\.name/.exec(ref)![1]!]!.user_labels.severity;
    const reached = new Set<string>();
    for (const p of all('google_monitoring_alert_policy')) {
      expect(p.notification_channels.length).toBeGreaterThan(0);
      for (const ref of p.notification_channels) expect(severityOf(ref)).toBe(p.user_labels.severity);
      reached.add(p.user_labels.severity);
    }
    // and every severity with a configured target has a channel
    for (const s of SEVERITIES)
      if (env.notifications[s]) expect(Object.values(channels).some((c) => c.user_labels.severity === s)).toBe(true);
    // every severity some alert has: the rule files' budget alerts (info) are policies too (sloEvaluation managed)
    const severities = new Set(plan.policies.map((p) => p.severity));
    expect(severities.has('info')).toBe(true);
    expect([...reached].sort()).toEqual([...severities].sort());
  });

  test('no secret literal is in the output: credentials come from secret manager data sources', () => {
    for (const ch of all('google_monitoring_notification_channel')) {
      for (const v of Object.values(ch.sensitive_labels ?? {})) {
        expect(v).toMatch(/^\$\{data\.google_secret_manager_secret_version\.[^.]+\.secret_data\}$/);
      }
    }
    // one data source per distinct secret (slack critical and warning share the token)
    expect(
      Object.values(out.data.google_secret_manager_secret_version!)
        .map((d) => d.secret)
        .sort(),
    ).toEqual(['pagerduty-integration-key', 'slack-bot-token']);
    expect(text).not.toMatch(/"(service_key|auth_token|password)":\s*"[^$]/);
  });

  test('each region has an uptime check every 300 s from at least 3 checker locations', () => {
    const checks = all('google_monitoring_uptime_check_config');
    for (const c of checks) {
      expect(c.period).toBe('300s');
      // provider doc of selected_regions: "enough regions to include a minimum of 3 locations"
      expect(uptimeCheckerLocationCount(c.selected_regions)).toBeGreaterThanOrEqual(3);
      expect(c.http_check.path).toBe(env.service.healthPath);
    }
  });

  test("with a public edge, each region's check probes its host through the load balancer, without credentials", () => {
    expect(env.edge.access).toBe('public');
    const checks = all('google_monitoring_uptime_check_config');
    expect(checks.map((c) => c.monitored_resource.labels.host).sort()).toEqual(
      env.gcp.regions.map((r) => names.regionalHost(env, r.name)).sort(),
    );
    for (const c of checks) expect(c.http_check.service_agent_authentication).toBeUndefined();
    expect(out.data.google_cloud_run_v2_service).toBeUndefined();
  });

  test('the replica-lag policies fire at half the rpo (warning) and at the rpo (page)', () => {
    const lag = all('google_monitoring_alert_policy').filter((p) =>
      p.conditions[0].condition_threshold?.filter.includes('replication/replica_lag'),
    );
    expect(lag).toHaveLength(2 * (env.gcp.regions.length - 1));
    for (const p of lag) {
      const expected = p.user_labels.severity === 'page' ? env.database.rpoSeconds : env.database.rpoSeconds / 2;
      expect(p.conditions[0].condition_threshold.threshold_value).toBe(expected);
    }
  });

  test('every policy has markdown documentation with its runbook link', () => {
    // a PromQL policy links its rule file alert's own runbook (slos.md, symptoms.md), the others cloud-monitoring.md
    for (const p of all('google_monitoring_alert_policy')) {
      const page = p.user_labels.area === 'slo-promql' || p.user_labels.area === 'symptom-promql' ? '[a-z]+' : 'cloud-monitoring';
      expect(p.documentation.mime_type).toBe('text/markdown');
      expect(p.documentation.content).toMatch(new RegExp(`Runbook: ${env.runbookBaseUrl.replace(/[.]/g, '\\.')}/${page}\\.md#[a-z0-9-]+`));
      expect(['CRITICAL', 'ERROR', 'WARNING']).toContain(p.severity);
    }
  });
});

describe('monitoring stack of an environment with IAP at the edge', () => {
  const iapEnv = loadEnvironmentOrThrow('production-example');
  let out: { resource: Record<string, Record<string, Resource>>; data: Record<string, Record<string, Resource>> };

  beforeAll(() => {
    // given the production example, whose edge is iap; when its monitoring stack is synthesized
    expect(iapEnv.edge.access).toBe('iap');
    out = JSON.parse(Testing.synth(addMonitoringStack(Testing.app(), { env: iapEnv, catalog })));
  });

  test("each region's check probes its Cloud Run service at the service's uri, with the Monitoring service agent's OIDC token", () => {
    // then one data source per region reads the service the region stack creates
    const services = out.data.google_cloud_run_v2_service ?? {};
    expect(
      Object.values(services)
        .map((d) => [d.project, d.location, d.name])
        .sort(),
    ).toEqual(iapEnv.gcp.regions.map((r) => [iapEnv.gcp.project, r.name, names.cloudRunService(iapEnv, r.name)]).sort());
    // and each check's host is that data source's uri without its scheme: a Terraform expression,
    // not text, so the escaping of literal templates must have left it alone
    const checks = Object.values(out.resource.google_monitoring_uptime_check_config ?? {});
    expect(checks).toHaveLength(iapEnv.gcp.regions.length);
    for (const c of checks) {
      const region = c.user_labels.region;
      const [id] = Object.entries(services).find(([, d]) => d.location === region)!;
      expect(c.monitored_resource).toEqual({
        type: 'uptime_url',
        labels: { project_id: iapEnv.gcp.project, host: `\${replace(data.google_cloud_run_v2_service.${id}.uri, "https://", "")}` },
      });
      expect(c.http_check).toMatchObject({
        path: iapEnv.service.healthPath,
        use_ssl: true,
        validate_ssl: true,
        service_agent_authentication: { type: 'OIDC_TOKEN' },
      });
    }
  });

  test('no check probes a host behind IAP, which would refuse the service agent token', () => {
    const hosts = Object.values(out.resource.google_monitoring_uptime_check_config ?? {}).map((c) => c.monitored_resource.labels.host);
    for (const r of iapEnv.gcp.regions) expect(hosts).not.toContain(names.regionalHost(iapEnv, r.name));
    expect(JSON.stringify(out.resource.google_monitoring_uptime_check_config)).not.toContain(iapEnv.domain);
  });
});
