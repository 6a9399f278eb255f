/**
 * The Prometheus half of the layer seam (`layers/layer.ts`): what a layer may add to a service's
 * rule file and promtool test file. The engine renders the SLOs' own groups and scenarios, then
 * each layer's, in the order the layers are given, and applies the alert policy to all of them.
 */
import type { AlertLinks } from './policy';
import type { AlertingRule, RuleGroup } from './rules';
import type { Scenario } from './scenario';

/** What a layer adds to the Prometheus output of one service. */
export interface RuleLayer {
  /** Name of the layer, for messages. */
  readonly name: string;
  /**
   * Rule groups appended to the service's rule file, after the SLOs' own groups.
   *
   * @default - none
   */
  ruleGroups?(service: string): readonly RuleGroup[];
  /**
   * promtool scenarios appended to the service's test file. `withPolicy` applies the alert
   * policy (team label, links) to a rule, so expected annotations match the rule file.
   *
   * @default - none
   */
  scenarios?(service: string, withPolicy: (rule: AlertingRule) => AlertingRule): readonly Scenario[];
  /**
   * The longest evaluation interval of the service's test file under which the layer's rules
   * and scenarios hold (a `for:` of 2 m needs evaluations at least every minute).
   *
   * @default - no bound: the interval follows the SLOs' shortest alert window
   */
  maxEvaluationIntervalSeconds?(service: string): number | undefined;
}

/** The narrow inputs of the Prometheus renderers. */
export interface RuleInputs {
  readonly links: AlertLinks;
  readonly layers: readonly RuleLayer[];
}

/** The generic engine alone: no layer, no links beyond the specs' own. */
export const ENGINE_ONLY: RuleInputs = Object.freeze({ links: Object.freeze({}), layers: Object.freeze([]) });
