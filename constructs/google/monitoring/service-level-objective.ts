/** A request-based Cloud Monitoring SLO. */
import type { CloudMonitoringSloSpec } from '../../../alerts/cloud-monitoring/model';
import { Annotations, Construct } from '../../framework';
import { MonitoringSlo } from '../monitoring-bindings';
import { userLabelProblems } from './private/labels';

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

/**
 * Largest goal the Monitoring API accepts ("0 < goal <= 0.9999", ServiceLevelObjective.goal). The
 * provider's own doc comment of `goal` says 0.999; goals between the two get a warning.
 */
export const MAX_SLO_GOAL = 0.9999;

/** Largest goal the provider documents (doc comment of `MonitoringSloConfig.goal`: "0 < goal <= 0.999"). */
export const PROVIDER_DOCUMENTED_MAX_SLO_GOAL = 0.999;

/**
 * Problems the API would report for an SLO (empty when it accepts it): goal in (0, 0.9999];
 * `rolling_period_days` 1–30 (provider doc comment: "Must be between 1 to 30 days, inclusive");
 * a good/total ratio names exactly two of the good, bad and total filters (provider doc comment of
 * `good_total_ratio`: "Exactly two of 'good_service_filter','bad_service_filter',
 * 'total_service_filter' must be set"); a
 * distribution cut has a finite, non-negative upper bound; user labels follow the API's label rule.
 */
export function sloProblems(slo: CloudMonitoringSloSpec): string[] {
  const problems: string[] = [];
  if (!(slo.goal > 0 && slo.goal <= MAX_SLO_GOAL)) problems.push(`goal must be in (0, ${MAX_SLO_GOAL}], got ${slo.goal}`);
  if (!Number.isInteger(slo.rollingPeriodDays) || slo.rollingPeriodDays < 1 || slo.rollingPeriodDays > 30) {
    problems.push(`rolling period must be 1–30 days, got ${slo.rollingPeriodDays}`);
  }
  problems.push(...userLabelProblems(slo.userLabels));
  const sli = slo.sli;
  if (sli.kind === 'goodTotalRatio') {
    const given = [sli.goodFilter, sli.badFilter, sli.totalFilter].filter((f) => f !== undefined && f !== '').length;
    if (given !== 2) problems.push(`a good/total ratio needs exactly two of the good, bad and total filters, got ${given}`);
  } else if (!Number.isFinite(sli.rangeMax) || sli.rangeMax < 0) {
    problems.push(`distribution cut upper bound must be a non-negative number, got ${sli.rangeMax}`);
  }
  return problems;
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
    const problems = sloProblems(slo);
    if (problems.length > 0) throw new Error(`slo ${slo.sloRef}: ${problems.join('; ')}`);
    if (slo.goal > PROVIDER_DOCUMENTED_MAX_SLO_GOAL) {
      Annotations.of(this).addWarning(
        `slo ${slo.sloRef}: goal ${slo.goal} is above the provider's documented ${PROVIDER_DOCUMENTED_MAX_SLO_GOAL} (the API reference allows ${MAX_SLO_GOAL})`,
      );
    }
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
          : {
              // Both bounds explicit: the provider doc comment of the request-based range says an
              // unset bound "will be set to 0", so [0, max] is what an unset min means anyway;
              // latencies are never negative, and writing it keeps plan and state identical.
              distributionCut: { distributionFilter: sli.distributionFilter, range: { min: 0, max: sli.rangeMax } },
            },
    });
    this.sloName = this.resource.name;
  }
}
