/**
 * The static check of the three alert paths: per SLO, the Prometheus rule files, the
 * Grafana-managed rules and the Cloud Monitoring PromQL policies must carry the same alerts with
 * the same windows, thresholds (factor × error budget), `for`, `keep_firing_for`, labels and
 * routing. Each path is read from its rendered output, not from the model they share, so a path
 * changed on its own (a factor, a window, a label) is named here:
 * - rule files: the recorded ratio each branch compares (`slo:sli_error:ratio_rate1h{…} > 0.144`)
 *   names its window;
 * - Grafana: each rule's two query stages name their windows, its threshold stages the threshold;
 * - Cloud Monitoring: each comparison of the inline query reads one range (`[1h]`) on the left.
 * Pure: plain data in, a list of differences out (empty when the paths agree).
 */
import type { PolicySpec, PromqlCondition } from './cloud-monitoring/model';
import type { GrafanaRuleGroup } from './grafana/burn-rate-rules';
import { inlineAlerts } from './prometheus/inline';
import type { RuleFile } from './prometheus/rules';
import { errorRatioRecord, LABEL } from '../slos/conventions';
import { prometheusDurationSeconds } from '../slos/duration';
import type { Severity } from '../slos/schema';

/** What one path says about one alert of one SLO. */
export interface AlertSignature {
  /** `service/name` of the SLO. */
  readonly slo: string;
  /** Alert name, with its kind (`ApiErrorRateBudgetBurn page`). */
  readonly alert: string;
  /** Burn-rate branches as `long/short > threshold`, in order. */
  readonly windows: readonly string[];
  /** Budget branches as `percent % → remaining < threshold`. */
  readonly budget: readonly string[];
  /** The ranges a no-data alert reads. */
  readonly ranges: readonly string[];
  readonly for: string;
  readonly keepFiringFor: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The notification targets its severity routes to (channel keys). */
  readonly routedTo: readonly string[];
}

/** The three paths' output, and the routing every path shares. */
export interface AlertPaths {
  readonly ruleFiles: readonly RuleFile[];
  /** Grafana-managed rule groups; only burn-rate alerts exist there. */
  readonly grafana?: readonly GrafanaRuleGroup[];
  /** Cloud Monitoring policies (the PromQL ones are compared). */
  readonly cloudMonitoring?: readonly PolicySpec[];
  /** Channel keys of each severity (alerts/cloud-monitoring/channels.ts `severityRouting`). */
  readonly channelKeys: Readonly<Record<Severity, readonly string[]>>;
}

const NUMBER = '([0-9.]+(?:e[-+]?[0-9]+)?)';
const RATIO_RECORD = new RegExp(
  `${errorRatioRecord('').replace(/[.*+?^${}()|[\]\\:]/g, '\\$&')}([0-9a-z]+)\\{[^}]*\\}\\s*>\\s*${NUMBER}`,
  'g',
);
const BUDGET = new RegExp(`<\\s*${NUMBER}\\s*,\\s*"${LABEL.budgetPercent}"\\s*,\\s*"([^"]+)"`, 'g');
const RANGE = /\[([0-9][0-9a-z]*)\]/g;

function pairs(list: string[][]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < list.length; i += 2) out.push(`${list[i]![0]}/${list[i + 1]![0]} > ${list[i]![1]}`);
  return out;
}

/** A duration in seconds, `0s` when absent, so `5m` and `300s` compare equal. */
function norm(duration: string | undefined): string {
  return `${duration === undefined || duration === '' ? 0 : prometheusDurationSeconds(duration)}s`;
}

/** Each `> threshold` of an inline query with the one range its left side reads. */
function inlineComparisons(query: string): string[][] {
  const out: string[][] = [];
  let from = 0;
  for (const m of query.matchAll(new RegExp(`>\\s*${NUMBER}`, 'g'))) {
    const ranges = new Set([...query.slice(from, m.index).matchAll(RANGE)].map((r) => r[1]!));
    out.push([ranges.size === 1 ? [...ranges][0]! : `?(${[...ranges].join(',')})`, m[1]!]);
    from = m.index + m[0].length;
  }
  return out;
}

function budgetBranches(expr: string): string[] {
  return [...expr.matchAll(BUDGET)].map((m) => `${m[2]} % → remaining < ${m[1]}`);
}

function kindOf(labels: Readonly<Record<string, string>>): string {
  return labels[LABEL.alertKind] ?? labels[LABEL.budgetPercent] ?? '';
}

function sloOf(labels: Readonly<Record<string, string>>): string | undefined {
  const service = labels[LABEL.service];
  const slo = labels[LABEL.slo];
  return service === undefined || slo === undefined ? undefined : `${service}/${slo}`;
}

/** The rule files' SLO alerts (groups `slo-…`), labels as the alerts carry them (series labels included). */
export function ruleFileSignatures(paths: AlertPaths): AlertSignature[] {
  return paths.ruleFiles.flatMap((file) => {
    const originals = file.groups.filter((g) => g.name.startsWith('slo-')).flatMap((g) => g.rules.filter((r) => 'alert' in r));
    const inlined = inlineAlerts({ groups: file.groups }, () => 60).filter((a) => a.group.startsWith('slo-'));
    return inlined.flatMap((a, i) => {
      const original = originals[i] as { expr: string } | undefined;
      const slo = sloOf(a.rule.labels);
      if (!slo || !original) return [];
      const expr = original.expr;
      const severity = a.rule.labels[LABEL.severity] as Severity;
      return [
        {
          slo,
          alert: `${a.rule.alert} ${kindOf(a.rule.labels)}`.trim(),
          windows: pairs([...expr.matchAll(RATIO_RECORD)].map((m) => [m[1]!, m[2]!])),
          budget: budgetBranches(expr),
          ranges: [...new Set([...a.rule.expr.matchAll(RANGE)].map((m) => m[1]!))].filter(() => a.rule.alert.endsWith('NoData')),
          for: norm(a.rule.for),
          keepFiringFor: norm(a.rule.keepFiringFor),
          labels: a.rule.labels,
          routedTo: paths.channelKeys[severity] ?? [],
        },
      ];
    });
  });
}

/** The Cloud Monitoring PromQL policies of SLO rule groups. */
export function cloudMonitoringSignatures(paths: AlertPaths): AlertSignature[] {
  return (paths.cloudMonitoring ?? []).flatMap((p) =>
    p.conditions.flatMap((c) => {
      if (c.kind !== 'promql' || !c.ruleGroup.startsWith('slo-')) return [];
      const q = c as PromqlCondition;
      const slo = sloOf(q.labels);
      if (!slo) return [];
      const keep = /^max_over_time\(\(\n([\s\S]*)\n\)\[([0-9a-z]+):[0-9a-z]+\]\)$/.exec(q.query);
      const query = keep ? keep[1]! : q.query;
      return [
        {
          slo,
          alert: `${q.alertRule} ${kindOf(q.labels)}`.trim(),
          windows: q.alertRule.endsWith('NoData') || budgetBranches(query).length > 0 ? [] : pairs(inlineComparisons(query)),
          budget: budgetBranches(query),
          ranges: q.alertRule.endsWith('NoData') ? [...new Set([...query.matchAll(RANGE)].map((m) => m[1]!))] : [],
          for: `${q.durationSeconds}s`,
          keepFiringFor: keep ? norm(keep[2]) : '0s',
          labels: q.labels,
          routedTo: p.channelKeys,
        },
      ];
    }),
  );
}

/** The Grafana-managed burn-rate rules, one signature per alert kind (their windows in rule order). */
export function grafanaSignatures(paths: AlertPaths): AlertSignature[] {
  return (paths.grafana ?? []).flatMap((g) => {
    const byKind = new Map<string, AlertSignature & { windows: string[] }>();
    for (const r of g.rules) {
      const kind = r.labels[LABEL.alertKind] ?? '';
      const query = (refId: string) => String(r.stages.find((s) => s.refId === refId)?.model.expr ?? '');
      const threshold = (refId: string) => {
        const model = r.stages.find((s) => s.refId === refId)?.model as
          { conditions?: { evaluator?: { params?: number[] } }[] } | undefined;
        return String(model?.conditions?.[0]?.evaluator?.params?.[0] ?? '?');
      };
      const range = (refId: string) => [...new Set([...query(refId).matchAll(RANGE)].map((m) => m[1]!))].join(',');
      const branch = `${range('A')}/${range('B')} > ${threshold('E')}${threshold('F') === threshold('E') ? '' : ` (short > ${threshold('F')})`}`;
      const name = r.title.split(' ')[0]!;
      const had = byKind.get(kind);
      if (had) {
        had.windows.push(branch);
        continue;
      }
      byKind.set(kind, {
        slo: g.sloId,
        alert: `${name} ${kind}`.trim(),
        windows: [branch],
        budget: [],
        ranges: [],
        for: norm(r.for),
        keepFiringFor: norm(r.keepFiringFor),
        labels: r.labels,
        routedTo: paths.channelKeys[r.labels[LABEL.severity] as Severity] ?? [],
      });
    }
    return [...byKind.values()];
  });
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const FIELDS = ['windows', 'budget', 'ranges', 'for', 'keepFiringFor', 'labels', 'routedTo'] as const;

/**
 * Every difference between the paths, one line each, naming the SLO, the alert, the field and
 * both values; empty when they agree. Grafana holds the burn-rate alerts only; Cloud Monitoring
 * holds every alert of an SLO it evaluates at all (an SLO whose metrics it does not collect has
 * none there).
 */
export function alertPathDifferences(paths: AlertPaths): string[] {
  const key = (s: AlertSignature) => `${s.slo} ${s.alert}`;
  const files = new Map(ruleFileSignatures(paths).map((s) => [key(s), s]));
  const out: string[] = [];
  const compare = (path: string, others: AlertSignature[], expected: (s: AlertSignature) => boolean) => {
    const theirs = new Map(others.map((s) => [key(s), s]));
    for (const [k, mine] of files) {
      const other = theirs.get(k);
      if (!other) {
        if (expected(mine)) out.push(`${mine.slo}: alert ${mine.alert} is in the rule files but not in ${path}`);
        continue;
      }
      for (const f of FIELDS) {
        if (path === 'grafana' && (f === 'budget' || f === 'ranges')) continue;
        const a = f === 'labels' ? JSON.stringify(Object.entries(mine.labels).sort()) : show(mine[f]);
        const b = f === 'labels' ? JSON.stringify(Object.entries(other.labels).sort()) : show(other[f]);
        if (a !== b) out.push(`${mine.slo}: alert ${mine.alert}: ${f} differ: rule files ${show(mine[f])}, ${path} ${show(other[f])}`);
      }
    }
    for (const [k, other] of theirs)
      if (!files.has(k)) out.push(`${other.slo}: alert ${other.alert} is in ${path} but not in the rule files`);
  };
  if (paths.grafana)
    compare('grafana', grafanaSignatures(paths), (s) => s.windows.length > 0 && !!paths.grafana?.some((g) => g.sloId === s.slo));
  if (paths.cloudMonitoring) {
    const cm = cloudMonitoringSignatures(paths);
    const managed = new Set(cm.map((s) => s.slo));
    compare('cloud monitoring', cm, (s) => managed.has(s.slo));
  }
  return out;
}
