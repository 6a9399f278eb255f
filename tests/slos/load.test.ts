/**
 * The file edge of validation: the spec directory as a whole (empty, missing), files that cannot
 * be read as specs (not UTF-8, a directory named like a spec), and checks across files.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../slos/load';
import { formatProblem } from '../../slos/problems';

const VALID = readFileSync('tests/fixtures/slos/valid/checkout.yaml', 'utf8');
let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'slo-load-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** Problems of a directory, as `file:line:col: message` with the temp dir shown as `<tmp>`. */
function problemsOf(dir: string): string[] {
  return loadCatalog({ slosDir: dir }).problems.map((p) => formatProblem(p).replaceAll(tmp, '<tmp>'));
}

describe('loadCatalog on a spec directory', () => {
  test('loads every spec file of a valid directory', () => {
    // given
    writeFileSync(join(tmp, 'checkout.yaml'), VALID);
    // when
    const result = loadCatalog({ slosDir: tmp });
    // then
    expect(result.problems).toEqual([]);
    expect(result.catalog?.slos).toHaveLength(2);
  });

  test('rejects an empty slo directory', () => {
    // given nothing in tmp
    // then
    expect(problemsOf(tmp)).toEqual(['<tmp>:1:1: no slo specs (*.yaml) in <tmp>; add at least one']);
  });

  test('rejects a directory that holds only files that are not specs', () => {
    // given
    writeFileSync(join(tmp, 'README.md'), '# notes\n');
    // then
    expect(problemsOf(tmp)).toEqual(['<tmp>:1:1: no slo specs (*.yaml) in <tmp>; add at least one']);
  });

  test('rejects a slo directory that does not exist', () => {
    // then
    expect(problemsOf(join(tmp, 'nope'))).toEqual(['<tmp>/nope:1:1: slo directory <tmp>/nope does not exist']);
  });

  test('rejects a file that is not utf-8, at the line and column of the first bad byte', () => {
    // given a Latin-1 "é" (0xe9) at the start of line 2
    const cut = VALID.indexOf('\n') + 1;
    const latin1 = Buffer.concat([Buffer.from(VALID.slice(0, cut)), Buffer.from([0xe9]), Buffer.from(VALID.slice(cut))]);
    writeFileSync(join(tmp, 'checkout.yaml'), latin1);
    // then
    expect(problemsOf(tmp)).toEqual([
      '<tmp>/checkout.yaml:2:1: <tmp>/checkout.yaml is not utf-8 text: byte 0xe9 at offset 61 is invalid; save the file as utf-8',
    ]);
  });

  test('rejects a directory named like a spec, and still checks the other files', () => {
    // given
    mkdirSync(join(tmp, 'x.yaml'));
    writeFileSync(join(tmp, 'checkout.yaml'), VALID.replace('objective: 99.5', 'objective: 100'));
    // then
    expect(problemsOf(tmp)).toEqual([
      '<tmp>/checkout.yaml:10:16: slos[0].objective is 100; allowed: a percentage greater than 0 and less than 100',
      '<tmp>/x.yaml:1:1: <tmp>/x.yaml is a directory, not a spec file',
    ]);
  });

  test('rejects the same slo name declared in two files of one service, naming the first place', () => {
    // given the checkout service split over two files that both declare "latency"
    writeFileSync(join(tmp, 'a.yaml'), VALID);
    writeFileSync(join(tmp, 'b.yaml'), VALID.replace('name: error-rate', 'name: availability'));
    // then
    expect(problemsOf(tmp)).toEqual([
      '<tmp>/b.yaml:18:11: duplicate slo name "latency" in service "checkout"; first declared at <tmp>/a.yaml:18',
    ]);
  });

  test('accepts the same slo name in two different services', () => {
    // given
    writeFileSync(join(tmp, 'a.yaml'), VALID);
    writeFileSync(join(tmp, 'b.yaml'), VALID.replace('service: checkout', 'service: billing'));
    // then
    expect(problemsOf(tmp)).toEqual([]);
  });

  test('reports the problems of every file in one run, sorted by file then line', () => {
    // given two broken files
    writeFileSync(join(tmp, 'b.yaml'), VALID.replace('window: 28d', 'window: 5d'));
    writeFileSync(
      join(tmp, 'a.yaml'),
      VALID.replace('objective: 99\n', 'objective: -1\n').replace('apiVersion: slo-platform/v1', 'apiVersion: v2'),
    );
    // then
    expect(problemsOf(tmp)).toEqual([
      '<tmp>/a.yaml:3:13: apiVersion is "v2"; allowed: "slo-platform/v1"',
      '<tmp>/a.yaml:20:16: slos[1].objective is -1; allowed: a percentage greater than 0 and less than 100',
      '<tmp>/b.yaml:11:13: slos[0].window is "5d"; allowed: "7d", "28d", "30d"',
    ]);
  });
});
