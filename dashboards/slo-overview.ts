/**
 * The SLO dashboard: every SLO of the catalog, one row per service, four panels per SLO (SLI
 * against the objective, error budget left, burn rate against the alert factors, firing alerts),
 * under an overview of every SLO's compliance.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { sloDashboardUid } from '../slos/conventions';
import { type SloCatalog, slosOfService } from '../slos/model';
import { type BuiltDashboard, PanelContext } from './panels/common';
import { sloCompliancePanel } from './panels/compliance';
import { sloPanels } from './panels/slo';
import { finish, scaffold, TITLE_PREFIX } from './private/scaffold';
import { datasourceVariable } from './variables';

/** Title of the SLO dashboard. */
export const SLO_DASHBOARD_TITLE = `${TITLE_PREFIX} / SLOs`;

/** Renders the SLO dashboard of a catalog. */
export function sloDashboard(catalog: SloCatalog): BuiltDashboard {
  const uid = sloDashboardUid();
  const ctx = new PanelContext();
  const builder = scaffold(
    uid,
    SLO_DASHBOARD_TITLE,
    'Every SLO: its SLI over the SLO window against the objective, the error budget left, the burn rate over each alert window against the alert factors, and its firing alerts.',
    ['slo'],
  ).withVariable(datasourceVariable());
  builder.withRow(new dashboard.RowBuilder('Overview').id(ctx.id()));
  builder.withPanel(sloCompliancePanel(ctx, catalog.slos, 24).height(Math.max(8, 4 * Math.ceil(catalog.slos.length / 6))));
  for (const service of catalog.services) {
    builder.withRow(new dashboard.RowBuilder(`Service ${service}`).id(ctx.id()));
    for (const slo of slosOfService(catalog, service)) {
      for (const panel of sloPanels(ctx, slo)) builder.withPanel(panel);
    }
  }
  return { uid, title: SLO_DASHBOARD_TITLE, json: finish(builder), thresholds: ctx.thresholds, panels: ctx.panels };
}
