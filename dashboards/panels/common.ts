/**
 * Defaults every panel shares (data source variable, legend, threshold lines) and the record of
 * where each threshold value came from, so tests can tie every line on a dashboard to a spec or
 * config field.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat, QueryEditorMode } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { VAR } from '../queries';

/** Every query goes to the data source the dashboard's `datasource` variable selects. */
export const DATASOURCE: common.DataSourceRef = Object.freeze({ type: 'prometheus', uid: `\${${VAR.datasource}}` });

/** Where a threshold value on a panel comes from. */
export type ThresholdOrigin =
  /** A field of an SLO: its latency threshold (seconds), objective (0–1) or error budget (0–1). */
  | { readonly kind: 'slo'; readonly sloId: string; readonly field: 'thresholdSeconds' | 'objective' | 'errorBudget' }
  /** The burn-rate factor of one of the SLO's alert windows (`slo.alerting.windows[].id`). */
  | { readonly kind: 'burn-factor'; readonly sloId: string; readonly windowId: string }
  /** Budget left when a budget-consumption alert fires: 1 − percent / 100. */
  | { readonly kind: 'budget-consumed'; readonly sloId: string; readonly percent: number }
  /** A number of the environment config, by dotted path, possibly scaled (e.g. 80 % of a limit). */
  | { readonly kind: 'env'; readonly path: string; readonly scale: number };

/** One threshold step drawn on a panel, with its origin. */
export interface PanelThreshold {
  readonly panelId: number;
  readonly value: number;
  readonly origin: ThresholdOrigin;
}

/** A threshold step: at `value` the colour changes to `color`. */
export interface Step {
  readonly value: number;
  readonly color: string;
  readonly origin: ThresholdOrigin;
}

/** Colours of threshold steps (Grafana's named palette). */
export const COLOR = Object.freeze({ ok: 'green', warn: 'yellow', high: 'orange', bad: 'red' });

/**
 * Panel ids and threshold provenance of one dashboard. Ids are assigned in layout order, so they
 * stay the same from run to run (alerts may link to a panel by id).
 */
export class PanelContext {
  private nextId = 1;
  /**
   * @param filter matchers added to every SLI query of the dashboard (a layer's `queryMatchers`,
   *   e.g. the platform's region filter); none by default
   */
  constructor(readonly filter: readonly string[] = []) {}

  private readonly recorded: PanelThreshold[] = [];
  private readonly named = new Map<string, number>();

  /** The next panel id. */
  id(): number {
    return this.nextId++;
  }

  /** Records the id of the panel just created under `key` (see {@link panelKey}), for links to it. */
  nameLast(key: string): void {
    this.named.set(key, this.nextId - 1);
  }

  /** Ids of the named panels. */
  get panels(): ReadonlyMap<string, number> {
    return this.named;
  }

  /** Every threshold drawn so far. */
  get thresholds(): readonly PanelThreshold[] {
    return this.recorded;
  }

  /** Threshold config for `panelId`: `base` colour below the first step; records each step's origin. */
  steps(panelId: number, base: string, steps: readonly Step[]): dashboard.ThresholdsConfigBuilder {
    const sorted = [...steps].sort((a, b) => a.value - b.value);
    for (const s of sorted) this.recorded.push({ panelId, value: s.value, origin: s.origin });
    return new dashboard.ThresholdsConfigBuilder()
      .mode(dashboard.ThresholdsMode.Absolute)
      .steps([{ value: null, color: base }, ...sorted.map((s) => ({ value: s.value, color: s.color }))]);
  }
}

/** One query of a panel. */
export interface Query {
  readonly expr: string;
  readonly legend: string;
  /** Instant query (a stat of "now" or of the whole range) rather than a range query; still time-series format, so the legend names the value. */
  readonly instant?: boolean;
}

/** Query builders with refIds A, B, … in order. */
export function targets(queries: readonly Query[]): DataqueryBuilder[] {
  return queries.map((q, i) => {
    const b = new DataqueryBuilder()
      .datasource(DATASOURCE)
      .refId(String.fromCharCode(65 + i))
      .expr(q.expr)
      .legendFormat(q.legend)
      .editorMode(QueryEditorMode.Code);
    return q.instant ? b.instant().format(PromQueryFormat.TimeSeries) : b.range();
  });
}

/** What a time-series panel shows. */
export interface TimeseriesOptions {
  readonly title: string;
  readonly description: string;
  /** Grafana unit id (`@grafana/grafana-foundation-sdk/units`). */
  readonly unit: string;
  readonly queries: readonly Query[];
  /** Width in grid columns (of 24). */
  readonly span: number;
  readonly min?: number;
  /** Threshold lines and the colour below the first. */
  readonly thresholds?: { readonly base: string; readonly steps: readonly Step[] };
}

/** A time-series panel with a legend table, a shared tooltip and dashed threshold lines. */
export function timeseriesPanel(ctx: PanelContext, o: TimeseriesOptions): TimeseriesPanel {
  const id = ctx.id();
  const panel = new TimeseriesPanel()
    .id(id)
    .title(o.title)
    .description(o.description)
    .datasource(DATASOURCE)
    .targets(targets(o.queries))
    .unit(o.unit)
    .span(o.span)
    .height(8)
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .calcs(['mean', 'max', 'lastNotNull']),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  if (o.min !== undefined) panel.min(o.min);
  if (o.thresholds) {
    panel
      .thresholds(ctx.steps(id, o.thresholds.base, o.thresholds.steps))
      .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
  }
  return panel;
}

/** What a stat panel shows. */
export interface StatOptions {
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly queries: readonly Query[];
  readonly span: number;
  readonly height?: number;
  readonly decimals?: number;
  readonly noValue?: string;
  /** Colour steps and the colour below the first. */
  readonly thresholds?: { readonly base: string; readonly steps: readonly Step[] };
  /** Per-query colour steps, for stats whose queries have different targets (one SLO each). */
  readonly perQueryThresholds?: readonly { readonly base: string; readonly steps: readonly Step[] }[];
}

/** A stat panel of the last value of each query, coloured by its thresholds. */
export function statPanel(ctx: PanelContext, o: StatOptions): StatPanel {
  const id = ctx.id();
  const panel = new StatPanel()
    .id(id)
    .title(o.title)
    .description(o.description)
    .datasource(DATASOURCE)
    .targets(targets(o.queries))
    .unit(o.unit)
    .span(o.span)
    .height(o.height ?? 8)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.ValueAndName);
  if (o.decimals !== undefined) panel.decimals(o.decimals);
  if (o.noValue !== undefined) panel.noValue(o.noValue);
  if (o.thresholds) panel.thresholds(ctx.steps(id, o.thresholds.base, o.thresholds.steps));
  o.perQueryThresholds?.forEach((t, i) => {
    panel.overrideByQuery(String.fromCharCode(65 + i), [{ id: 'thresholds', value: ctx.steps(id, t.base, t.steps).build() }]);
  });
  return panel;
}

/**
 * Key of a panel that alert rules link to (Grafana's `__dashboardUid__` and `__panelId__`
 * annotations): the burn-rate panel of an SLO on the SLO dashboard.
 */
export function panelKey(kind: 'burn-rate', sloId: string): string {
  return `${kind}:${sloId}`;
}

/** A rendered dashboard with the provenance of every threshold it draws. */
export interface BuiltDashboard {
  readonly uid: string;
  readonly title: string;
  /** The Grafana dashboard model (classic JSON). */
  readonly json: Readonly<Record<string, unknown>>;
  /** Every threshold step on the dashboard and the spec or config field it comes from. */
  readonly thresholds: readonly PanelThreshold[];
  /** Ids of the panels alert rules may link to, by {@link panelKey}. */
  readonly panels: ReadonlyMap<string, number>;
}
