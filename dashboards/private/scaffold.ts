/** Settings every generated dashboard shares. */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { GENERATED_HEADER } from '../../slos/conventions';
import { sortKeysInPlace } from '../../slos/sort-keys';

/** Auto-refresh of every dashboard (targets.md §3: the platform dashboard refreshes every 30 s). */
export const DASHBOARD_REFRESH = '30s';
/** Tag on every dashboard of this package, for search and dashboard links. */
export const DASHBOARD_TAG = 'slo-platform';
/** Title prefix, so the dashboards group together in search. */
export const TITLE_PREFIX = 'SLO Platform';

/** A read-only dashboard with the shared time, refresh, tags and the generated-file notice. */
export function scaffold(uid: string, title: string, description: string, tags: readonly string[]): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(`${description} ${GENERATED_HEADER}`)
    .tags([DASHBOARD_TAG, ...tags])
    .refresh(DASHBOARD_REFRESH)
    .time({ from: 'now-6h', to: 'now' })
    .timezone('utc')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .readonly()
    .annotation(builtInAnnotations())
    .link(
      new dashboard.DashboardLinkBuilder('SLO Platform')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([DASHBOARD_TAG])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
}

/**
 * Grafana's built-in "Annotations & Alerts" query, which draws annotations and the state changes
 * of Grafana-managed alert rules linked to a panel. Grafana adds it to a dashboard that lacks it
 * when the dashboard loads; carrying it keeps the file equal to what Grafana itself exports.
 */
function builtInAnnotations(): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder()
    .name('Annotations & Alerts')
    .builtIn(1)
    .datasource({ type: 'grafana', uid: '-- Grafana --' })
    .enable(true)
    .hide(true)
    .iconColor('rgba(0, 211, 255, 1)')
    .type('dashboard');
}

/**
 * Builds the dashboard as plain JSON. The SDK gives every dashboard link (and annotation query) the default
 * `placement: "inControlsMenu"`, which (per the SDK's own type docs) puts the link at the bottom
 * of the dashboard controls drop-down rather than in the top bar, where people look for it.
 * Without the field Grafana shows the link in the top bar, as versions before the field did.
 */
export function finish(builder: dashboard.DashboardBuilder): Record<string, unknown> {
  const json = plainJson(builder.build());
  for (const link of (json.links ?? []) as Record<string, unknown>[]) delete link.placement;
  // The same default on annotation queries; the built-in one is hidden anyway.
  for (const a of (json.annotations as { list?: Record<string, unknown>[] } | undefined)?.list ?? []) delete a.placement;
  return json;
}

/**
 * The SDK's built model as plain JSON data with keys sorted at every level: builders attach
 * marker functions to queries (`_implementsDataqueryVariant`) and may leave `undefined` fields,
 * neither of which belongs in a rendered dashboard that is compared, hashed or handed to
 * Terraform. One recursive copy (cheaper than a stringify/parse round trip on large catalogs).
 */
export function plainJson(built: unknown): Record<string, unknown> {
  return toPlain(built) as Record<string, unknown>;
}

function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined || typeof v === 'function' ? null : toPlain(v)));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value);
  // most objects come with their keys in order already
  for (let i = 1; i < keys.length; i++)
    if (!(keys[i - 1]! < keys[i]!)) {
      sortKeysInPlace(keys);
      break;
    }
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined && typeof v !== 'function') out[key] = toPlain(v);
  }
  return out;
}
