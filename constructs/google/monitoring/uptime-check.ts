/** An HTTPS uptime check of one region's health endpoint. */
import type { UptimeCheckSpec } from '../../../alerts/cloud-monitoring/model';
import { uptimeCheckerLocationCount } from '../../../alerts/cloud-monitoring/uptime';
import { Construct, Fn } from '../../framework';
import { DataGoogleCloudRunV2Service, MonitoringUptimeCheckConfig } from '../monitoring-bindings';

/** Props of {@link UptimeCheck}. */
export interface UptimeCheckProps {
  /**
   * The check, as the plan describes it.
   *
   * Target, path, period, timeout and checker locations all come from the environment config.
   */
  readonly check: UptimeCheckSpec;
}

/**
 * A `google_monitoring_uptime_check_config` that expects a 2xx over TLS with a valid certificate.
 * A Cloud Run target is read by a `google_cloud_run_v2_service` data source (the stack that creates
 * the service deploys first) and probed at its `uri` with `service_agent_authentication`: the
 * request carries a Google-signed OIDC token of the Monitoring service agent whose audience is the
 * URL's origin, the service URL Cloud Run expects; the agent needs `roles/run.invoker` on it.
 */
export class UptimeCheck extends Construct {
  /** The check resource. */
  public readonly resource: MonitoringUptimeCheckConfig;
  /** The Cloud Run service a `cloudRun` target is read from, else `undefined`. */
  public readonly cloudRunService?: DataGoogleCloudRunV2Service;
  /** The generated check id, the `check_id` label of `uptime_check/check_passed`. */
  public readonly uptimeCheckId: string;

  constructor(scope: Construct, id: string, props: UptimeCheckProps) {
    super(scope, id);
    const c = props.check;
    // The API counts checker locations, not region values: `USA` alone is three locations, while
    // any two single-location regions are too few (provider doc of `selected_regions`).
    const locations = uptimeCheckerLocationCount(c.selectedRegions);
    if (locations < 3) {
      throw new Error(
        `uptime check "${c.key}": cloud monitoring needs at least 3 checker locations, got ${locations} from ${c.selectedRegions.join(', ')}`,
      );
    }
    // Provider doc comments: period is one of 60s, 300s, 600s, 900s; timeout is 1–60 s.
    if (![60, 300, 600, 900].includes(c.periodSeconds))
      throw new Error(`uptime check "${c.key}": period must be 60, 300, 600 or 900 s, got ${c.periodSeconds}`);
    if (!Number.isInteger(c.timeoutSeconds) || c.timeoutSeconds < 1 || c.timeoutSeconds > 60) {
      throw new Error(`uptime check "${c.key}": timeout must be 1–60 s, got ${c.timeoutSeconds}`);
    }
    const target = c.target;
    let host: string;
    if (target.kind === 'host') host = target.host;
    else {
      this.cloudRunService = new DataGoogleCloudRunV2Service(this, 'CloudRunService', {
        project: c.project,
        location: target.location,
        name: target.service,
      });
      // `uri` is `https://<host>`; the check names the host alone.
      host = Fn.replace(this.cloudRunService.uri, 'https://', '');
    }
    this.resource = new MonitoringUptimeCheckConfig(this, 'Resource', {
      displayName: c.displayName,
      period: `${c.periodSeconds}s`,
      timeout: `${c.timeoutSeconds}s`,
      selectedRegions: [...c.selectedRegions],
      checkerType: 'STATIC_IP_CHECKERS',
      monitoredResource: { type: 'uptime_url', labels: { project_id: c.project, host } },
      httpCheck: {
        path: c.path,
        port: c.port,
        useSsl: true,
        validateSsl: true,
        requestMethod: 'GET',
        acceptedResponseStatusCodes: [{ statusClass: 'STATUS_CLASS_2XX' }],
        serviceAgentAuthentication: target.kind === 'cloudRun' ? { type: 'OIDC_TOKEN' } : undefined,
      },
      userLabels: { region: c.region },
    });
    this.uptimeCheckId = this.resource.uptimeCheckId;
  }
}
