/**
 * How many samples one Cloud Run instance of the API sends to Managed Service for Prometheus in a
 * month, from the metrics contract: for each metric the application emits, its series (the
 * product of its labels' value counts; a histogram's buckets, `_sum` and `_count` each one
 * series) times the scrapes in a month at the interval the contract assumes. Cloud Monitoring
 * bills Managed Service for Prometheus by samples ingested
 * (https://cloud.google.com/stackdriver/pricing), so this is the figure a cost estimate starts
 * from. docs/managed-prometheus.md shows it for the example environment; a test keeps the two equal.
 *
 * A label whose values the contract does not close (`code`, `route_class`) needs an assumed value
 * count; a label with neither fails the estimate, naming it, so a new label cannot count as one
 * value unnoticed.
 */
import type { MetricContract, MetricsContract } from '../../slos/metrics-contract';

/** Seconds in the month the estimate counts: 30 days. */
export const SECONDS_PER_MONTH = 30 * 86_400;

/** What the contract does not say, assumed. */
export interface IngestionAssumptions {
  /** Distinct values of each label the contract leaves open, per metric series set. */
  readonly openLabelValues: Readonly<Record<string, number>>;
  /** Buckets of every histogram, `+Inf` included. */
  readonly histogramBuckets: number;
}

/**
 * The assumptions of the documented estimate: eight HTTP status codes (200, 201, 204, 400, 401,
 * 404, 429, 500), the two route classes the platform SLOs select (light, webhook), and the
 * Prometheus clients' default histogram buckets (11 bounds and `+Inf`).
 */
export const DEFAULT_INGESTION_ASSUMPTIONS: IngestionAssumptions = Object.freeze({
  openLabelValues: Object.freeze({ code: 8, route_class: 2 }),
  histogramBuckets: 12,
});

/** One metric's share of the estimate. */
export interface MetricIngestion {
  readonly name: string;
  readonly series: number;
  readonly intervalSeconds: number;
  readonly samplesPerMonth: number;
}

/** The estimate for one instance. */
export interface IngestionEstimate {
  readonly metrics: readonly MetricIngestion[];
  readonly series: number;
  readonly samplesPerMonth: number;
}

/** Series of one metric under the assumptions. */
export function metricSeries(metric: MetricContract, assumptions: IngestionAssumptions): number {
  const labelSets = metric.labels.reduce((product, label) => {
    const count = label.values?.length ?? assumptions.openLabelValues[label.name];
    if (count === undefined) {
      throw new Error(`metric ${metric.name}: label ${label.name} has no closed set of values and no assumed value count`);
    }
    return product * count;
  }, 1);
  const perLabelSet = metric.type === 'histogram' || metric.type === 'summary' ? assumptions.histogramBuckets + 2 : 1;
  return labelSets * perLabelSet;
}

/**
 * Samples per month one instance sends for the metrics of `contract` that `emittedByInstance`
 * selects; every one must state the interval it is scraped at.
 */
export function ingestionEstimate(
  contract: MetricsContract,
  emittedByInstance: (metric: MetricContract) => boolean,
  assumptions: IngestionAssumptions = DEFAULT_INGESTION_ASSUMPTIONS,
): IngestionEstimate {
  const metrics = contract.metrics.filter(emittedByInstance).map((m): MetricIngestion => {
    if (!m.interval) throw new Error(`metric ${m.name}: the contract states no scrape interval`);
    const series = metricSeries(m, assumptions);
    return {
      name: m.name,
      series,
      intervalSeconds: m.interval.seconds,
      samplesPerMonth: (series * SECONDS_PER_MONTH) / m.interval.seconds,
    };
  });
  return {
    metrics,
    series: metrics.reduce((n, m) => n + m.series, 0),
    samplesPerMonth: metrics.reduce((n, m) => n + m.samplesPerMonth, 0),
  };
}

/** The estimate as the Markdown table docs/managed-prometheus.md shows. */
export function ingestionMarkdownTable(estimate: IngestionEstimate): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return [
    '| metric | series per instance | scrape interval | samples per instance per month |',
    '| --- | --- | --- | --- |',
    ...estimate.metrics.map((m) => `| \`${m.name}\` | ${n(m.series)} | ${m.intervalSeconds} s | ${n(m.samplesPerMonth)} |`),
    `| **total** | **${n(estimate.series)}** | | **${n(estimate.samplesPerMonth)}** |`,
  ].join('\n');
}
