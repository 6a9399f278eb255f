/**
 * The dashboard half of the layer seam (`layers/layer.ts`): what a layer may add to a service's
 * golden-signals dashboard. The engine lays out the SLOs' own rows and asks each layer, in order,
 * for its rows, variables and query matchers.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { PanelContext } from './panels/common';

/** A panel builder, as the panel factories of dashboards/panels return them. */
export type PanelBuilder = cog.Builder<dashboard.Panel>;

/** A row a layer adds to a golden-signals dashboard. */
export interface DashboardRow {
  readonly title: string;
  /**
   * Where the row goes: `head` before the SLOs' own rows, `tail` after them.
   */
  readonly position: 'head' | 'tail';
  /**
   * Ids of the service's SLOs whose panels this row shows. The engine then leaves out their own
   * rows and its overview row (the layer brings its own overview).
   *
   * @default - the row covers no SLO
   */
  readonly covers?: readonly string[];
  /**
   * Builds the row's panels with the dashboard's context (panel ids, thresholds, query filter).
   * Called in layout order, so ids follow the layout; a row with no panel is left out.
   */
  readonly panels: (ctx: PanelContext) => readonly (PanelBuilder | undefined)[];
}

/** What a layer adds to the golden-signals dashboard of one service. */
export interface DashboardLayer {
  /** Name of the layer, for messages. */
  readonly name: string;
  /**
   * Rows added to the dashboard.
   *
   * @default - none
   */
  dashboardRows?(service: string): readonly DashboardRow[];
  /**
   * Template variables added after the data source variable.
   *
   * @default - none
   */
  dashboardVariables?(service: string): readonly cog.Builder<dashboard.VariableModel>[];
  /**
   * Matchers added to every SLI query of the dashboard, e.g. a filter on one of the layer's
   * variables.
   *
   * @default - none
   */
  queryMatchers?(service: string): readonly string[];
}

/** The narrow inputs of the dashboard renderers. */
export interface DashboardInputs {
  readonly layers: readonly DashboardLayer[];
}

/** The generic engine alone: no layer. */
export const NO_DASHBOARD_LAYERS: DashboardInputs = Object.freeze({ layers: Object.freeze([]) });
