/**
 * The observability stack of an environment (`<env>-observability`): Grafana folder, data
 * sources (the Prometheus one on Cloud Monitoring, kept authenticated by Google's data source
 * syncer, or on a URL), dashboards, contact points, notification policy, message template and, when
 * `grafana.managedAlerts` is on, Grafana-managed copies of the burn-rate alerts.
 *
 * Grafana credentials are not configuration: the provider reads `GRAFANA_AUTH` at deploy time.
 * Notification secrets are Secret Manager references, read by Terraform at plan time.
 */
import { grafanaBurnRateRuleGroups } from '../alerts/grafana/burn-rate-rules';
import { messageTemplateText, NOTIFICATION_GROUP_BY, severityRoutingTable, TEMPLATE_NAMES } from '../alerts/routing';
import { Annotations, TerraformStack, type App } from '../constructs/framework';
import { addGoogleProvider } from '../constructs/google/google-provider';
import { GrafanaDatasourceSyncer } from '../constructs/google/grafana-datasource-syncer';
import { CloudMonitoringDataSource } from '../constructs/grafana/cloud-monitoring-data-source';
import { ContactPoint } from '../constructs/grafana/contact-point';
import { GrafanaDashboard } from '../constructs/grafana/dashboard';
import { GrafanaFolder } from '../constructs/grafana/folder';
import { GrafanaProvider } from '../constructs/grafana/grafana-provider';
import { MessageTemplate } from '../constructs/grafana/message-template';
import { NotificationPolicy, type NotificationRoute } from '../constructs/grafana/notification-policy';
import { PrometheusDataSource } from '../constructs/grafana/prometheus-data-source';
import { SecretStore } from '../constructs/grafana/secret-store';
import { SloRuleGroup } from '../constructs/grafana/slo-rule-group';
import { addStateBackend } from '../constructs/state-backend';
import { panelKey } from '../dashboards/panels/common';
import { buildDashboards } from '../dashboards/render';
import { platformSlos } from '../environments/platform-slos';
import { platformEngineInputs } from '../layers/platform/layer';
import { names, primaryRegion } from '../environments/naming';
import type { EnvironmentConfig, NotificationTarget } from '../environments/schema';
import { LABEL } from '../slos/conventions';
import { SEVERITIES, type Severity } from '../slos/schema';
import type { EnvironmentInputs } from './app';

/** Names and UIDs of the Grafana objects of an environment; stable, so applies update in place. */
export function grafanaNames(env: EnvironmentConfig) {
  return {
    stack: `${env.name}-observability`,
    folderTitle: `SLO platform (${env.name})`,
    folderUid: `slo-platform-${env.name}`,
    prometheusName: `${env.name} Prometheus`,
    prometheusUid: `${env.name}-prometheus`,
    cloudMonitoringName: `${env.name} Cloud Monitoring`,
    cloudMonitoringUid: `${env.name}-cloud-monitoring`,
    contactPoint: (severity: Severity) => `${env.name}-${severity}`,
    messageTemplate: `${env.name}-slo`,
  };
}

/** Grouping, template names and text live with the routing table that every alert path shares. */
export { messageTemplateText, NOTIFICATION_GROUP_BY, TEMPLATE_NAMES } from '../alerts/routing';

/** Adds `<env>-observability` to `app` and returns it. */
export function addObservabilityStack(app: App, inputs: EnvironmentInputs): TerraformStack {
  const { env, catalog } = inputs;
  const n = grafanaNames(env);
  const stack = new TerraformStack(app, n.stack);
  addStateBackend(stack, env, n.stack);

  new GrafanaProvider(stack, 'Grafana', { url: env.grafana.url });
  // The Google provider reads Secret Manager here (the notification secrets) and runs the data source syncer.
  addGoogleProvider(stack, env, primaryRegion(env).name);
  const secrets = new SecretStore(stack, 'Secrets');

  const folder = new GrafanaFolder(stack, 'Folder', { title: n.folderTitle, uid: n.folderUid });
  const prometheus = addPrometheusDataSource(stack, env);
  new CloudMonitoringDataSource(stack, 'CloudMonitoring', {
    name: n.cloudMonitoringName,
    uid: n.cloudMonitoringUid,
    project: env.gcp.project,
  });

  const dashboards = buildDashboards(catalog, platformEngineInputs(catalog, env, platformSlos(env, catalog)));
  for (const d of dashboards) {
    // Keyed by UID: the UID is derived from a stable name, so the construct id is stable too.
    new GrafanaDashboard(stack, `Dashboard-${d.uid}`, { folderUid: folder.uid, uid: d.uid, json: d.json });
  }

  addAlertRouting(stack, env, secrets);

  if (env.grafana.managedAlerts) {
    // Each SLO's rules link to its burn-rate panel on the SLO dashboard deployed above.
    const panelLinks = new Map(
      catalog.slos.flatMap((slo) =>
        dashboards.flatMap((d) => {
          const panelId = d.panels.get(panelKey('burn-rate', slo.id));
          return panelId === undefined ? [] : [[slo.id, { dashboardUid: d.uid, panelId }] as const];
        }),
      ),
    );
    for (const group of grafanaBurnRateRuleGroups(catalog, env, { prometheusUid: n.prometheusUid, panelLinks })) {
      new SloRuleGroup(stack, `RuleGroup-${group.name}`, { folderUid: folder.uid, group, dependsOn: [prometheus.resource] });
    }
  }
  return stack;
}

/**
 * The Prometheus data source, same uid whichever the source: Cloud Monitoring's PromQL endpoint of
 * the project with Google's data source syncer keeping its token fresh (`managed`), or
 * `grafana.prometheusUrl` (`url`). docs/managed-prometheus.md, "Grafana reads the same data".
 */
function addPrometheusDataSource(stack: TerraformStack, env: EnvironmentConfig): PrometheusDataSource {
  const n = grafanaNames(env);
  const common = { name: n.prometheusName, uid: n.prometheusUid, isDefault: true };
  if (env.grafana.prometheusSource === 'url') {
    if (env.grafana.prometheusUrl === undefined) throw new Error('grafana.prometheusSource url needs grafana.prometheusUrl');
    return new PrometheusDataSource(stack, 'Prometheus', { ...common, url: env.grafana.prometheusUrl });
  }
  const syncer = env.grafana.datasourceSyncer;
  if (syncer === undefined) throw new Error('grafana.prometheusSource managed needs grafana.datasourceSyncer');
  const prometheus = new PrometheusDataSource(stack, 'Prometheus', { ...common, cloudMonitoringProject: env.gcp.project });
  new GrafanaDatasourceSyncer(stack, 'DatasourceSyncer', {
    project: env.gcp.project,
    region: primaryRegion(env).name,
    names: {
      serviceAccountId: names.grafanaSyncerServiceAccount(env),
      job: names.grafanaSyncerJob(env),
      scheduler: names.grafanaSyncerJob(env),
    },
    image: syncer.image,
    schedule: syncer.schedule,
    grafanaUrl: env.grafana.url,
    datasourceUids: [n.prometheusUid],
    grafanaTokenSecret: syncer.tokenSecret,
  });
  return prometheus;
}

/** Contact points per severity, the message template, and the policy tree that routes by `severity`. */
function addAlertRouting(stack: TerraformStack, env: EnvironmentConfig, secrets: SecretStore): void {
  const n = grafanaNames(env);
  const configured = SEVERITIES.filter((s) => env.notifications[s] !== undefined);
  if (configured.length === 0) {
    Annotations.of(stack).addWarning('no notifications configured: Grafana keeps its own notification policy and alerts notify nobody');
    return;
  }
  const template = new MessageTemplate(stack, 'MessageTemplate', { name: n.messageTemplate, template: messageTemplateText() });
  const contactPoints = new Map<Severity, ContactPoint>();
  for (const severity of configured) {
    const target = env.notifications[severity]!;
    const cp = new ContactPoint(stack, `ContactPoint-${severity}`, {
      name: n.contactPoint(severity),
      templates: { messageTemplate: template, ...TEMPLATE_NAMES },
      ...integrations(target, secrets),
    });
    contactPoints.set(severity, cp);
  }
  // One routing table for every alert path: a severity without a target goes to the nearest one,
  // anything without a known severity where the least urgent alerts go.
  const table = severityRoutingTable(configured);
  const routes: NotificationRoute[] = SEVERITIES.flatMap((severity) => {
    const to = table.routedTo[severity];
    return to ? [{ matchers: { [LABEL.severity]: severity }, contactPoint: contactPoints.get(to)!.name }] : [];
  });
  const fallback = contactPoints.get(table.defaultSeverity!)!;
  new NotificationPolicy(stack, 'NotificationPolicy', {
    defaultContactPoint: fallback.name,
    groupBy: NOTIFICATION_GROUP_BY,
    routes,
  });
}

function integrations(target: NotificationTarget, secrets: SecretStore) {
  return {
    ...(target.pagerduty ? { pagerduty: { integrationKey: secrets.value(target.pagerduty.integrationKeySecret) } } : {}),
    ...(target.slack ? { slack: { recipient: target.slack.channel, token: secrets.value(target.slack.tokenSecret) } } : {}),
    ...(target.email ? { email: { addresses: target.email.addresses } } : {}),
  };
}
