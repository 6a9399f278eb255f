/**
 * The metrics contract: docs/metrics.md shows exactly the contract data of the bundled example
 * environment and specs, the generated rules and dashboards read only what it lists, and a rule
 * or dashboard query that reads anything else, or a scrape interval that differs, fails with a
 * message naming the file, the rule and the metric or label.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricsContractProblems } from '../../../bin/contract-check';
import { engineMetricsContract, METRICS_CONTRACT_PATH } from '../../../layers/layer';
import { uptimeProbeIntervalSeconds } from '../../../layers/platform/metrics-contract';
import { availabilityThreshold, availabilityWindow } from '../../../layers/platform/symptoms';
import { loadCatalog } from '../../../slos/load';
import { contractMarkdownTable, contractProblems, specMetricsContract } from '../../../slos/metrics-contract';
import { errorRateRecord } from '../../../slos/conventions';
import { parseDuration } from '../../../slos/duration';
import { runCli } from '../../bin/run-cli';
import { exampleEnv, exampleSymptoms, platformInputs } from './example';

const DOC = 'docs/metrics.md';
const BEGIN = '<!-- metrics-contract:begin -->';
const END = '<!-- metrics-contract:end -->';

const catalog = loadCatalog({ slosDir: 'slos' }).catalog!;
const contract = engineMetricsContract(catalog, platformInputs(catalog));

/** The cells of every table row between the markers (prettier pads them; the cells are the content). */
function tableCells(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[\s-|]+\|$/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

let scratch: string;
let out: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'slo-contract-'));
  out = join(scratch, 'out');
  const run = await runCli('generate', '--env', 'example', '--out', out);
  expect(run.code).toBe(0);
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('metrics contract', () => {
  test('docs/metrics.md shows the contract data of the bundled example environment and specs', () => {
    // given the document and the table the data renders
    const doc = readFileSync(DOC, 'utf8');
    const expected = contractMarkdownTable(contract);
    if (process.env.UPDATE_GOLDEN) {
      const start = doc.indexOf(BEGIN) + BEGIN.length;
      writeFileSync(DOC, `${doc.slice(0, start)}\n\n${expected}\n\n${doc.slice(doc.indexOf(END))}`);
    }
    const shown = readFileSync(DOC, 'utf8');
    const section = shown.slice(shown.indexOf(BEGIN), shown.indexOf(END));
    // then: the same rows, cell by cell, and the same target-label sentence
    expect(tableCells(section)).toEqual(tableCells(expected));
    expect(section.replace(/\s+/g, ' ')).toContain(expected.split('\n').pop()!);
  });

  test('slo generate writes the contract, and every generated rule and dashboard query reads only what it lists', () => {
    // then
    expect(JSON.parse(readFileSync(join(out, METRICS_CONTRACT_PATH), 'utf8'))).toEqual(JSON.parse(JSON.stringify(contract)));
    expect(metricsContractProblems(out)).toEqual([]);
  });

  test('the availability symptom and the uptime job both take the probe interval from the contract', () => {
    // given
    const probe = contract.metrics.find((m) => m.name === 'probe_success')!;
    const symptoms = exampleSymptoms(catalog);
    // then: the contract's interval is the environment's setting, and the arithmetic uses it
    expect(probe.interval).toEqual({ seconds: exampleEnv.monitoring.uptimePeriodSeconds, setting: 'monitoring.uptimePeriodSeconds' });
    expect(uptimeProbeIntervalSeconds(exampleEnv)).toBe(probe.interval!.seconds);
    expect(parseDuration(availabilityWindow(symptoms))).toBeGreaterThanOrEqual(4 * probe.interval!.seconds);
    expect(availabilityThreshold(symptoms)).toBeCloseTo((1.5 * probe.interval!.seconds) / parseDuration(availabilityWindow(symptoms)), 9);
    expect(readFileSync(join(out, 'prometheus/prometheus.yml'), 'utf8')).toMatch(
      new RegExp(`job_name: uptime\\n\\s+scrape_interval: ${probe.interval!.seconds / 60}m\\n`),
    );
  });

  test('fails on a rule that reads an unlisted label or value, naming the file, the rule and the label', () => {
    // given the output with the Redis symptom tampered with
    const rules = join(out, 'prometheus/api.rules.yaml');
    const text = readFileSync(rules, 'utf8');
    try {
      writeFileSync(
        rules,
        text
          .replace('dependency="redis"', 'dependency="memcached"')
          .replace('max by (region) (platform_postgres', 'max by (zone) (platform_postgres'),
      );
      // then
      expect(metricsContractProblems(out)).toEqual([
        'prometheus/api.rules.yaml: rule RedisUnavailableOrExhausted (group symptoms-api) reads platform_dependency_up{dependency="memcached"}, a value the metrics contract does not list; listed: redis, postgres',
        'prometheus/api.rules.yaml: rule PostgresUnavailableOrLagging (group symptoms-api) groups by label zone (by), which the metrics contract lists for none of platform_postgres_replication_lag_seconds',
      ]);
    } finally {
      writeFileSync(rules, text);
    }
  });

  test('fails on an uptime job that probes more often than the contract assumes', () => {
    // given
    const config = join(out, 'prometheus/prometheus.yml');
    const text = readFileSync(config, 'utf8');
    try {
      writeFileSync(config, text.replace(/(job_name: uptime\n\s+scrape_interval: )\S+/, '$115s'));
      // then
      expect(metricsContractProblems(out)).toEqual([
        `prometheus/prometheus.yml: job uptime scrapes every 15s, but the metrics contract assumes one probe_success sample every ${exampleEnv.monitoring.uptimePeriodSeconds} s (monitoring.uptimePeriodSeconds)`,
      ]);
    } finally {
      writeFileSync(config, text);
    }
  });

  test.each([
    [
      'an unlisted metric',
      'sum(rate(http_request_total{job="api"}[5m]))',
      'q reads metric http_request_total, which the metrics contract does not list',
    ],
    [
      'an unlisted label',
      'sum(rate(http_requests_total{job="api", path="/x"}[5m]))',
      'q reads label path of http_requests_total, which the metrics contract does not list for it; listed: code, instance, job, region',
    ],
    ['a bucket with le, a listed histogram', 'sum(rate(http_request_duration_seconds_bucket{job="api", le="0.05"}[5m]))', undefined],
    [
      'le on a histogram count',
      'sum(rate(http_request_duration_seconds_count{le="1"}[5m]))',
      'q reads label le of http_request_duration_seconds_count',
    ],
    ['a join on a listed label', 'a_total / on(region) group_left b_total', 'q reads metric a_total'],
  ])('checks %s', (_what, expr, message) => {
    // when
    const problems = contractProblems([{ where: 'q', expr }], contract);
    // then
    if (message === undefined) expect(problems).toEqual([]);
    else expect(problems[0]).toContain(message);
  });

  test('a team without a layer: its specs declare its metrics, and its output reads nothing else', async () => {
    // given a team's own specs
    const team = loadCatalog({ slosDir: 'tests/fixtures/slos/new-team' }).catalog!;
    const teamOut = join(scratch, 'team');
    // when
    expect((await runCli('generate', '--slos', 'tests/fixtures/slos/new-team', '--out', teamOut)).code).toBe(0);
    // then
    expect(metricsContractProblems(teamOut)).toEqual([]);
    expect(specMetricsContract(team).metrics.find((m) => m.name === 'cart_checkouts_total')?.labels).toEqual([
      { name: 'job', values: ['cart'] },
      { name: 'result', values: ['failed'] },
    ]);
  });

  test('slo test fails on output whose contract does not list what a rule reads', async () => {
    // given a team's output whose contract lost a label
    const teamOut = join(scratch, 'team-tampered');
    expect((await runCli('generate', '--slos', 'tests/fixtures/slos/new-team', '--out', teamOut)).code).toBe(0);
    const file = join(teamOut, METRICS_CONTRACT_PATH);
    const data = JSON.parse(readFileSync(file, 'utf8'));
    const cart = data.metrics.find((m: { name: string }) => m.name === 'cart_checkouts_total');
    cart.labels = cart.labels.filter((l: { name: string }) => l.name !== 'result');
    writeFileSync(file, JSON.stringify(data));
    // when
    const run = await runCli('test', '--out', teamOut);
    // then
    expect(run.code).toBe(1);
    // (the first rule that reads the SLI's counters is its recorded base error rate)
    expect(run.err).toContain(`slo test: metrics contract: prometheus/cart.rules.yaml: rule ${errorRateRecord('5m')} (group `);
    expect(run.err).toMatch(
      /reads label result of cart_checkouts_total, which the metrics contract does not list for it; listed: instance, job\n/,
    );
  });
});
