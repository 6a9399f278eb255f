/**
 * The platform layer's dashboard rows and variables. The service that holds the platform SLOs
 * gets the platform's eight panels instead of the engine's overview: request rate, error rate,
 * light endpoint latency (p50/p95/p99), webhook latency, rate limits (429s), SLO compliance,
 * uptime and total requests. The Cloud Run service that runs the platform also shows saturation
 * of the infrastructure every service shares. Every golden-signals dashboard gets the region and
 * Cloud Run service variables, and its SLI queries are filtered by region.
 */
import * as units from '@grafana/grafana-foundation-sdk/units';
import type { DashboardRow } from '../../dashboards/layer';
import { type PanelContext, timeseriesPanel } from '../../dashboards/panels/common';
import { sloCompliancePanel, uptimePanel } from '../../dashboards/panels/compliance';
import { latencyPanel } from '../../dashboards/panels/latency';
import { errorRatePanel, requestRatePanel, totalRequestsPanel } from '../../dashboards/panels/traffic';
import { RATE_WINDOW, sliTotalRateWhere } from '../../dashboards/queries';
import { listVariable } from '../../dashboards/variables';
import type { PlatformSlos } from '../../environments/platform-slos';
import type { EnvironmentConfig } from '../../environments/schema';
import { type Slo, type SloCatalog, slosOfService } from '../../slos/model';
import { RATE_LIMITED_CODE } from './platform-metrics';
import { cloudRunServices, PLATFORM_VAR, saturationQueries } from './queries';
import { saturationPanels } from './saturation-panels';

/** Quantiles on the light-endpoint latency panel (the objective's own quantile is always added). */
export const LIGHT_LATENCY_QUANTILES: readonly number[] = Object.freeze([0.5, 0.95, 0.99]);

/**
 * Matcher of responses refused by the platform's rate limiter (HTTP 429 Too Many Requests), on
 * the `code` label of the platform's request counter (docs/alerting.md, "Platform metrics").
 */
export const RATE_LIMITED_MATCHER = `code="${RATE_LIMITED_CODE}"`;

/** Requests refused with 429 by the service and at the edge (Cloud Armor), per second. */
export function rateLimitPanel(ctx: PanelContext, slo: Slo, edgeQuery: string, span: number) {
  const app = sliTotalRateWhere(slo, [RATE_LIMITED_MATCHER], RATE_WINDOW, ctx.filter);
  return timeseriesPanel(ctx, {
    title: 'Rate limits (429s)',
    description:
      'Requests refused with HTTP 429: by the service (per-workspace execution limit) and by the load balancer (Cloud Armor per-client limit).',
    unit: units.RequestsPerSecond,
    queries: [...(app === undefined ? [] : [{ expr: app, legend: 'service 429' }]), { expr: edgeQuery, legend: 'edge 429' }],
    span,
    min: 0,
  });
}

/** The environment's regions, from its config (adding a region is a config change). */
export function regionVariable(env: EnvironmentConfig) {
  return listVariable(
    PLATFORM_VAR.region,
    'Region',
    env.gcp.regions.map((r) => r.name),
  );
}

/** The environment's Cloud Run services, one per region (names from environments/naming.ts). */
export function serviceVariable(env: EnvironmentConfig) {
  return listVariable(PLATFORM_VAR.service, 'Cloud Run service', cloudRunServices(env));
}

/** The platform's rows of `service`'s golden-signals dashboard. */
export function platformDashboardRows(
  catalog: SloCatalog,
  platform: PlatformSlos,
  env: EnvironmentConfig,
  service: string,
): DashboardRow[] {
  const own = <T extends Slo>(s: T): T | undefined => (s.service === service ? s : undefined);
  const errors = own(platform.errorRate);
  const light = own(platform.lightLatency);
  const webhook = own(platform.webhookLatency);
  const availability = own(platform.availability);
  const covers = [errors, light, webhook, availability].filter((s): s is Slo => s !== undefined).map((s) => s.id);
  const rows: DashboardRow[] = [];
  if (covers.length > 0) {
    const slos = slosOfService(catalog, service);
    rows.push(
      {
        title: 'Traffic and errors',
        position: 'head',
        covers,
        panels: (ctx) =>
          errors
            ? [
                requestRatePanel(ctx, [errors], 8),
                errorRatePanel(ctx, errors, 8),
                rateLimitPanel(ctx, errors, saturationQueries(env).edgeRateLimited, 8),
              ]
            : [],
      },
      {
        title: 'Latency',
        position: 'head',
        panels: (ctx) => [
          light && latencyPanel(ctx, light, LIGHT_LATENCY_QUANTILES, 12, 'Light endpoint latency'),
          webhook && latencyPanel(ctx, webhook, [], 12, 'Webhook latency'),
        ],
      },
      {
        title: 'SLOs',
        position: 'head',
        panels: (ctx) => [
          sloCompliancePanel(ctx, slos, 12),
          availability && uptimePanel(ctx, availability, 6),
          errors && totalRequestsPanel(ctx, errors, 6),
        ],
      },
    );
  }
  if (service === env.service.name) rows.push({ title: 'Saturation', position: 'tail', panels: (ctx) => saturationPanels(ctx, env) });
  return rows;
}
