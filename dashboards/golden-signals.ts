/**
 * The golden-signals dashboard of one service: traffic, errors, latency and saturation.
 *
 * The service that holds the platform SLOs (environments/platform-slos.ts) gets the platform's
 * eight panels: request rate, error rate, light endpoint latency (p50/p95/p99), webhook latency,
 * rate limits (429s), SLO compliance, uptime and total requests. Every other service gets the
 * panels its SLIs support: request rate, SLO compliance, and per SLO its latency (latency SLIs)
 * and its error ratio. The Cloud Run service that runs the platform also shows saturation of the
 * infrastructure every service shares.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { type LatencySlo, platformSlos } from '../environments/platform-slos';
import type { EnvironmentConfig } from '../environments/schema';
import { goldenSignalsUid } from '../slos/conventions';
import { type Slo, type SloCatalog, slosOfService } from '../slos/model';
import { saturationQueries } from './queries';
import type { BuiltDashboard } from './panels/common';
import { PanelContext } from './panels/common';
import { sloCompliancePanel, uptimePanel } from './panels/compliance';
import { latencyPanel } from './panels/latency';
import { saturationPanels } from './panels/saturation';
import { errorRatePanel, rateLimitPanel, requestRatePanel, totalRequestsPanel } from './panels/traffic';
import { finish, scaffold, TITLE_PREFIX } from './private/scaffold';
import { datasourceVariable, regionVariable, serviceVariable } from './variables';

/** Quantiles on the light-endpoint latency panel (the objective's own quantile is always added). */
export const LIGHT_LATENCY_QUANTILES: readonly number[] = Object.freeze([0.5, 0.95, 0.99]);
/** Quantiles on the latency panel of any other latency SLO, besides its objective's quantile. */
export const OPERATION_LATENCY_QUANTILES: readonly number[] = Object.freeze([0.5]);

/** Title of a service's golden-signals dashboard. */
export function goldenSignalsTitle(service: string): string {
  return `${TITLE_PREFIX} / Golden signals / ${service}`;
}

type Panel = cog.Builder<dashboard.Panel>;

function isLatencySlo(slo: Slo): slo is LatencySlo {
  return slo.sli.kind === 'latency';
}

/** Renders the golden-signals dashboard of `service`. */
export function goldenSignalsDashboard(catalog: SloCatalog, env: EnvironmentConfig, service: string): BuiltDashboard {
  const uid = goldenSignalsUid(service);
  const title = goldenSignalsTitle(service);
  const ctx = new PanelContext();
  const slos = slosOfService(catalog, service);
  const platform = platformSlos(env, catalog);
  // Rows build their panels lazily, so ids follow the layout: each row, then its panels.
  const rows: { title: string; panels: () => (Panel | undefined)[] }[] = [];
  const covered = new Set<string>();

  const own = <T extends Slo>(s: T): T | undefined => (s.service === service ? s : undefined);
  const errors = own(platform.errorRate);
  const light = own(platform.lightLatency);
  const webhook = own(platform.webhookLatency);
  const availability = own(platform.availability);
  const platformHere = [errors, light, webhook, availability].filter((s): s is Slo => s !== undefined);
  for (const s of platformHere) covered.add(s.id);

  if (platformHere.length > 0) {
    rows.push({
      title: 'Traffic and errors',
      panels: () =>
        errors
          ? [
              requestRatePanel(ctx, [errors], 8),
              errorRatePanel(ctx, errors, 8),
              rateLimitPanel(ctx, errors, saturationQueries(env).edgeRateLimited, 8),
            ]
          : [],
    });
    rows.push({
      title: 'Latency',
      panels: () => [
        light && latencyPanel(ctx, light, LIGHT_LATENCY_QUANTILES, 12, 'Light endpoint latency'),
        webhook && latencyPanel(ctx, webhook, [], 12, 'Webhook latency'),
      ],
    });
    rows.push({
      title: 'SLOs',
      panels: () => [
        sloCompliancePanel(ctx, slos, 12),
        availability && uptimePanel(ctx, availability, 6),
        errors && totalRequestsPanel(ctx, errors, 6),
      ],
    });
  } else {
    rows.push({ title: 'Overview', panels: () => [sloCompliancePanel(ctx, slos, 12), requestRatePanel(ctx, slos, 12)] });
  }

  for (const slo of slos.filter((s) => !covered.has(s.id))) {
    rows.push({
      title: slo.name,
      panels: () => [
        isLatencySlo(slo) ? latencyPanel(ctx, slo, OPERATION_LATENCY_QUANTILES, 12, `${slo.name} latency`) : undefined,
        errorRatePanel(ctx, slo, 12, `${slo.name} error ratio`),
      ],
    });
  }

  if (service === env.service.name) rows.push({ title: 'Saturation', panels: () => saturationPanels(ctx, env) });

  const builder = scaffold(uid, title, `Golden signals of the ${service} service: traffic, errors, latency and saturation.`, [
    'golden-signals',
    service,
  ])
    .withVariable(datasourceVariable())
    .withVariable(regionVariable(env))
    .withVariable(serviceVariable(env));
  for (const row of rows) {
    const rowId = ctx.id();
    const panels = row.panels().filter((p): p is Panel => p !== undefined);
    if (panels.length === 0) continue;
    builder.withRow(new dashboard.RowBuilder(row.title).id(rowId));
    for (const p of panels) builder.withPanel(p);
  }
  return { uid, title, json: finish(builder), thresholds: ctx.thresholds, panels: ctx.panels };
}
