/**
 * The documented targets (`docs/SLOs.md`) as a machine-checkable table, and the check that binds
 * it to the specs: every row has a spec with the same objective, threshold, window and error
 * budget, and every spec has a row. Messages name both places and both values.
 */
import { humanDuration } from './duration';
import type { Slo, SloCatalog } from './model';
import type { Problem } from './problems';

/** Marker lines around the table in the Markdown file. */
export const TABLE_BEGIN = '<!-- slo-targets:begin -->';
export const TABLE_END = '<!-- slo-targets:end -->';
/** The table's columns, in order. */
export const COLUMNS = ['service', 'slo', 'objective', 'threshold', 'window', 'error budget'] as const;

/** One row of the documented table. */
export interface DocTarget {
  readonly line: number;
  readonly service: string;
  readonly slo: string;
  readonly objective: string;
  readonly threshold: string;
  readonly window: string;
  readonly errorBudget: string;
}

/** How a threshold is written in the docs: `50 ms`, `1.2 s`, or `—` for ratio SLIs. */
export function formatThreshold(slo: Slo): string {
  if (slo.sli.kind !== 'latency') return '—';
  const s = slo.sli.thresholdSeconds;
  return s < 1 ? `${trim(s * 1000)} ms` : `${trim(s)} s`;
}

/** How an objective is written: `99.9 %`. */
export function formatObjective(slo: Slo): string {
  return `${trim(slo.objectivePercent)} %`;
}

/** How the error budget is written: `0.1 % = 43m 12s` (the share of events, and as time). */
export function formatErrorBudget(slo: Slo): string {
  return `${trim(slo.errorBudget * 100)} % = ${humanDuration(slo.errorBudget * slo.windowSeconds)}`;
}

/** The table row the docs should hold for an SLO (used by the check and to print a fix). */
export function expectedRow(slo: Slo): string {
  return `| ${slo.service} | ${slo.name} | ${formatObjective(slo)} | ${formatThreshold(slo)} | ${slo.window} | ${formatErrorBudget(slo)} |`;
}

/** Parses the table between the markers. */
export function parseDocTable(file: string, text: string): { rows: DocTarget[]; problems: Problem[] } {
  const lines = text.split(/\r?\n/);
  const begin = lines.findIndex((l) => l.trim() === TABLE_BEGIN);
  const end = lines.findIndex((l, i) => i > begin && l.trim() === TABLE_END);
  if (begin < 0 || end < 0) {
    return {
      rows: [],
      problems: [
        {
          file,
          line: 1,
          col: 1,
          field: '',
          message: `no targets table: expected lines ${TABLE_BEGIN} and ${TABLE_END} around it`,
          rule: 'docs',
        },
      ],
    };
  }
  const rows: DocTarget[] = [];
  const problems: Problem[] = [];
  for (let i = begin + 1; i < end; i++) {
    const raw = lines[i]!.trim();
    if (!raw.startsWith('|')) continue;
    const cells = raw
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => c.trim());
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    if (cells[0]?.toLowerCase() === COLUMNS[0]) {
      if (cells.join('|').toLowerCase() !== COLUMNS.join('|')) {
        problems.push({
          file,
          line: i + 1,
          col: 1,
          field: '',
          message: `targets table header must be: ${COLUMNS.join(' | ')}`,
          rule: 'docs',
        });
      }
      continue;
    }
    if (cells.length !== COLUMNS.length) {
      problems.push({
        file,
        line: i + 1,
        col: 1,
        field: '',
        message: `targets row has ${cells.length} cells; expected ${COLUMNS.length} (${COLUMNS.join(', ')})`,
        rule: 'docs',
      });
      continue;
    }
    const [service, slo, objective, threshold, window, errorBudget] = cells as [string, string, string, string, string, string];
    rows.push({ line: i + 1, service, slo, objective, threshold, window, errorBudget });
  }
  return { rows, problems };
}

/** Checks the docs table against the catalog; every disagreement is one problem naming both places. */
export function checkDocs(file: string, text: string, catalog: SloCatalog): Problem[] {
  const { rows, problems } = parseDocTable(file, text);
  const lines = text.split(/\r?\n/);
  if (problems.some((p) => p.message.startsWith('no targets table'))) return problems;
  const byId = new Map(catalog.slos.map((s) => [s.id, s]));
  const documented = new Map<string, number>();
  for (const row of rows) {
    const id = `${row.service}/${row.slo}`;
    const slo = byId.get(id);
    const here = `${file}:${row.line}`;
    if (!slo) {
      problems.push({
        file,
        line: row.line,
        col: 1,
        field: id,
        message: `documented target ${id} at ${here} has no spec in the slo directory`,
        rule: 'docs-mismatch',
      });
      continue;
    }
    if (documented.has(id)) {
      const first = documented.get(id)!;
      problems.push({
        file,
        line: row.line,
        col: 1,
        field: id,
        message: `target ${id} is documented twice, at ${file}:${first} and ${here}; allowed: one row per slo`,
        rule: 'docs-mismatch',
      });
      continue;
    }
    documented.set(id, row.line);
    // [what, column index in the table, documented value, spec value, where the spec says it]
    const checks: [string, number, string, string, { file: string; line: number }][] = [
      ['objective', 2, row.objective, formatObjective(slo), slo.source.objective],
      ['threshold', 3, row.threshold, formatThreshold(slo), slo.source.threshold ?? slo.source.slo],
      ['window', 4, row.window, slo.window, slo.source.window],
      ['error budget', 5, row.errorBudget, formatErrorBudget(slo), slo.source.objective],
    ];
    for (const [what, cell, doc, spec, at] of checks) {
      if (normalise(doc) === normalise(spec)) continue;
      problems.push({
        file,
        line: row.line,
        col: cellColumn(lines[row.line - 1]!, cell),
        field: `${id} ${what}`,
        message: `${what} of ${id} differs: ${JSON.stringify(doc)} in ${here} but ${JSON.stringify(spec)} in ${at.file}:${at.line}`,
        rule: 'docs-mismatch',
      });
    }
  }
  for (const slo of catalog.slos) {
    if (documented.has(slo.id)) continue;
    problems.push({
      ...slo.source.slo,
      field: 'name',
      message: `slo ${slo.id} is not documented in ${file}; add the row: ${expectedRow(slo)}`,
      rule: 'docs-mismatch',
    });
  }
  return problems;
}

/** 1-based column of the first non-blank character of the `index`-th cell of a table line. */
function cellColumn(line: string, index: number): number {
  let pipes = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== '|') continue;
    pipes++;
    if (pipes === index + 1) {
      let j = i + 1;
      while (line[j] === ' ') j++;
      return j + 1;
    }
  }
  return 1;
}

function normalise(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/ ?% ?/g, ' % ').trim();
}

function trim(x: number): string {
  return String(Number(x.toPrecision(10)));
}
