/**
 * The binding between docs/SLOs.md and slos/: a copy of both is changed in one place and
 * validation must fail with a message naming both places and both values.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../slos/load';
import { formatProblem } from '../../slos/problems';

let tmp: string;
let docsFile: string;
let slosDir: string;

beforeEach(() => {
  // given a copy of the shipped specs and docs
  tmp = mkdtempSync(join(tmpdir(), 'slo-docs-'));
  slosDir = join(tmp, 'slos');
  docsFile = join(tmp, 'docs', 'SLOs.md');
  cpSync('slos', slosDir, { recursive: true, filter: (src) => !src.endsWith('.ts') });
  mkdirSync(join(tmp, 'docs'));
  cpSync('docs/SLOs.md', docsFile);
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** 1-based number of the first line of `file` that matches. */
function lineOf(file: string, match: RegExp): number {
  const i = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => match.test(l));
  if (i < 0) throw new Error(`no line matching ${match} in ${file}`);
  return i + 1;
}

/** Replaces the first match in a file, failing when there is none (so a test cannot pass vacuously). */
function edit(file: string, from: RegExp, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!from.test(text)) throw new Error(`no match for ${from} in ${file}`);
  writeFileSync(file, text.replace(from, to));
}

function validate(): string[] {
  return loadCatalog({ slosDir, docsFile }).problems.map((p) => formatProblem(p).replaceAll(`${tmp}/`, ''));
}

describe('docs/SLOs.md against slos/', () => {
  test('the shipped specs and docs agree', () => {
    // when
    const result = loadCatalog({ slosDir: 'slos', docsFile: 'docs/SLOs.md' });
    // then
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.catalog?.slos.length).toBeGreaterThan(0);
  });

  test('every shipped slo has exactly one documented row', () => {
    // given
    const catalog = loadCatalog({ slosDir: 'slos' }).catalog!;
    const table = readFileSync('docs/SLOs.md', 'utf8');
    // then
    for (const slo of catalog.slos) {
      const rows = table.split('\n').filter((l) => new RegExp(`^\\|\\s*${slo.service}\\s*\\|\\s*${slo.name}\\s*\\|`).test(l));
      expect(rows).toHaveLength(1);
    }
  });

  test('fails when one threshold in the docs changes, naming the doc line, the spec line and both values', () => {
    // given 50 ms → 40 ms for the light endpoints, in the docs only
    const docLine = lineOf(docsFile, /\|\s*light-endpoint-latency\s*\|/);
    edit(docsFile, /(\|\s*light-endpoint-latency\s*\|[^|]*\|\s*)50 ms/, '$140 ms');
    const specLine = lineOf(join(slosDir, 'api.yaml'), /thresholdSeconds: 0\.05$/);
    // when
    const problems = validate();
    // then
    expect(problems).toEqual([
      `docs/SLOs.md:${docLine}:59: threshold of api/light-endpoint-latency differs: "40 ms" in docs/SLOs.md:${docLine} but "50 ms" in slos/api.yaml:${specLine}`,
    ]);
  });

  test('fails when one objective in the docs changes, naming both places', () => {
    // given 99.9 % → 99.95 % for availability, in the docs only
    const docLine = lineOf(docsFile, /\|\s*availability\s*\|/);
    edit(docsFile, /(\|\s*availability\s*\|\s*)99\.9 %/, '$199.95 %');
    const specLine = lineOf(join(slosDir, 'api.yaml'), /objective: 99\.9$/);
    // when
    const problems = validate();
    // then
    expect(problems).toEqual([
      `docs/SLOs.md:${docLine}:47: objective of api/availability differs: "99.95 %" in docs/SLOs.md:${docLine} but "99.9 %" in slos/api.yaml:${specLine}`,
    ]);
  });

  test('fails when the spec changes but the docs do not', () => {
    // given the error-rate window moved to 28d in the spec only
    const specFile = join(slosDir, 'api.yaml');
    const text = readFileSync(specFile, 'utf8');
    const at = text.indexOf('- name: error-rate');
    writeFileSync(specFile, text.slice(0, at) + text.slice(at).replace('window: 7d', 'window: 28d'));
    const docLine = lineOf(docsFile, /\|\s*error-rate\s*\|/);
    // when
    const problems = validate();
    // then: the window differs, and so does the budget as time
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      new RegExp(
        `^docs/SLOs.md:${docLine}:\\d+: window of api/error-rate differs: "7d" in docs/SLOs.md:${docLine} but "28d" in slos/api.yaml:\\d+$`,
      ),
    );
    expect(problems[1]).toContain('error budget of api/error-rate differs: "1 % = 1h 40m 48s"');
    expect(problems[1]).toContain('but "1 % = 6h 43m 12s" in slos/api.yaml:');
  });

  test('fails when a spec has no row, proposing the row to add', () => {
    // given the logging row removed from the docs
    edit(docsFile, /^\|\s*logging\s*\|.*\n/m, '');
    const specLine = lineOf(join(slosDir, 'logging.yaml'), /- name: structured-log-write/);
    // when
    const problems = validate();
    // then
    expect(problems).toEqual([
      `slos/logging.yaml:${specLine}:11: slo logging/structured-log-write is not documented in docs/SLOs.md; add the row: | logging | structured-log-write | 99 % | 1 ms | 28d | 1 % = 6h 43m 12s |`,
    ]);
  });

  test('fails when a row has no spec', () => {
    // given an extra documented target
    const after = lineOf(docsFile, /\|\s*availability\s*\|/);
    edit(docsFile, /^(\|\s*api\s*\|\s*availability\s*\|.*\n)/m, '$1| api | ghost | 99 % | — | 7d | 1 % = 1h 40m 48s |\n');
    // when
    const problems = validate();
    // then
    expect(problems).toEqual([
      `docs/SLOs.md:${after + 1}:1: documented target api/ghost at docs/SLOs.md:${after + 1} has no spec in the slo directory`,
    ]);
  });

  test('fails when a target is documented twice, naming both rows', () => {
    // given the availability row repeated
    const first = lineOf(docsFile, /\|\s*availability\s*\|/);
    edit(docsFile, /^(\|\s*api\s*\|\s*availability\s*\|.*\n)/m, '$1$1');
    // then
    expect(validate()).toEqual([
      `docs/SLOs.md:${first + 1}:1: target api/availability is documented twice, at docs/SLOs.md:${first} and docs/SLOs.md:${first + 1}; allowed: one row per slo`,
    ]);
  });

  test('fails when the targets table markers are missing', () => {
    // given
    edit(docsFile, /<!-- slo-targets:begin -->/, '');
    // then
    expect(validate()).toEqual([
      'docs/SLOs.md:1:1: no targets table: expected lines <!-- slo-targets:begin --> and <!-- slo-targets:end --> around it',
    ]);
  });
});
