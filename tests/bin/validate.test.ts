/**
 * The `slo validate` CLI contract (DESIGN.md): exit 0 valid, 1 problems, 2 usage error; text,
 * github and json formats; every problem in one run; never writes a file. Tests call `main()`
 * with captured output, and one test runs the real `node bin/slo.js validate`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli as run } from './run-cli';

const VALID = readFileSync('tests/fixtures/slos/valid/checkout.yaml', 'utf8');
let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'slo-cli-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** A spec directory with one file holding two mistakes (objective 100 and window 5d). */
function brokenDir(): string {
  writeFileSync(join(tmp, 'checkout.yaml'), VALID.replace('objective: 99.5', 'objective: 100').replace('window: 28d', 'window: 5d'));
  return tmp;
}

describe('slo validate', () => {
  test('exits 0 on the shipped specs and docs', async () => {
    // when
    const r = await run('validate');
    // then
    expect(r).toEqual({ code: 0, out: expect.stringMatching(/^ok: \d+ slos valid; checked targets table docs\/SLOs\.md\n$/), err: '' });
  });

  test('fails with exit 1 and one text line per problem, path:line:col first', async () => {
    // when
    const r = await run('validate', '--slos', brokenDir(), '--no-docs');
    // then
    expect(r.code).toBe(1);
    expect(r.out.replaceAll(tmp, '<tmp>')).toMatchInlineSnapshot(`
"<tmp>/checkout.yaml:10:16: slos[0].objective is 100; allowed: a percentage greater than 0 and less than 100
<tmp>/checkout.yaml:11:13: slos[0].window is "5d"; allowed: "7d", "28d", "30d"
2 problems found
"
`);
  });

  test('fails when the environment keeps samples for less time than the longest slo window needs, naming the file and field', async () => {
    // given the example environment with Prometheus' default retention stated
    const env = join(tmp, 'short-retention.yaml');
    writeFileSync(env, `${readFileSync('environments/example.yaml', 'utf8')}\nprometheusServers:\n  retention: 15d\n`);
    // when
    const short = await run('validate', '--env', env);
    const enough = await run('validate', '--env', 'example');
    // then
    expect(short.code).toBe(1);
    expect(short.out.replaceAll(tmp, '<tmp>')).toMatch(
      /^<tmp>\/short-retention\.yaml:\d+:\d+: prometheusServers\.retention is 15d, shorter than the 30d window of slo \S+ \(plus its 5m base rate\) needs; allowed: at least 31d\n1 problem found\n$/,
    );
    expect(enough.code).toBe(0);
  });

  test('shows a warning in every format and still exits 0', async () => {
    // given only a valid spec whose latency looks like milliseconds
    cpSync('tests/fixtures/slos/warnings/latency-in-milliseconds.yaml', join(tmp, 'checkout.yaml'));
    // when
    const text = await run('validate', '--slos', tmp, '--no-docs');
    const github = await run('validate', '--slos', tmp, '--no-docs', '--format', 'github');
    const json = await run('validate', '--slos', tmp, '--no-docs', '--format', 'json');
    // then
    expect(text.code).toBe(0);
    expect(text.out.replaceAll(tmp, '<tmp>')).toMatch(
      /^<tmp>\/checkout\.yaml:\d+:\d+: warning: slo "latency": sli\.latency\.thresholdSeconds is 250 and sli\.latency\.buckets go up to 1000, which look like milliseconds; .*\nok: 1 slos valid \(1 warning\); targets table not checked \(--no-docs\)\n$/,
    );
    expect(github.code).toBe(0);
    expect(github.out).toMatch(
      /^::warning file=[^\n]*checkout\.yaml,line=\d+,col=\d+,title=slo latency-milliseconds::slo "latency": [^\n]*\n::notice::1 slos valid; targets table not checked \(--no-docs\)\n$/,
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({
      valid: true,
      problems: [],
      warnings: [{ rule: 'latency-milliseconds', severity: 'warning' }],
    });
  });

  test('rejects the shipped availability slo with its burn-rate page enabled: one failed probe would page', async () => {
    // given the shipped specs, with the availability page (disabled for exactly this reason) enabled
    cpSync('slos', tmp, { recursive: true });
    const api = readFileSync(join(tmp, 'api.yaml'), 'utf8');
    writeFileSync(join(tmp, 'api.yaml'), api.replace(/\n\s+page:\n\s+enabled: false\n?$/, '\n'));
    // when
    const r = await run('validate', '--slos', tmp, '--no-docs');
    // then
    expect(r.code).toBe(1);
    expect(r.out.replaceAll(tmp, '<tmp>')).toMatch(
      /^<tmp>\/api\.yaml:\d+:\d+: slo "availability": alerting\.page would fire on a single bad event: with sli\.expectedEventsPerHour 36, one bad event in the 1h window is an error ratio of 2\.78 %, at or above its threshold 14\.4 × 0\.1 % = 1\.44 %; allowed: .*\n1 problem found\n$/,
    );
  });

  test('reports all three mistakes of a file in one run, sorted, with exit 1', async () => {
    // given the three-errors fixture as the only spec
    cpSync('tests/fixtures/slos/invalid/three-errors.yaml', join(tmp, 'three-errors.yaml'));
    // when
    const r = await run('validate', '--slos', tmp, '--no-docs');
    // then
    expect(r.code).toBe(1);
    const lines = r.out.replaceAll(tmp, '<tmp>').trimEnd().split('\n');
    expect(lines.map((l) => l.replace(/: .*/, ''))).toEqual([
      '<tmp>/three-errors.yaml:9:1',
      '<tmp>/three-errors.yaml:23:16',
      '<tmp>/three-errors.yaml:24:13',
      '3 problems found',
    ]);
  });

  test('fails with one github annotation per problem under --format github', async () => {
    // when
    const r = await run('validate', '--slos', brokenDir(), '--no-docs', '--format', 'github');
    // then
    expect(r.code).toBe(1);
    expect(r.out.replaceAll(tmp, '<tmp>')).toMatchInlineSnapshot(`
"::error file=<tmp>/checkout.yaml,line=10,col=16,title=slo schema::slos[0].objective is 100; allowed: a percentage greater than 0 and less than 100
::error file=<tmp>/checkout.yaml,line=11,col=13,title=slo schema::slos[0].window is "5d"; allowed: "7d", "28d", "30d"
"
`);
  });

  test('escapes github annotation properties and data', async () => {
    // given a docs row with a % in the message, and a file path with a comma
    const dir = join(tmp, 'a,b');
    cpSync('tests/fixtures/slos/valid', dir, { recursive: true });
    writeFileSync(join(tmp, 'SLOs.md'), '<!-- slo-targets:begin -->\n<!-- slo-targets:end -->\n');
    // when
    const r = await run('validate', '--slos', dir, '--docs', join(tmp, 'SLOs.md'), '--format', 'github');
    // then: "," in a property is %2C, "%" in data is %25
    expect(r.code).toBe(1);
    expect(r.out).toContain('file=' + tmp.replaceAll(':', '%3A') + '/a%2Cb/checkout.yaml,line=');
    expect(r.out).toContain('| 99.5 %25 |');
  });

  test('prints a machine-readable report under --format json', async () => {
    // when
    const r = await run('validate', '--slos', brokenDir(), '--no-docs', '--format', 'json');
    // then
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as {
      valid: boolean;
      sloCount: number;
      problems: { file: string; line: number; col: number; field: string; rule: string }[];
    };
    expect(report.valid).toBe(false);
    expect(report.problems.map((p) => [p.line, p.col, p.field, p.rule])).toEqual([
      [10, 16, 'slos[0].objective', 'schema'],
      [11, 13, 'slos[0].window', 'schema'],
    ]);
  });

  test('prints valid json with no problems on the shipped specs', async () => {
    // when
    const r = await run('validate', '--format', 'json');
    // then
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ valid: true, sloCount: expect.any(Number), docsTable: 'docs/SLOs.md', problems: [], warnings: [] });
  });

  test.each([
    [['validate', '--frobnicate'], /^slo validate: Unknown option '--frobnicate'$/m],
    [['validate', '--format', 'xml'], /^slo validate: --format must be one of text, github, json; got "xml"/],
    [['validate', 'extra'], /^slo validate: Unexpected argument 'extra'; no positional arguments are allowed$/m],
    [['validate', '--slos'], /^slo validate: Option '--slos <value>' argument missing/],
    [['frobnicate'], /^slo: unknown command "frobnicate"/],
    [[], /^usage: slo <command>/],
  ])('fails with exit 2 on the usage error %p', async (argv, message) => {
    // when
    const r = await run(...argv);
    // then
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
  });

  test('prints its help and exits 0 with --help', async () => {
    // when
    const r = await run('validate', '--help');
    // then
    expect(r.code).toBe(0);
    expect(r.out).toContain('usage: slo validate [--slos DIR] [--docs FILE]');
  });

  test('never writes a file, valid or not', async () => {
    // given a broken spec directory and a snapshot of the repository's top level and slos/
    const dir = brokenDir();
    const listing = (d: string) => readdirSync(d).map((f) => `${f}@${statSync(join(d, f)).mtimeMs}`);
    const before = [listing(dir), listing('.'), listing('slos'), listing('docs')];
    // when
    await run('validate', '--slos', dir, '--no-docs');
    await run('validate');
    await run('validate', '--format', 'json');
    // then
    expect([listing(dir), listing('.'), listing('slos'), listing('docs')]).toEqual(before);
  });
});

describe('node bin/slo.js validate as a process', () => {
  test('exits 0 on the shipped specs and 1, with file:line:col, on a broken directory', () => {
    // when
    const ok = spawnSync(process.execPath, ['bin/slo.js', 'validate'], { encoding: 'utf8' });
    const bad = spawnSync(process.execPath, ['bin/slo.js', 'validate', '--slos', brokenDir(), '--no-docs', '--format', 'github'], {
      encoding: 'utf8',
    });
    // then
    expect([ok.status, ok.stdout, ok.stderr]).toEqual([
      0,
      expect.stringMatching(/^ok: \d+ slos valid; checked targets table docs\/SLOs\.md\n$/),
      '',
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stdout.split('\n')[0]).toBe(
      `::error file=${tmp}/checkout.yaml,line=10,col=16,title=slo schema::slos[0].objective is 100; allowed: a percentage greater than 0 and less than 100`,
    );
  });
});

describe('the targets-table check outside this repository', () => {
  const NEW_TEAM = join(process.cwd(), 'tests/fixtures/slos/new-team');
  const CLI = join(process.cwd(), 'bin/slo.js');

  test('is off, and says so, in a directory without docs/SLOs.md', () => {
    // given a working directory with no docs table, as in another team's repository
    // when
    const r = spawnSync(process.execPath, [CLI, 'validate', '--slos', NEW_TEAM], { cwd: tmp, encoding: 'utf8' });
    // then
    expect([r.status, r.stdout, r.stderr]).toEqual([
      0,
      'ok: 3 slos valid; targets table not checked (no docs/SLOs.md; name one with --docs)\n',
      '',
    ]);
  });

  test('is on, and says so, when the working directory has docs/SLOs.md', async () => {
    // when: this repository's own table
    const r = await run('validate');
    // then
    expect(r.out).toContain('checked targets table docs/SLOs.md');
  });

  test('fails with exit 1 naming the file when --docs names a missing one', () => {
    // when
    const r = spawnSync(process.execPath, [CLI, 'validate', '--slos', NEW_TEAM, '--docs', 'missing.md'], { cwd: tmp, encoding: 'utf8' });
    // then
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('missing.md:1:1: cannot read missing.md: no such file\n1 problem found\n');
  });

  test('rejects --docs with --no-docs as a usage error', async () => {
    const r = await run('validate', '--docs', 'docs/SLOs.md', '--no-docs');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--docs and --no-docs exclude each other');
  });
});
