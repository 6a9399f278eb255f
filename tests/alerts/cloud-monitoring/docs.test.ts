/**
 * docs/monitoring.md holds the threshold table rendered from the example plan, and
 * docs/runbooks/cloud-monitoring.md a section for every anchor a policy links to.
 * Regenerate the table with:
 *   UPDATE_DOCS=1 npx jest tests/alerts/cloud-monitoring/docs && npx prettier --write docs/monitoring.md
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cloudMonitoringPlan, DOCS_TABLE_MARKERS, thresholdTable, type MonitoringPlan } from '../../../alerts/cloud-monitoring';
import { loadEnvironmentOrThrow } from '../../../environments/load';
import { loadCatalog } from '../../../slos/load';
import type { SloCatalog } from '../../../slos/model';

const DOC = 'docs/monitoring.md';
const RUNBOOK = 'docs/runbooks/cloud-monitoring.md';
const env = loadEnvironmentOrThrow('example');

/** Table rows as trimmed cells, so prettier's column padding does not count as drift. */
function cells(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim().replace(/^-+$/, '---')),
    );
}
const catalog = loadCatalog({ slosDir: 'slos' }).catalog as SloCatalog;

describe('cloud monitoring docs', () => {
  let plan: MonitoringPlan;
  beforeAll(() => {
    plan = cloudMonitoringPlan(env, catalog);
  });

  test('the threshold table in docs/monitoring.md is the one rendered from the example plan', () => {
    // given the rendered table
    const table = thresholdTable(env, plan);
    const doc = readFileSync(DOC, 'utf8');
    const begin = doc.indexOf(DOCS_TABLE_MARKERS.begin);
    const end = doc.indexOf(DOCS_TABLE_MARKERS.end);
    if (process.env.UPDATE_DOCS === '1') {
      const next =
        begin < 0 ? `${doc.trimEnd()}\n\n${table}\n` : `${doc.slice(0, begin)}${table}${doc.slice(end + DOCS_TABLE_MARKERS.end.length)}`;
      writeFileSync(DOC, next);
      return;
    }
    // then the committed block is identical
    expect(begin).toBeGreaterThanOrEqual(0);
    expect(cells(doc.slice(begin, end))).toEqual(cells(table));
  });

  test('every runbook anchor a policy links to is a section of the runbook', () => {
    const headings = new Set([...readFileSync(RUNBOOK, 'utf8').matchAll(/^## (\S+)$/gm)].map((m) => m[1]));
    const anchors = new Set(plan.policies.map((p) => p.runbookAnchor));
    for (const a of anchors) expect(headings).toContain(a);
  });
});
