/**
 * The golden-signals dashboard of one service, from its SLOs alone: an overview (SLO compliance
 * and request rate), then per SLO its latency (latency SLIs) and its error ratio. It needs
 * nothing beyond the specs, so every spec directory gets one per service.
 *
 * Layers (dashboards/layer.ts) add rows before or after the SLOs' own rows, variables and query
 * matchers: the platform layer replaces the overview of the service that holds the platform
 * SLOs with its traffic, latency and SLO rows, adds saturation of the shared infrastructure, and
 * filters every query by region.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { goldenSignalsUid } from '../slos/conventions';
import { isLatencySlo, type SloCatalog, slosOfService } from '../slos/model';
import { NO_DASHBOARD_LAYERS, type DashboardInputs, type DashboardRow, type PanelBuilder } from './layer';
import type { BuiltDashboard } from './panels/common';
import { PanelContext } from './panels/common';
import { sloCompliancePanel } from './panels/compliance';
import { latencyPanel } from './panels/latency';
import { errorRatePanel, requestRatePanel } from './panels/traffic';
import { finish, scaffold, TITLE_PREFIX } from './private/scaffold';
import { datasourceVariable } from './variables';

/** Quantiles on the latency panel of an SLO's own row, besides its objective's quantile. */
export const OPERATION_LATENCY_QUANTILES: readonly number[] = Object.freeze([0.5]);

/** Title of a service's golden-signals dashboard. */
export function goldenSignalsTitle(service: string): string {
  return `${TITLE_PREFIX} / Golden signals / ${service}`;
}

/** Renders the golden-signals dashboard of `service`. */
export function goldenSignalsDashboard(
  catalog: SloCatalog,
  service: string,
  inputs: DashboardInputs = NO_DASHBOARD_LAYERS,
): BuiltDashboard {
  const uid = goldenSignalsUid(service);
  const title = goldenSignalsTitle(service);
  const { layers } = inputs;
  const ctx = new PanelContext(layers.flatMap((l) => l.queryMatchers?.(service) ?? []));
  const slos = slosOfService(catalog, service);
  const layerRows = layers.flatMap((l) => l.dashboardRows?.(service) ?? []);
  const covered = new Set(layerRows.flatMap((r) => r.covers ?? []));
  const own = slos.filter((s) => covered.has(s.id));

  // Rows build their panels lazily, so ids follow the layout: each row, then its panels.
  const rows: Pick<DashboardRow, 'title' | 'panels'>[] = [...layerRows.filter((r) => r.position === 'head')];
  if (own.length === 0) rows.push({ title: 'Overview', panels: (c) => [sloCompliancePanel(c, slos, 12), requestRatePanel(c, slos, 12)] });
  for (const slo of slos.filter((s) => !covered.has(s.id))) {
    rows.push({
      title: slo.name,
      panels: (c) => [
        isLatencySlo(slo) ? latencyPanel(c, slo, OPERATION_LATENCY_QUANTILES, 12, `${slo.name} latency`) : undefined,
        errorRatePanel(c, slo, 12, `${slo.name} error ratio`),
      ],
    });
  }
  rows.push(...layerRows.filter((r) => r.position === 'tail'));

  const builder = scaffold(uid, title, `Golden signals of the ${service} service: traffic, errors, latency and saturation.`, [
    'golden-signals',
    service,
  ]).withVariable(datasourceVariable());
  for (const v of layers.flatMap((l) => l.dashboardVariables?.(service) ?? [])) builder.withVariable(v);
  for (const row of rows) {
    const rowId = ctx.id();
    const panels = row.panels(ctx).filter((p): p is PanelBuilder => p !== undefined);
    if (panels.length === 0) continue;
    builder.withRow(new dashboard.RowBuilder(row.title).id(rowId));
    for (const p of panels) builder.withPanel(p);
  }
  return { uid, title, json: finish(builder), thresholds: ctx.thresholds, panels: ctx.panels };
}
