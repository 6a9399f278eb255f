/**
 * The one extension seam of the SLO engine. The engine (slos/, alerts/prometheus/, dashboards/)
 * renders what the specs say and nothing else: SLI rules, burn-rate and budget alerts, their
 * promtool scenarios and the SLO dashboards. A layer adds what one platform knows beyond the
 * specs, per service: rule groups, promtool scenarios, a bound on the test file's evaluation
 * interval, dashboard rows, variables and query matchers. The platform layer
 * (layers/platform/layer.ts) is one; any other system can bring its own.
 *
 * Modelled on Sloth's ordered SLO processors (its plugins run after the built-in SLI and alert
 * rules) and on kubernetes-mixin's `_config`: the engine never knows who extends it.
 */
import { servicePrometheusArtifacts } from '../alerts/prometheus/artifacts';
import type { RuleLayer } from '../alerts/prometheus/layer';
import type { AlertLinks } from '../alerts/prometheus/policy';
import { goldenSignalsArtifact, sloDashboardArtifact } from '../dashboards/artifacts';
import type { DashboardLayer } from '../dashboards/layer';
import type { TimedAlert } from '../slos/alert-timing';
import type { Artifact } from '../slos/artifact';
import { mergeContracts, specMetricsContract, type MetricsContract } from '../slos/metrics-contract';
import type { SloCatalog } from '../slos/model';

/** What a layer's alert timings assume: the background before and after the fault, and its length. */
export interface LayerTimingOptions {
  /** The background error ratio (0–1) of an alert that reads an SLO with this error budget. */
  backgroundErrorRatio(errorBudget: number): number;
  /** Length of the fault whose reset is computed, in seconds. */
  readonly outageSeconds: number;
}

/** One alert of a layer, timed as the SLO alerts are (slos/alert-timing.ts), with what a layer's alert adds. */
export interface LayerAlertTiming extends TimedAlert {
  /** The SLO whose SLI the alert reads (`service/name`); `null` when it reads none. */
  readonly slo: string | null;
  /** The range its condition reads, in seconds; `null` when it reads the latest sample of a gauge. */
  readonly windowSeconds: number | null;
  /**
   * The longest the alert may still start firing after the fault that caused it ended (as the
   * samples show it; a server adds a scrape and an evaluation): 0 when it fires only while the
   * fault shows in the newest samples (docs/alerting.md, "No echoes").
   */
  readonly echoSeconds: number;
}

/**
 * A layer: every hook is optional. The Prometheus hooks are documented in
 * alerts/prometheus/layer.ts, the dashboard hooks in dashboards/layer.ts; each renderer reads
 * only its half, so the renderers stay upstream of every layer.
 */
export interface SloLayer extends RuleLayer, DashboardLayer {
  /** Name of the layer, for messages. */
  readonly name: string;
  /**
   * The metrics the layer's rules and dashboard rows read beyond the specs (slos/metrics-contract.ts).
   *
   * @default - none: the layer reads only what the specs declare
   */
  metricsContract?(): MetricsContract;
  /**
   * Every alert the layer's rules raise, timed: detection after a fault starts, reset after it
   * ends and the echo bound, computed by the functions the layer's rules and scenarios use
   * (`slo explain --env` prints them).
   *
   * @default - none: the layer adds no alert
   */
  alertTimings?(options: LayerTimingOptions): readonly LayerAlertTiming[];
}

/** Everything the engine renders from besides the catalog. */
export interface EngineInputs {
  /** Where alert links point (runbooks, Grafana). */
  readonly links: AlertLinks;
  /** Layers, applied in order after the engine's own output. */
  readonly layers: readonly SloLayer[];
}

/** The engine alone: no layer, only the specs' own links. */
export const ENGINE_ALONE: EngineInputs = Object.freeze({ links: Object.freeze({}), layers: Object.freeze([]) });

/** Every file `slo generate` writes: Prometheus rules and tests, then the dashboards. */
export function engineArtifacts(catalog: SloCatalog, inputs: EngineInputs = ENGINE_ALONE): Artifact[] {
  return [...eachEngineArtifact(catalog, inputs)];
}

/** engineArtifacts one file at a time, rendered as they are taken: `slo generate` writes each before rendering the next. */
export function* eachEngineArtifact(catalog: SloCatalog, inputs: EngineInputs = ENGINE_ALONE): Generator<Artifact> {
  for (const unit of engineArtifactUnits(catalog)) yield* renderEngineArtifactUnit(catalog, inputs, unit);
}

/**
 * A part of the engine's output that renders apart from the others: a service's rule and test
 * files, a service's golden-signals dashboard, or the SLO dashboard.
 */
export type EngineArtifactUnit =
  { readonly kind: 'prometheus' | 'golden-signals'; readonly service: string } | { readonly kind: 'slo-dashboard' };

/**
 * The units of `engineArtifacts`, in its order: every service's Prometheus files, then every
 * service's golden-signals dashboard, then the SLO dashboard. Each depends only on the catalog and
 * the inputs, so `slo generate` may render them in worker threads and write them in this order.
 */
export function engineArtifactUnits(catalog: SloCatalog): EngineArtifactUnit[] {
  return [
    ...catalog.services.map((service) => ({ kind: 'prometheus' as const, service })),
    ...catalog.services.map((service) => ({ kind: 'golden-signals' as const, service })),
    { kind: 'slo-dashboard' },
  ];
}

/** The files of one unit, in `engineArtifacts` order. */
export function renderEngineArtifactUnit(catalog: SloCatalog, inputs: EngineInputs, unit: EngineArtifactUnit): Artifact[] {
  switch (unit.kind) {
    case 'prometheus':
      return servicePrometheusArtifacts(catalog, unit.service, inputs);
    case 'golden-signals':
      return [goldenSignalsArtifact(catalog, unit.service, inputs)];
    case 'slo-dashboard':
      return [sloDashboardArtifact(catalog)];
  }
}

/**
 * The metrics contract of the output: what the specs' SLI queries declare, plus what each layer
 * reads beyond them. `slo generate` writes it beside the rules (METRICS_CONTRACT_PATH) and `slo test`
 * checks every rule and dashboard query against it.
 */
export function engineMetricsContract(catalog: SloCatalog, inputs: EngineInputs = ENGINE_ALONE): MetricsContract {
  return mergeContracts(...inputs.layers.flatMap((l) => (l.metricsContract ? [l.metricsContract()] : [])), specMetricsContract(catalog));
}

/** The timed alerts of every layer, with the name of the layer that adds each, in layer order. */
export function layerAlertTimings(
  inputs: EngineInputs,
  options: LayerTimingOptions,
): { readonly layer: string; readonly alerts: readonly LayerAlertTiming[] }[] {
  return inputs.layers.flatMap((l) => (l.alertTimings ? [{ layer: l.name, alerts: l.alertTimings(options) }] : []));
}

/** Where `slo generate` writes the metrics contract, inside its output directory. */
export const METRICS_CONTRACT_PATH = 'metrics-contract.json';

/** The metrics contract as the file `slo generate` writes. */
export function metricsContractArtifact(catalog: SloCatalog, inputs: EngineInputs = ENGINE_ALONE): Artifact {
  return { path: METRICS_CONTRACT_PATH, content: `${JSON.stringify(engineMetricsContract(catalog, inputs), null, 2)}\n` };
}
