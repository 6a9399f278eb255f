/**
 * The Cloud Monitoring path beside the rule files, in the same real Prometheus (issue 13, item 4):
 * the PromQL conditions of the synthesized monitoring stack, each turned into an alerting rule with
 * its `duration` (alerts/cloud-monitoring/promql-rule-file.ts), are evaluated next to the
 * generated rules on the same data, and their alert states are compared evaluation by evaluation.
 *
 * Each converted rule joins the generated group of the same name when that group runs at the
 * condition's `evaluation_interval` (every condition's `rule_group` is the group its alert comes
 * from): both are then evaluated at the same instants, so any difference in state is a difference
 * of the expressions, never of two schedules. The converted alerts carry `evaluated_by` and never
 * reach Alertmanager (prometheus.yml drops them in `alert_relabel_configs`), so the notifications
 * the other checks read are the rule files' alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { promqlConditionsRuleFileYaml } from '../../alerts/cloud-monitoring/promql-rule-file';
import { makeTempDir, run } from '../harness';

/** The label that tells a converted alert from the rule files' own. */
export const EVALUATED_BY = 'evaluated_by';
/** Its value on the conditions of the synthesized stack. */
export const CLOUD_MONITORING = 'cloud-monitoring';

interface RuleYaml {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface GroupYaml {
  name: string;
  interval?: string;
  rules: RuleYaml[];
}

/** `npm run synth`'s app for `env` into a temporary folder; the monitoring stack's `cdk.tf.json`, parsed. */
export async function synthMonitoringStack(repoRoot: string, env: string): Promise<unknown> {
  const out = makeTempDir('synth');
  await run(process.execPath, [join(repoRoot, 'bin', 'synth.js')], {
    cwd: repoRoot,
    env: { ...process.env, SLO_ENV: env, CDKTF_OUTDIR: out },
    timeoutMs: 180_000,
  });
  return JSON.parse(readFileSync(join(out, 'stacks', `${env}-monitoring`, 'cdk.tf.json'), 'utf8')) as unknown;
}

/** The conditions of `stack` as rule groups, every rule labelled `evaluated_by: <evaluatedBy>`. */
export function managedGroups(stack: unknown, evaluatedBy = CLOUD_MONITORING): GroupYaml[] {
  const file = parse(promqlConditionsRuleFileYaml(stack, { extraLabels: { [EVALUATED_BY]: evaluatedBy } })) as { groups: GroupYaml[] };
  return file.groups;
}

/** Where {@link addManagedRules} put the converted rules. */
export interface ManagedPlacement {
  /** Converted rules that joined the generated group of their name and interval. */
  readonly merged: number;
  /** Groups with no generated group of the same name and interval, written as groups of their own (`<name>-<evaluated_by>`). */
  readonly separate: readonly string[];
}

/**
 * Adds `groups` to the rule files `ruleFiles` (paths, rewritten in place): each rule to the
 * generated group of the same name and interval, or, where there is none, a group of its own in
 * `extraFile`, which the caller lists in `rule_files`. `defaultInterval` is prometheus.yml's
 * `evaluation_interval`, the interval of a group that states none.
 */
export function addManagedRules(
  ruleFiles: readonly string[],
  groups: readonly GroupYaml[],
  extraFile: string,
  defaultInterval: string,
): ManagedPlacement {
  const files = ruleFiles.map((path) => ({ path, yaml: parse(readFileSync(path, 'utf8')) as { groups: GroupYaml[] } }));
  const byName = new Map(files.flatMap((f) => f.yaml.groups.map((g) => [g.name, g] as const)));
  let merged = 0;
  const separate: GroupYaml[] = [];
  for (const g of groups) {
    const target = byName.get(g.name);
    if (target && (target.interval ?? defaultInterval) === (g.interval ?? defaultInterval)) {
      target.rules.push(...g.rules);
      merged += g.rules.length;
    } else {
      const label = g.rules[0]?.labels?.[EVALUATED_BY] ?? 'managed';
      separate.push({ ...g, name: `${g.name}-${label}` });
    }
  }
  for (const f of files) writeFileSync(f.path, stringify(f.yaml, { lineWidth: 0 }));
  writeFileSync(extraFile, stringify({ groups: separate }, { lineWidth: 0 }));
  return { merged, separate: separate.map((g) => g.name) };
}

/**
 * A copy of `groups` with one factor changed: in the rule `alert` with `labels`, every threshold
 * equal to the first one its expression compares against (`> 0.144`: a burn factor times the
 * budget) multiplied by `by`. The run evaluates it as a third path and expects the comparison to
 * find it different: the proof that the comparison can fail.
 */
export function withOneFactorChanged(
  groups: readonly GroupYaml[],
  alert: string,
  labels: Readonly<Record<string, string>>,
  by: number,
  evaluatedBy: string,
): { groups: GroupYaml[]; from: number; to: number } {
  let change: { from: number; to: number } | undefined;
  const out = groups.map((g) => ({
    ...g,
    rules: g.rules.map((r) => {
      const mine = r.alert === alert && Object.entries(labels).every(([k, v]) => r.labels?.[k] === v);
      const relabelled = { ...r, labels: { ...r.labels, [EVALUATED_BY]: evaluatedBy } };
      if (!mine) return relabelled;
      const first = /> (\d+(?:\.\d+)?)\b/.exec(r.expr);
      if (!first) throw new Error(`${alert}: its expression compares against no number`);
      const from = Number(first[1]);
      const to = Number((from * by).toPrecision(6));
      change = { from, to };
      const escaped = first[1]!.replace('.', '\\.');
      return { ...relabelled, expr: r.expr.replace(new RegExp(`> ${escaped}\\b`, 'g'), `> ${to}`) };
    }),
  }));
  if (!change) throw new Error(`no converted rule ${alert} with ${JSON.stringify(labels)}`);
  return { groups: out, ...change };
}

/** One alert series' states at the evaluations of one path: `alertstate` per evaluation time (Unix ms). */
export type AlertStates = ReadonlyMap<string, ReadonlyMap<number, string>>;

/** A difference between two paths for one alert. */
export interface StateDifference {
  /** The alert: its name and labels, `evaluated_by` left out. */
  readonly alert: string;
  /** The first evaluation at which the two differ (Unix ms). */
  readonly atMs: number;
  /** The state of each path there (`inactive` when the alert is not pending or firing). */
  readonly reference: string;
  readonly candidate: string;
}

/** The identity of an `ALERTS` series across paths: alertname and labels, without `alertstate` and `evaluated_by`. */
export function alertKey(labels: Readonly<Record<string, string>>): string {
  const body = Object.keys(labels)
    .filter((k) => !['__name__', 'alertname', 'alertstate', EVALUATED_BY].includes(k))
    .sort()
    .map((k) => `${k}="${labels[k]}"`)
    .join(', ');
  return `${labels.alertname ?? ''}{${body}}`;
}

/**
 * Splits raw `ALERTS` samples by path (`evaluated_by`, '' for the rule files) into the state of
 * each alert at each evaluation time. A sample of value 1 at time t means the alert was pending
 * or firing (its `alertstate`) in the evaluation at t.
 */
export function alertStatesByPath(
  series: readonly { metric: Readonly<Record<string, string>>; values: readonly (readonly [number, number])[] }[],
): Map<string, Map<string, Map<number, string>>> {
  const out = new Map<string, Map<string, Map<number, string>>>();
  for (const s of series) {
    const path = s.metric[EVALUATED_BY] ?? '';
    const byAlert = out.get(path) ?? new Map<string, Map<number, string>>();
    out.set(path, byAlert);
    const key = alertKey(s.metric);
    const states = byAlert.get(key) ?? new Map<number, string>();
    byAlert.set(key, states);
    for (const [t, v] of s.values) if (v === 1) states.set(Math.round(t * 1000), s.metric.alertstate ?? 'firing');
  }
  return out;
}

/**
 * Every alert whose state differs between the two paths at some evaluation, with the first such
 * evaluation: the union of both paths' alerts, compared over the union of the times either was
 * pending or firing. Both paths are evaluated at the same instants (the same groups), so a time
 * present in one path's samples is an evaluation of the other too.
 */
export function compareAlertStates(reference: AlertStates, candidate: AlertStates): StateDifference[] {
  const out: StateDifference[] = [];
  for (const alert of [...new Set([...reference.keys(), ...candidate.keys()])].sort()) {
    const a = reference.get(alert) ?? new Map<number, string>();
    const b = candidate.get(alert) ?? new Map<number, string>();
    const times = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
    const at = times.find((t) => (a.get(t) ?? 'inactive') !== (b.get(t) ?? 'inactive'));
    if (at !== undefined) out.push({ alert, atMs: at, reference: a.get(at) ?? 'inactive', candidate: b.get(at) ?? 'inactive' });
  }
  return out;
}

/**
 * A predicate on `ALERTS` labels: true for the alerts `groups` define (a rule of the same name whose
 * labels, `evaluated_by` aside, the alert carries). The rule files define more than the
 * conditions (the availability SLO is evaluated by Cloud Monitoring's own uptime checks), so only
 * these are compared.
 */
export function definedBy(groups: readonly GroupYaml[]): (labels: Readonly<Record<string, string>>) => boolean {
  const rules = groups.flatMap((g) =>
    g.rules.flatMap((r) =>
      r.alert ? [{ alert: r.alert, labels: Object.entries(r.labels ?? {}).filter(([k]) => k !== EVALUATED_BY) }] : [],
    ),
  );
  return (labels) => rules.some((r) => r.alert === labels.alertname && r.labels.every(([k, v]) => labels[k] === v));
}
