/**
 * Grafana-managed copies of the multi-window burn-rate alerts: the same windows, thresholds and
 * labels as the Prometheus rules, as plain data for `grafana_rule_group`. Pure: no cdktf, no I/O.
 *
 * Each window becomes one rule with five stages: the error ratio over the long (A) and the short
 * (B) window as instant Prometheus queries, each reduced to its last value (C, D), each compared
 * with the window's error-ratio threshold (E, F), and a math stage that fires only when both do
 * (G) — the Workbook's condition `burn(long) > t AND burn(short) > t`. The stage models are built
 * with the Foundation SDK's expression builders, so their shape is Grafana's own schema.
 *
 * A window without events has an error ratio of 0/0 = NaN. In PromQL `NaN > t` is false and the
 * alert stays quiet; in Grafana's expressions NaN propagates through threshold and math, and a
 * condition that is neither 0 nor empty counts as firing. The reduce stages therefore replace
 * NaN with 0 ("no events, no errors"), which keeps both kinds of alert in step.
 *
 * The queries are the SLI's own error ratio (slos/model.ts), not the recorded series, so the
 * Grafana copies keep working when the Prometheus recording rules are not deployed. One rule per
 * window (the Prometheus alert ORs the windows of a kind): a rule title must be unique in its
 * folder, so each is titled `<AlertName> <long>/<short>`, and its labels are the Prometheus alert's.
 */
import * as expr from '@grafana/grafana-foundation-sdk/expr';
import { DataqueryBuilder, QueryEditorMode } from '@grafana/grafana-foundation-sdk/prometheus';
import type { EnvironmentConfig } from '../../environments/schema';
import { ticketKeepFiringForSeconds } from '../../slos/alert-timing';
import type { BurnWindow } from '../../slos/burn-rate';
import { formatDuration } from '../../slos/duration';
import { LABEL, sloAlertGroupName } from '../../slos/conventions';
import { errorRatioQuery, type Slo, type SloCatalog } from '../../slos/model';
import { withAlertPolicy } from '../prometheus/policy';
import { sloRouting } from '../prometheus/slo-alerts';

/** Datasource UID Grafana reserves for server-side expressions (reduce, math, threshold). */
export const EXPRESSION_DATASOURCE_UID = '__expr__';

/** One stage of a Grafana-managed rule: a data source query or a server-side expression. */
export interface GrafanaRuleStage {
  /** Name of the stage, referenced by later stages as `$<refId>`. */
  readonly refId: string;
  /** UID of the queried data source, or {@link EXPRESSION_DATASOURCE_UID} for expressions. */
  readonly datasourceUid: string;
  /** Query window relative to the evaluation time, in seconds before now. */
  readonly relativeTimeRange: { readonly fromSeconds: number; readonly toSeconds: number };
  /** The stage's model as Grafana stores it; serialized to JSON by the construct. */
  readonly model: Readonly<Record<string, unknown>>;
}

/** One Grafana-managed alert rule. */
export interface GrafanaAlertRule {
  /** Rule title, unique in its folder. */
  readonly title: string;
  /** `refId` of the stage whose result decides firing. */
  readonly condition: string;
  /** Pending period (Prometheus duration). */
  readonly for: string;
  /**
   * How long the rule keeps firing after its condition clears (Prometheus duration), as the
   * Prometheus rule's `keep_firing_for`: tickets keep firing for their short window.
   *
   * @default - none: the rule resolves on the first evaluation that does not match
   */
  readonly keepFiringFor?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly stages: readonly GrafanaRuleStage[];
  /** The burn-rate window this rule implements, for tests and docs. */
  readonly window: BurnWindow;
}

/** One rule group: the burn-rate alerts of one SLO. */
export interface GrafanaRuleGroup {
  /** Group name, the same as the SLO's Prometheus alert group. */
  readonly name: string;
  /** `service/name` of the SLO. */
  readonly sloId: string;
  /** How often Grafana evaluates the group, in seconds. */
  readonly intervalSeconds: number;
  readonly rules: readonly GrafanaAlertRule[];
}

/** Options of {@link grafanaBurnRateRuleGroups}. */
export interface GrafanaBurnRateOptions {
  /** UID of the Prometheus data source the queries run against. */
  readonly prometheusUid: string;
  /**
   * Evaluation interval of every group, in seconds.
   *
   * @default 60 — one minute, the evaluation interval of the Prometheus rules.
   */
  readonly intervalSeconds?: number;
  /**
   * The panel each SLO's rules link to, by SLO id (`service/name`): Grafana shows the rules'
   * state changes on that panel and links the notification to it.
   *
   * @default - no panel link; the `dashboard_url` annotation still points at the SLO dashboard.
   */
  readonly panelLinks?: ReadonlyMap<string, PanelLink>;
}

/** A dashboard panel, by dashboard UID and panel id. */
export interface PanelLink {
  readonly dashboardUid: string;
  readonly panelId: number;
}

/** Evaluation interval of the Prometheus rule groups, which the Grafana copies keep. */
const DEFAULT_INTERVAL_SECONDS = 60;

/**
 * Range of the instant Prometheus queries. The queries carry their own `[window]`, so this only
 * bounds the instant evaluation; 10 minutes is what Grafana's rule editor uses.
 */
const QUERY_RANGE_SECONDS = 600;

/**
 * The burn-rate rule groups of every SLO with at least one enabled window, in catalog order.
 * The alert policy of the Prometheus rules (team label, runbook and dashboard links) is applied
 * to every rule, so both kinds of alert route and link alike.
 */
export function grafanaBurnRateRuleGroups(
  catalog: SloCatalog,
  env: EnvironmentConfig,
  options: GrafanaBurnRateOptions,
): GrafanaRuleGroup[] {
  const intervalSeconds = options.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
  return catalog.slos
    .filter((slo) => slo.alerting.windows.length > 0)
    .map((slo) => ({
      name: sloAlertGroupName(slo.service, slo.name),
      sloId: slo.id,
      intervalSeconds,
      rules: slo.alerting.windows.map((w) =>
        withPanelLink(withPolicy(burnRateRule(slo, w, options.prometheusUid), slo, env), options.panelLinks?.get(slo.id)),
      ),
    }));
}

/**
 * The labels of a burn-rate alert, the same set the Prometheus alert ends up with: the SLO's
 * series labels (which the Prometheus alert inherits from its recorded series; the raw queries
 * here carry none, so they are set explicitly), the alert's routing labels and the severity.
 */
export function burnRateAlertLabels(slo: Slo, w: BurnWindow): Record<string, string> {
  return {
    ...slo.labels,
    ...slo.alerting.labels,
    ...slo.alerting.kindLabels[w.kind],
    [LABEL.service]: slo.service,
    [LABEL.slo]: slo.name,
    [LABEL.team]: slo.team,
    [LABEL.alertKind]: w.kind,
    [LABEL.severity]: w.severity,
  };
}

function burnRateRule(slo: Slo, w: BurnWindow, prometheusUid: string): GrafanaAlertRule {
  const keepFiringFor = w.kind === 'ticket' ? ticketKeepFiringForSeconds(slo.alerting.windows) : 0;
  const percent = formatPercent(w.errorRatioThreshold);
  const annotations: Record<string, string> = {
    summary: `${slo.service} is burning the error budget of ${slo.name} ${w.factor}x too fast.`,
    description:
      `The error ratio of ${slo.id} has been above ${percent} over both the last ${w.longWindow} and the last ${w.shortWindow} ` +
      `(burn rate ${w.factor}x the ${slo.objectivePercent} % objective over ${slo.window}); at this rate ` +
      `${formatPercent(w.budgetShare)} of the budget is gone in ${w.longWindow}. ` +
      // Grafana's template data: $values holds each expression stage's result by refId.
      `Error ratio now: {{ humanizePercentage $values.C.Value }} (${w.longWindow}), {{ humanizePercentage $values.D.Value }} (${w.shortWindow}).`,
  };
  return {
    title: `${slo.alerting.name} ${w.longWindow}/${w.shortWindow}`,
    condition: 'G',
    // The two windows already debounce the alert; the detection times in `slo explain` assume no pending period.
    for: '0s',
    // The same as the Prometheus ticket (slos/alert-timing.ts): no resolving on every dip of a steady burn.
    ...(keepFiringFor > 0 ? { keepFiringFor: formatDuration(keepFiringFor) } : {}),
    labels: burnRateAlertLabels(slo, w),
    annotations,
    stages: [
      prometheusStage('A', prometheusUid, errorRatioQuery(slo.sli, w.longWindow)),
      prometheusStage('B', prometheusUid, errorRatioQuery(slo.sli, w.shortWindow)),
      expressionStage(lastValue('C', 'A')),
      expressionStage(lastValue('D', 'B')),
      expressionStage(above('E', 'C', w.errorRatioThreshold)),
      expressionStage(above('F', 'D', w.errorRatioThreshold)),
      expressionStage(new expr.TypeMathBuilder().refId('G').expression('$E && $F')),
    ],
    window: w,
  };
}

/** Applies the Prometheus rules' cross-cutting policy (alerts/prometheus/policy.ts) to a Grafana rule. */
function withPolicy(rule: GrafanaAlertRule, slo: Slo, env: EnvironmentConfig): GrafanaAlertRule {
  const applied = withAlertPolicy(
    { alert: slo.alerting.name, expr: '', labels: rule.labels, annotations: rule.annotations, routing: sloRouting(slo) },
    { runbookBaseUrl: env.runbookBaseUrl, grafanaUrl: env.grafana.url },
  );
  return { ...rule, labels: applied.labels, annotations: applied.annotations };
}

/**
 * Grafana's reserved annotations that tie a rule to a panel; both are needed, the panel id as a
 * string. https://grafana.com/docs/grafana/latest/alerting/alerting-rules/link-alert-rules-to-panels/
 */
function withPanelLink(rule: GrafanaAlertRule, link: PanelLink | undefined): GrafanaAlertRule {
  if (!link) return rule;
  return {
    ...rule,
    annotations: { ...rule.annotations, __dashboardUid__: link.dashboardUid, __panelId__: String(link.panelId) },
  };
}

function prometheusStage(refId: string, uid: string, promql: string): GrafanaRuleStage {
  const query = new DataqueryBuilder()
    .refId(refId)
    .datasource({ type: 'prometheus', uid })
    .expr(promql)
    .instant()
    .editorMode(QueryEditorMode.Code);
  return {
    refId,
    datasourceUid: uid,
    relativeTimeRange: { fromSeconds: QUERY_RANGE_SECONDS, toSeconds: 0 },
    model: plain(query.build()),
  };
}

/** Value NaN stands for after a reduce: an error ratio of 0/0 means no events, hence no errors. */
export const NAN_ERROR_RATIO_AS = 0;

/** The last value of `input`, NaN replaced (see the module comment). */
function lastValue(refId: string, input: string): expr.TypeReduceBuilder {
  return new expr.TypeReduceBuilder()
    .refId(refId)
    .expression(input)
    .reducer('last')
    .settings({ mode: 'replaceNN', replaceWithValue: NAN_ERROR_RATIO_AS });
}

/** 1 when `input` is strictly above `threshold`, as the PromQL `>` of the Prometheus alert. */
function above(refId: string, input: string, threshold: number): expr.TypeThresholdBuilder {
  return new expr.TypeThresholdBuilder()
    .refId(refId)
    .expression(input)
    .conditions([{ evaluator: { type: 'gt', params: [threshold] } }]);
}

function expressionStage(builder: { build(): { refId?: string } }): GrafanaRuleStage {
  const model = builder.build();
  return {
    refId: model.refId ?? '',
    datasourceUid: EXPRESSION_DATASOURCE_UID,
    // Expressions read their inputs, not a time range; Grafana stores 0/0 for them.
    relativeTimeRange: { fromSeconds: 0, toSeconds: 0 },
    model: { ...plain(model), datasource: { type: EXPRESSION_DATASOURCE_UID, uid: EXPRESSION_DATASOURCE_UID } },
  };
}

/** A built SDK model as plain data with sorted keys: builders may attach marker functions. */
function plain(built: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(built).sort()) {
    const v = (built as Record<string, unknown>)[key];
    if (v !== undefined && typeof v !== 'function') out[key] = v;
  }
  return out;
}

function formatPercent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(6))} %`;
}
