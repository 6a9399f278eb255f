/**
 * The Cloud Monitoring stack of an environment (`<env>-monitoring`): notification channels,
 * uptime checks, custom services, SLOs and every alert policy of the plan computed in
 * alerts/cloud-monitoring. It refers to the infrastructure by the shared names in
 * environments/naming.ts, never by cross-stack references, so it can be applied on its own.
 */
import { cloudMonitoringPlan } from '../alerts/cloud-monitoring/plan';
import { Annotations, TerraformStack, type App } from '../constructs/framework';
import { addGoogleProvider } from '../constructs/google/google-provider';
import { AlertPolicy } from '../constructs/google/monitoring/alert-policy';
import { CustomService } from '../constructs/google/monitoring/custom-service';
import { NotificationChannel } from '../constructs/google/monitoring/notification-channel';
import { SecretVersionValue } from '../constructs/google/monitoring/secret-version-value';
import { ServiceLevelObjective } from '../constructs/google/monitoring/service-level-objective';
import { UptimeCheck } from '../constructs/google/monitoring/uptime-check';
import { addStateBackend } from '../constructs/state-backend';
import { primaryRegion } from '../environments/naming';
import { promqlPolicyInputs } from '../layers/platform/managed-evaluation';
import type { EnvironmentConfig } from '../environments/schema';
import type { EnvironmentInputs } from './app';

/** Name (and construct id) of the monitoring stack of an environment. */
export function monitoringStackName(env: EnvironmentConfig): string {
  return `${env.name}-monitoring`;
}

/** Adds `<env>-monitoring` to `app` and returns it. */
export function addMonitoringStack(app: App, inputs: EnvironmentInputs): TerraformStack {
  const { env, catalog } = inputs;
  const plan = cloudMonitoringPlan(env, catalog, promqlPolicyInputs(inputs));
  const name = monitoringStackName(env);
  const stack = new TerraformStack(app, name);
  addStateBackend(stack, env, name);
  addGoogleProvider(stack, env, primaryRegion(env).name);

  // One data source per distinct secret, however many channels share it (Slack critical and warning).
  const secretValues: Record<string, string> = {};
  for (const channel of plan.channels) {
    for (const ref of Object.values(channel.sensitiveLabels)) {
      if (!ref || secretValues[ref.reference]) continue;
      const id = `Secret-${ref.project}-${ref.secret}-${ref.version}`;
      secretValues[ref.reference] = new SecretVersionValue(stack, id, { secret: ref }).value;
    }
  }
  const channelNames: Record<string, string> = {};
  for (const channel of plan.channels) {
    channelNames[channel.key] = new NotificationChannel(stack, `Channel-${channel.key}`, { channel, secretValues }).channelName;
  }
  if (plan.channels.length === 0) {
    Annotations.of(stack).addWarning('no notification channels are configured: alert policies will open incidents but notify no one');
  }
  for (const f of plan.routingFallbacks) {
    Annotations.of(stack).addWarning(`notifications.${f.severity} is not configured: its alerts go to the ${f.routedTo} channels`);
  }

  for (const w of plan.warnings) Annotations.of(stack).addWarning(w);

  const uptimeCheckId: Record<string, string> = {};
  for (const check of plan.uptimeChecks) {
    uptimeCheckId[check.key] = new UptimeCheck(stack, `Uptime-${check.key}`, { check }).uptimeCheckId;
  }

  const serviceIds: Record<string, string> = {};
  for (const service of plan.services) {
    serviceIds[service.key] = new CustomService(stack, `Service-${service.key}`, { service }).serviceId;
  }
  const sloName: Record<string, string> = {};
  for (const slo of plan.slos) {
    const serviceId = serviceIds[slo.serviceKey];
    if (!serviceId) throw new Error(`slo "${slo.key}" names service "${slo.serviceKey}", which the plan does not create`);
    sloName[slo.key] = new ServiceLevelObjective(stack, `Slo-${slo.key}`, { slo, serviceId }).sloName;
  }

  for (const policy of plan.policies) {
    new AlertPolicy(stack, `Policy-${policy.key}`, {
      policy,
      notificationChannels: policy.channelKeys.map((k) => channelNames[k]!),
      references: { uptimeCheckId, sloName },
    });
  }
  return stack;
}
