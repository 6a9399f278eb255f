/**
 * docs/alerting.md states the burn-rate window table for 7, 28 and 30 days. The table is
 * regenerated here from slos/burn-rate.ts and its cells must equal the committed one's, so the doc cannot
 * drift from the rules. `UPDATE_GOLDEN=1 npx jest tests/alerts/prometheus/docs` rewrites it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { burnRateFactor, burnWindows, fullOutageDetectionSeconds, WORKBOOK_WINDOWS } from '../../../slos/burn-rate';
import { availabilityThreshold, availabilityWindow } from '../../../layers/platform/symptoms';
import { exampleSymptoms } from '../../layers/platform/example';
import { loadEnvironmentOrThrow } from '../../../environments/load';
import { humanDuration, parseDuration } from '../../../slos/duration';
import { loadCatalog } from '../../../slos/load';
import type { SloCatalog } from '../../../slos/model';

const DOC = 'docs/alerting.md';
const START = '<!-- burn-rate-table:start -->';
const END = '<!-- burn-rate-table:end -->';

/** The window table for a 99.9 % SLO over 7, 28 and 30 days, as Markdown. */
function burnRateTable(): string {
  const rows = [
    "| SLO window | alert | long window | short window | burn-rate factor | share of the window's budget spent over the long window | whole budget gone after | full outage detected after (99.9 %) |",
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const days of [7, 28, 30]) {
    for (const w of burnWindows(99.9, days * 86400, { page: 'page', ticket: 'warning' })) {
      const cells = [
        `${days}d`,
        w.kind,
        w.longWindow,
        w.shortWindow,
        String(w.factor),
        `${(w.budgetShare * 100).toFixed(1)} %`,
        humanDuration((days * 86400) / w.factor),
        humanDuration(fullOutageDetectionSeconds(w)),
      ];
      rows.push(`| ${cells.join(' | ')} |`);
    }
  }
  return rows.join('\n');
}

/** Table cells, trimmed, without separator rows: prettier may pad the columns. */
function cells(markdown: string): string[][] {
  return markdown
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[\s|-]+\|$/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
}

describe('docs/alerting.md', () => {
  test('the burn-rate table is the one slos/burn-rate.ts computes', () => {
    // given
    const doc = readFileSync(DOC, 'utf8');
    const [before, rest] = doc.split(START);
    const [table, after] = rest!.split(END);
    // when
    const expected = burnRateTable();
    if (process.env.UPDATE_GOLDEN) writeFileSync(DOC, `${before}${START}\n${expected}\n${END}${after}`);
    // then
    expect(cells(table!)).toEqual(cells(expected));
    expect(cells(expected)).toHaveLength(10);
  });

  test('the 7-day paragraph states the scaled share, the unscaled factor and their consequences as computed', () => {
    // given the 7-day page window over 1 h, scaled and (hypothetically) unscaled
    const week = 7 * 86400;
    const page = burnWindows(99.9, week, { page: 'page', ticket: 'warning' })[0]!;
    const unscaled = burnRateFactor(WORKBOOK_WINDOWS[0]!.budgetShareOfReference, week, page.longWindowSeconds);
    const paragraph = readFileSync(DOC, 'utf8').split('A 7-day SLO therefore')[1]!.split('\n\n')[0]!.replace(/\s+/g, ' ');
    // then every figure of the paragraph is the computed one
    expect(paragraph).toContain(`${(page.budgetShare * 100).toFixed(1)} % of its budget goes in an hour`);
    expect(paragraph).toContain(`gone in ${humanDuration(week / page.factor)}`);
    expect(paragraph).toContain(`factor to ${unscaled.toFixed(1)}`);
    expect(paragraph).toContain(`need ${humanDuration(week / unscaled)} to spend`);
    expect(paragraph).toContain(`${(page.factor / unscaled).toFixed(1)} times lower`);
  });

  test('the availability-symptom paragraph states the probe counts and shares the example environment implies', () => {
    // given the example environment's probes and the availability symptom's window and threshold
    const env = loadEnvironmentOrThrow('example');
    const inputs = exampleSymptoms(loadCatalog({ slosDir: 'slos' }).catalog as SloCatalog, env);
    const period = env.monitoring.uptimePeriodSeconds;
    const window = parseDuration(availabilityWindow(inputs));
    const rounds = window / period;
    const probes = rounds * env.monitoring.uptimeCheckerRegions.length;
    const paragraph = readFileSync(DOC, 'utf8').split('**Why availability')[1]!.split('\n\n')[0]!.replace(/\s+/g, ' ');
    // then
    expect(paragraph).toContain(`(${period / 60} minutes), ${probes} in a ${window / 60}-minute window`);
    expect(paragraph).toContain(
      `1/${probes} of that window, more than fifty times the ${inputs.platform.availability.errorBudget * 100} % budget`,
    );
    expect(1 / probes / inputs.platform.availability.errorBudget).toBeGreaterThan(50);
    expect(paragraph).toContain(`(1/${rounds}, or 1/${rounds + 1} with Prometheus 2's closed ranges)`);
    expect(paragraph).toContain(`two rounds of ${rounds + 1} are ${(2 / (rounds + 1)).toFixed(2)}`);
    expect(2 / (rounds + 1)).toBeGreaterThan(availabilityThreshold(inputs));
  });

  test('a 7-day SLO keeps the 30-day factors and spends 30/7 times the share of its budget', () => {
    const seven = burnWindows(99, 7 * 86400, { page: 'page', ticket: 'warning' });
    const thirty = burnWindows(99, 30 * 86400, { page: 'page', ticket: 'warning' });
    expect(seven.map((w) => w.factor)).toEqual(thirty.map((w) => w.factor));
    seven.forEach((w, i) => expect(w.budgetShare).toBeCloseTo((thirty[i]!.budgetShare * 30) / 7, 12));
  });
});
