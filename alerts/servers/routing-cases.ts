/**
 * The cases of the generated routing test: every alert the rule files can emit, with the labels
 * it carries and the receiver its severity must reach. `slo test` checks each with
 * `amtool config routes test`, so a routing mistake fails before Alertmanager is deployed.
 */
import { parseGeneratedYaml } from '../../slos/artifact';
import { LABEL } from '../../slos/conventions';
import { expectedReceiver } from './alertmanager';
import type { ServerInputs } from './inputs';

/** One alert and where it must go. */
export interface RoutingCase {
  readonly alertname: string;
  /**
   * The rule's own labels, `alertname` and the series' `service` and `slo` added (templated
   * values left out: they are not known until it fires).
   */
  readonly labels: Readonly<Record<string, string>>;
  /** Receiver the alert must reach, and only it. */
  readonly receiver: string;
}

interface RuleFileData {
  readonly groups?: readonly { readonly rules?: readonly { alert?: string; expr?: string; labels?: Record<string, unknown> }[] }[];
}

/**
 * The `service` and `slo` labels an alert takes from the recorded series its expression selects:
 * a label whose equality matchers in the expression all name one value.
 */
export function seriesLabels(expr: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const label of [LABEL.service, LABEL.slo]) {
    const values = new Set([...expr.matchAll(new RegExp(`[{,]\\s*${label}="([^"\\\\]*)"`, 'g'))].map((m) => m[1]!));
    if (values.size === 1) out[label] = [...values][0]!;
  }
  return out;
}

/** The routing cases of rule files given as text; one per alert name and label set. */
export function routingCases(inputs: ServerInputs, ruleFileTexts: readonly string[]): RoutingCase[] {
  const seen = new Map<string, RoutingCase>();
  for (const text of ruleFileTexts) {
    const data = (parseGeneratedYaml(text) ?? {}) as RuleFileData;
    for (const rule of (data.groups ?? []).flatMap((g) => g.rules ?? [])) {
      if (!rule.alert) continue;
      const labels: Record<string, string> = { alertname: rule.alert, ...seriesLabels(rule.expr ?? '') };
      for (const [k, v] of Object.entries(rule.labels ?? {})) if (typeof v === 'string' && !v.includes('{{')) labels[k] = v;
      const receiver = expectedReceiver(inputs, labels.severity);
      if (!receiver) continue;
      const key = JSON.stringify(Object.entries(labels).sort());
      if (!seen.has(key)) seen.set(key, { alertname: rule.alert, labels, receiver });
    }
  }
  return [...seen.values()];
}
