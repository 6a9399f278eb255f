/** Test helpers: load the bundled catalog and environment, and walk Grafana dashboard JSON. */
import type { EnvironmentConfig } from '../../environments/schema';
import type { EngineInputs } from '../../layers/layer';
import { exampleEnv, platformInputs } from '../layers/platform/example';
import { loadCatalog } from '../../slos/load';
import type { SloCatalog } from '../../slos/model';

/** A panel of the classic dashboard model, as far as the tests read it. */
export interface JsonPanel {
  id?: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  targets?: { expr?: string; refId?: string; datasource?: { type?: string; uid?: string } }[];
  fieldConfig?: {
    defaults?: { unit?: string; thresholds?: { steps: { value: number | null; color: string }[] } };
    overrides?: { matcher: { id: string; options: string }; properties: { id: string; value: unknown }[] }[];
  };
  panels?: JsonPanel[];
  gridPos?: { x: number; y: number; w: number; h: number };
}

/**
 * The specs of `slosDir` (checked against `docsFile` unless it is null), the example environment
 * and its engine inputs (the platform layer).
 */
export function loadBundled(
  slosDir = 'slos',
  docsFile: string | null = 'docs/SLOs.md',
): { catalog: SloCatalog; env: EnvironmentConfig; inputs: EngineInputs } {
  const result = loadCatalog({ slosDir, ...(docsFile ? { docsFile } : {}) });
  if (!result.catalog) throw new Error(`fixture specs do not load: ${JSON.stringify(result.problems)}`);
  return { catalog: result.catalog, env: exampleEnv, inputs: platformInputs(result.catalog) };
}

/** Every panel of a dashboard, rows and the panels inside collapsed rows included. */
export function allPanels(json: Readonly<Record<string, unknown>>): JsonPanel[] {
  const top = (json.panels ?? []) as JsonPanel[];
  return top.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Panels that show data (not rows). */
export function dataPanels(json: Readonly<Record<string, unknown>>): JsonPanel[] {
  return allPanels(json).filter((p) => p.type !== 'row');
}

/** Non-base threshold values of a panel: its defaults and every per-query override. */
export function thresholdValues(panel: JsonPanel): number[] {
  const steps = [
    ...(panel.fieldConfig?.defaults?.thresholds?.steps ?? []),
    ...(panel.fieldConfig?.overrides ?? []).flatMap((o) =>
      o.properties.filter((p) => p.id === 'thresholds').flatMap((p) => (p.value as { steps: { value: number | null }[] }).steps),
    ),
  ];
  return steps.map((s) => s.value).filter((v): v is number => v !== null);
}

/**
 * A PromQL expression with Grafana's variables and macros replaced by concrete values, as Grafana
 * would send it to Prometheus.
 */
export function interpolate(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__range_s', '21600')
    .replaceAll('$__range', '6h')
    .replace(/\$\{?(\w+)\}?/g, (_m, name: string) => `${name}-value`);
}
