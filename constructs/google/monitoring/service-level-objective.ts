/** A request-based Cloud Monitoring SLO. */
import type { CloudMonitoringSloSpec } from '../../../alerts/cloud-monitoring/model';
import { Construct } from '../../framework';
import { MonitoringSlo } from '../monitoring-bindings';

/** Props of {@link ServiceLevelObjective}. */
export interface ServiceLevelObjectiveProps {
  /**
   * The SLO, as the plan describes it.
   *
   * Goal, rolling period and SLI come from the same spec as the Prometheus rules.
   */
  readonly slo: CloudMonitoringSloSpec;
  /**
   * The `service_id` of the custom service the SLO belongs to.
   *
   * Pass CustomService.serviceId so Terraform orders the two.
   */
  readonly serviceId: string;
}

/** A `google_monitoring_slo` with a good/total ratio or a distribution cut. */
export class ServiceLevelObjective extends Construct {
  /** The SLO resource. */
  public readonly resource: MonitoringSlo;
  /** Full SLO name (`projects/…/services/…/serviceLevelObjectives/…`), what `select_slo_burn_rate` takes. */
  public readonly sloName: string;

  constructor(scope: Construct, id: string, props: ServiceLevelObjectiveProps) {
    super(scope, id);
    const { slo } = props;
    const sli = slo.sli;
    this.resource = new MonitoringSlo(this, 'Resource', {
      service: props.serviceId,
      sloId: slo.sloId,
      displayName: slo.displayName,
      goal: slo.goal,
      rollingPeriodDays: slo.rollingPeriodDays,
      userLabels: { ...slo.userLabels },
      requestBasedSli:
        sli.kind === 'goodTotalRatio'
          ? {
              goodTotalRatio: {
                totalServiceFilter: sli.totalFilter,
                ...(sli.goodFilter ? { goodServiceFilter: sli.goodFilter } : {}),
                ...(sli.badFilter ? { badServiceFilter: sli.badFilter } : {}),
              },
            }
          : { distributionCut: { distributionFilter: sli.distributionFilter, range: { max: sli.rangeMax } } },
    });
    this.sloName = this.resource.name;
  }
}
