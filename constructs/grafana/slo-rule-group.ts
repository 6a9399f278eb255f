/** A Grafana-managed rule group carrying an SLO's burn-rate alerts. */
import type { GrafanaRuleGroup } from '../../alerts/grafana/burn-rate-rules';
import { Construct, type ITerraformDependable } from '../framework';
import { RuleGroup, type RuleGroupRule } from './bindings';

/** Props of {@link SloRuleGroup}. */
export interface SloRuleGroupProps {
  /** UID of the folder the rules live in (pass the folder construct's `uid`). */
  readonly folderUid: string;
  /** The rendered group (alerts/grafana). */
  readonly group: GrafanaRuleGroup;
  /**
   * Resources that must exist first, e.g. the data source the queries name by UID.
   *
   * @default - only the folder, through `folderUid`.
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** A `grafana_rule_group` built from rendered rule data. */
export class SloRuleGroup extends Construct {
  /** The rule group resource. */
  readonly resource: RuleGroup;

  constructor(scope: Construct, id: string, props: SloRuleGroupProps) {
    super(scope, id);
    const { group } = props;
    if (group.rules.length === 0) throw new Error(`rule group "${group.name}" has no rules; grafana rejects empty groups`);
    const rule: RuleGroupRule[] = group.rules.map((r) => ({
      name: r.title,
      condition: r.condition,
      for: r.for,
      ...(r.keepFiringFor ? { keepFiringFor: r.keepFiringFor } : {}),
      labels: { ...r.labels },
      annotations: { ...r.annotations },
      // As in Prometheus, where an absent series never fires a PromQL alert: no data resolves, it does not page.
      noDataState: 'OK',
      execErrState: 'Error',
      data: r.stages.map((s) => ({
        refId: s.refId,
        datasourceUid: s.datasourceUid,
        relativeTimeRange: { from: s.relativeTimeRange.fromSeconds, to: s.relativeTimeRange.toSeconds },
        model: JSON.stringify(s.model),
      })),
    }));
    this.resource = new RuleGroup(this, 'Resource', {
      name: group.name,
      folderUid: props.folderUid,
      intervalSeconds: group.intervalSeconds,
      rule,
      ...(props.dependsOn ? { dependsOn: [...props.dependsOn] } : {}),
    });
  }
}
