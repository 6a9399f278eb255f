/**
 * The promtool result cache of the jest run (jest.promtool-cache.js), with a stand-in promtool
 * that counts its runs: a repeated run is replayed (output in order, exit code), any change to a
 * file promtool reads runs it again, and runs it cannot key are never cached.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let tmp: string;
let launcher: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'slo-promtool-cache-'));
  // a stand-in promtool: counts its runs, writes to both streams, fails when a file says FAIL
  const fake = join(tmp, 'fake-promtool');
  writeFileSync(
    fake,
    `#!/bin/sh\necho run >> "${join(tmp, 'runs')}"\necho "out $*"\necho "err $*" >&2\necho "more out"\nif grep -q FAIL "$3" 2>/dev/null; then exit 1; fi\n`,
  );
  chmodSync(fake, 0o755);
  launcher = join(tmp, 'promtool');
  writeFileSync(
    launcher,
    `#!${process.execPath}\nrequire(${JSON.stringify(join(process.cwd(), 'jest.promtool-cache.js'))}).main(${JSON.stringify(fake)});\n`,
  );
  chmodSync(launcher, 0o755);
  writeFileSync(join(tmp, 'a.rules.yaml'), 'groups: []\n');
  writeFileSync(join(tmp, 'a.test.yaml'), 'rule_files: [a.rules.yaml]\ntests: []\n');
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function promtool(...args: string[]) {
  const r = spawnSync(launcher, args, {
    cwd: tmp,
    encoding: 'utf8',
    env: { ...process.env, SLO_PLATFORM_PROMTOOL_CACHE_DIR: join(tmp, 'cache'), SLO_PLATFORM_NO_PROMTOOL_CACHE: '' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const runs = () => readFileSync(join(tmp, 'runs'), 'utf8').split('\n').filter(Boolean).length;

describe('the promtool result cache', () => {
  test('replays a repeated test run, output and exit code, without running promtool', () => {
    // given
    const first = promtool('test', 'rules', 'a.test.yaml');
    // when
    const second = promtool('test', 'rules', 'a.test.yaml');
    // then
    expect(second).toEqual(first);
    expect(first).toEqual({ code: 0, out: 'out test rules a.test.yaml\nmore out\n', err: 'err test rules a.test.yaml\n' });
    expect(runs()).toBe(1);
  });

  test('replays a failed run with its exit code', () => {
    // given
    writeFileSync(join(tmp, 'a.test.yaml'), 'rule_files: [a.rules.yaml]\n# FAIL\n');
    promtool('test', 'rules', 'a.test.yaml');
    // when
    const second = promtool('test', 'rules', 'a.test.yaml');
    // then
    expect(second.code).toBe(1);
    expect(runs()).toBe(1);
  });

  test.each([
    ['the test file', 'a.test.yaml', 'rule_files: [a.rules.yaml]\ntests: [] # changed\n'],
    ['a rule file it lists', 'a.rules.yaml', 'groups: [] # changed\n'],
  ])('runs promtool again when %s changes', (_, file, text) => {
    // given
    promtool('test', 'rules', 'a.test.yaml');
    // when
    writeFileSync(join(tmp, file), text);
    promtool('test', 'rules', 'a.test.yaml');
    // then
    expect(runs()).toBe(2);
  });

  test.each([
    ['check config', ['check', 'config', 'prometheus.yml']],
    ['a run with a flag', ['test', 'rules', '--junit=x.xml', 'a.test.yaml']],
    ['a test file whose rule files are a glob', ['test', 'rules', 'glob.test.yaml']],
  ])('never caches %s', (_, args) => {
    // given
    writeFileSync(join(tmp, 'prometheus.yml'), 'global: {}\n');
    writeFileSync(join(tmp, 'glob.test.yaml'), 'rule_files: ["*.rules.yaml"]\n');
    // when
    promtool(...args);
    promtool(...args);
    // then
    expect(runs()).toBe(2);
  });
});

describe('the promtool result cache with stdout and stderr in one file', () => {
  test('keeps the order promtool wrote its two streams in, also when replayed', () => {
    // given: both streams into one log, as the peers harness runs promtool
    const log = join(tmp, 'log');
    const run = () => {
      spawnSync('sh', ['-c', `"${launcher}" test rules a.test.yaml > "${log}" 2>&1`], {
        cwd: tmp,
        env: { ...process.env, SLO_PLATFORM_PROMTOOL_CACHE_DIR: join(tmp, 'cache'), SLO_PLATFORM_NO_PROMTOOL_CACHE: '' },
      });
      return readFileSync(log, 'utf8');
    };
    const expected = 'out test rules a.test.yaml\nerr test rules a.test.yaml\nmore out\n';
    // when
    const first = run();
    const second = run();
    // then
    expect([first, second]).toEqual([expected, expected]);
    expect(runs()).toBe(1);
  });
});
