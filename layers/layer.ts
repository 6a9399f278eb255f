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
import { prometheusArtifacts } from '../alerts/prometheus/artifacts';
import type { RuleLayer } from '../alerts/prometheus/layer';
import type { AlertLinks } from '../alerts/prometheus/policy';
import { grafanaArtifacts } from '../dashboards/artifacts';
import type { DashboardLayer } from '../dashboards/layer';
import type { Artifact } from '../slos/artifact';
import { mergeContracts, specMetricsContract, type MetricsContract } from '../slos/metrics-contract';
import type { SloCatalog } from '../slos/model';

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
  return [...prometheusArtifacts(catalog, inputs), ...grafanaArtifacts(catalog, inputs)];
}

/**
 * The metrics contract of the output: what the specs' SLI queries declare, plus what each layer
 * reads beyond them. `slo generate` writes it beside the rules (METRICS_CONTRACT_PATH) and `slo test`
 * checks every rule and dashboard query against it.
 */
export function engineMetricsContract(catalog: SloCatalog, inputs: EngineInputs = ENGINE_ALONE): MetricsContract {
  return mergeContracts(...inputs.layers.flatMap((l) => (l.metricsContract ? [l.metricsContract()] : [])), specMetricsContract(catalog));
}

/** Where `slo generate` writes the metrics contract, inside its output directory. */
export const METRICS_CONTRACT_PATH = 'metrics-contract.json';

/** The metrics contract as the file `slo generate` writes. */
export function metricsContractArtifact(catalog: SloCatalog, inputs: EngineInputs = ENGINE_ALONE): Artifact {
  return { path: METRICS_CONTRACT_PATH, content: `${JSON.stringify(engineMetricsContract(catalog, inputs), null, 2)}\n` };
}
