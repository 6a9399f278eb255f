/**
 * The ingestion estimate: series per metric from the contract's labels, samples per month from
 * the interval, and docs/managed-prometheus.md showing exactly the example's figures
 * (`UPDATE_GOLDEN=1 npx jest tests/layers/platform/ingestion-estimate.test.ts` rewrites them).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { engineMetricsContract } from '../../../layers/layer';
import {
  DEFAULT_INGESTION_ASSUMPTIONS,
  ingestionEstimate,
  ingestionMarkdownTable,
  metricSeries,
  SECONDS_PER_MONTH,
} from '../../../layers/platform/ingestion-estimate';
import { EMITTER } from '../../../layers/platform/metrics-contract';
import { loadCatalog } from '../../../slos/load';
import type { MetricContract } from '../../../slos/metrics-contract';
import { platformInputs } from './example';

const DOC = 'docs/managed-prometheus.md';
const BEGIN = '<!-- ingestion-estimate:begin -->';
const END = '<!-- ingestion-estimate:end -->';

const metric = (type: MetricContract['type'], labels: MetricContract['labels']): MetricContract => ({
  name: 'm',
  type,
  labels,
  emitter: EMITTER.api,
  interval: { seconds: 60, setting: 'test' },
  description: 'test',
});
const ASSUME = { openLabelValues: { code: 4 }, histogramBuckets: 10 };

describe('series of one metric', () => {
  test.each([
    ['a gauge without labels', metric('gauge', []), 1],
    ['a closed label', metric('gauge', [{ name: 'dependency', values: ['redis', 'postgres'] }]), 2],
    ['an open label at its assumed count', metric('counter', [{ name: 'job', values: ['api'] }, { name: 'code' }]), 4],
    ['a histogram: buckets, _sum and _count per label set', metric('histogram', [{ name: 'code' }]), 4 * 12],
  ])('counts %s', (_, m, series) => {
    expect(metricSeries(m, ASSUME)).toBe(series);
  });

  test('fails on an open label with no assumed value count, naming the metric and the label', () => {
    expect(() => metricSeries(metric('counter', [{ name: 'tenant' }]), ASSUME)).toThrow(
      'metric m: label tenant has no closed set of values and no assumed value count',
    );
  });
});

describe('samples per instance per month', () => {
  test('is series times the scrapes of a 30-day month at each metric interval', () => {
    // given two metrics scraped every minute and every 30 s
    const contract = {
      metrics: [metric('gauge', []), { ...metric('gauge', [{ name: 'code' }]), name: 'n', interval: { seconds: 30, setting: 't' } }],
      targetLabels: [],
    };
    // when
    const estimate = ingestionEstimate(contract, () => true, ASSUME);
    // then
    expect(estimate.series).toBe(5);
    expect(estimate.samplesPerMonth).toBe(SECONDS_PER_MONTH / 60 + (4 * SECONDS_PER_MONTH) / 30);
  });

  test('fails on a metric without a scrape interval', () => {
    const noInterval: MetricContract = { ...metric('gauge', []), interval: undefined };
    expect(() => ingestionEstimate({ metrics: [noInterval], targetLabels: [] }, () => true, ASSUME)).toThrow(
      'metric m: the contract states no scrape interval',
    );
  });

  test("docs/managed-prometheus.md shows the estimate of the example's application metrics", () => {
    // given the example's contract, its application metrics and the documented assumptions
    const catalog = loadCatalog({ slosDir: 'slos' }).catalog!;
    const contract = engineMetricsContract(catalog, platformInputs(catalog));
    const estimate = ingestionEstimate(contract, (m) => m.emitter === EMITTER.api, DEFAULT_INGESTION_ASSUMPTIONS);
    const expected = ingestionMarkdownTable(estimate);
    const doc = readFileSync(DOC, 'utf8');
    if (process.env.UPDATE_GOLDEN) {
      const start = doc.indexOf(BEGIN) + BEGIN.length;
      writeFileSync(DOC, `${doc.slice(0, start)}\n\n${expected}\n\n${doc.slice(doc.indexOf(END))}`);
    }
    // then the table between the markers has the same cells (prettier pads them)
    const cells = (md: string) =>
      md
        .split('\n')
        .filter((l) => l.startsWith('|') && !/^\|[\s-|]+\|$/.test(l))
        .map((l) => l.split('|').map((c) => c.trim()));
    const between = readFileSync(DOC, 'utf8').split(BEGIN)[1]?.split(END)[0] ?? '';
    expect(cells(between)).toEqual(cells(expected));
    expect(estimate.metrics.length).toBeGreaterThan(0);
  });
});
