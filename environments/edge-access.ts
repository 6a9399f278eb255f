/**
 * What each edge access mode (`edge.access`) means for every part of the platform, in one table:
 * whether IAP guards the backend services, the ingress and invokers of each region's Cloud Run
 * service, and what the uptime probes (Cloud Monitoring's and the blackbox exporter's) probe and
 * with which identity. The stacks, the Cloud Monitoring plan and the server configurations read it;
 * none decides on its own. docs/infrastructure.md "Edge access" states the trade-offs.
 */
import type { EdgeAccess, EnvironmentConfig } from './schema';

/** Cloud Run v2 ingress settings this package uses (`google_cloud_run_v2_service.ingress`). */
export type CloudRunIngress = 'INGRESS_TRAFFIC_ALL' | 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER';

/** A principal granted `roles/run.invoker` on each region's service. */
export type CloudRunInvoker = 'iapServiceAgent' | 'monitoringServiceAgent' | 'allUsers';

/** What one edge access mode means. */
export interface EdgeAccessPolicy {
  /** IAP on every backend service of the load balancer. */
  readonly iap: boolean;
  /**
   * Cloud Run ingress. `INGRESS_TRAFFIC_ALL` where Cloud Monitoring's uptime checkers (on the
   * internet) must reach the `run.app` URL; "internal and Cloud Load Balancing" otherwise.
   */
  readonly ingress: CloudRunIngress;
  /** The only principals with `roles/run.invoker` on each region's service. */
  readonly invokers: readonly CloudRunInvoker[];
  /**
   * What Cloud Monitoring's per-region uptime checks probe: `edge` is `https://<region>.<domain>`
   * through the load balancer, without credentials; `cloudRun` is the region's Cloud Run service
   * URL, with an OIDC token of the Monitoring service agent (which IAP would refuse, and Cloud Run
   * accepts from an invoker).
   */
  readonly uptimeTarget: 'edge' | 'cloudRun';
  /**
   * Whether the blackbox exporter's probe of `https://<region>.<domain>` carries a bearer token
   * (from `prometheusServers.probeTokenDir`) that IAP admits.
   */
  readonly probeToken: boolean;
}

/** The policy of each mode. */
export const EDGE_ACCESS: Readonly<Record<EdgeAccess, EdgeAccessPolicy>> = {
  iap: {
    iap: true,
    ingress: 'INGRESS_TRAFFIC_ALL',
    invokers: ['iapServiceAgent', 'monitoringServiceAgent'],
    uptimeTarget: 'cloudRun',
    probeToken: true,
  },
  public: {
    iap: false,
    ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
    invokers: ['allUsers'],
    uptimeTarget: 'edge',
    probeToken: false,
  },
};

/** The edge access policy of an environment. */
export function edgeAccess(env: EnvironmentConfig): EdgeAccessPolicy {
  return EDGE_ACCESS[env.edge.access];
}
