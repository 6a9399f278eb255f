/** A Cloud Monitoring custom service: the home of one platform service's SLOs. */
import type { ServiceSpec } from '../../../alerts/cloud-monitoring/model';
import { Construct } from '../../framework';
import { MonitoringCustomService } from '../monitoring-bindings';

/** Props of {@link CustomService}. */
export interface CustomServiceProps {
  /**
   * The service, as the plan describes it.
   *
   * A custom service rather than a Cloud Run service: the SLIs span regions and the load balancer.
   */
  readonly service: ServiceSpec;
}

/** A `google_monitoring_custom_service`. */
export class CustomService extends Construct {
  /** The service resource. */
  public readonly resource: MonitoringCustomService;
  /** The `service_id` SLOs are created under. */
  public readonly serviceId: string;

  constructor(scope: Construct, id: string, props: CustomServiceProps) {
    super(scope, id);
    const s = props.service;
    this.resource = new MonitoringCustomService(this, 'Resource', {
      serviceId: s.serviceId,
      displayName: s.displayName,
      userLabels: { service: s.service },
    });
    this.serviceId = this.resource.serviceId;
  }
}
