/**
 * The promtool result cache of the jest run (jest.promtool-cache.js), with a stand-in promtool
 * that counts its runs: a repeated run is replayed (output in order, exit code), any change to a
 * file promtool reads runs it again, and runs it cannot key are never cached. The same for the
 * verdicts recorded in the repository, which a clone replays without its local cache, and which
 * another promtool version misses.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let tmp: string;
let launcher: string;
/** A launcher of the stand-in promtool that says it is `version`, as jest.global-setup.js writes one. */
function launcherOf(version: string | undefined): string {
  const path = join(tmp, `promtool-${version ?? 'none'}`.replace(/\W+/g, '-'));
  const args = [JSON.stringify(join(tmp, 'fake-promtool')), ...(version === undefined ? [] : [JSON.stringify(version)])];
  writeFileSync(
    path,
    `#!${process.execPath}\nrequire(${JSON.stringify(join(process.cwd(), 'jest.promtool-cache.js'))}).main(${args.join(', ')});\n`,
  );
  chmodSync(path, 0o755);
  return path;
}
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
  // the rule files as a block list, as generated: a launcher that reads it needs no YAML parser
  writeFileSync(join(tmp, 'a.test.yaml'), 'rule_files:\n- a.rules.yaml\ntests: []\n');
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** Where the tests keep the local cache and the recorded verdicts, never the repository's. */
const cacheEnv = () => ({
  SLO_PLATFORM_PROMTOOL_CACHE_DIR: join(tmp, 'cache'),
  SLO_PLATFORM_PROMTOOL_VERDICTS_DIR: join(tmp, 'verdicts'),
  SLO_PLATFORM_NO_PROMTOOL_CACHE: '',
  SLO_PLATFORM_PROMTOOL_RECORD: '',
});
function promtoolWith(bin: string, env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(bin, args, { cwd: tmp, encoding: 'utf8', env: { ...process.env, ...cacheEnv(), ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function promtool(...args: string[]) {
  return promtoolWith(launcher, {}, ...args);
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
    writeFileSync(join(tmp, 'a.test.yaml'), 'rule_files:\n- a.rules.yaml\ntests: [] # FAIL\n');
    promtool('test', 'rules', 'a.test.yaml');
    // when
    const second = promtool('test', 'rules', 'a.test.yaml');
    // then
    expect(second.code).toBe(1);
    expect(runs()).toBe(1);
  });

  test.each([
    ['the test file', 'a.test.yaml', 'rule_files:\n- a.rules.yaml\ntests: [] # changed\n'],
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
    ['a block list, as generated', '# generated\nrule_files:\n- a.rules.yaml\n- b.rules.yaml\ntests: []\n'],
    ['a block list that ends the file', 'tests: []\nrule_files:\n- a.rules.yaml\n- b.rules.yaml\n'],
    ['a block list with a quoted name', 'rule_files:\n- a.rules.yaml\n- "b.rules.yaml"\ntests: []\n'],
    ['a block list with a comment', 'rule_files:\n- a.rules.yaml # first\n- b.rules.yaml\ntests: []\n'],
    ['a block list with a comment line', 'rule_files:\n- a.rules.yaml\n# then\n- b.rules.yaml\ntests: []\n'],
    ['a flow list', 'rule_files: [a.rules.yaml, b.rules.yaml]\ntests: []\n'],
  ])('runs promtool again when the second rule file of %s changes', (_, testFile) => {
    // given a test file listing two rule files
    writeFileSync(join(tmp, 'b.rules.yaml'), 'groups: []\n');
    writeFileSync(join(tmp, 'two.test.yaml'), testFile);
    promtool('test', 'rules', 'two.test.yaml');
    // when the second one changes
    writeFileSync(join(tmp, 'b.rules.yaml'), 'groups: [] # changed\n');
    promtool('test', 'rules', 'two.test.yaml');
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
        env: { ...process.env, ...cacheEnv() },
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

describe('the recorded promtool verdicts', () => {
  const VERSION = 'promtool, version 2.42.0';
  /** Records the verdict of `promtool test rules a.test.yaml`, then empties the local cache, as in a fresh clone. */
  function recorded() {
    const first = promtoolWith(launcherOf(VERSION), { SLO_PLATFORM_PROMTOOL_RECORD: '1' }, 'test', 'rules', 'a.test.yaml');
    rmSync(join(tmp, 'cache'), { recursive: true, force: true });
    return first;
  }

  test('replays a recorded verdict in a clone with no local cache, without running promtool', () => {
    // given
    const first = recorded();
    // when
    const replayed = promtoolWith(launcherOf(VERSION), {}, 'test', 'rules', 'a.test.yaml');
    // then
    expect(replayed).toEqual(first);
    expect(runs()).toBe(1);
  });

  test('runs promtool whenever recording, even with a verdict recorded', () => {
    // given
    recorded();
    // when
    promtoolWith(launcherOf(VERSION), { SLO_PLATFORM_PROMTOOL_RECORD: '1' }, 'test', 'rules', 'a.test.yaml');
    // then
    expect(runs()).toBe(2);
  });

  test.each([
    ['the test file', 'a.test.yaml', 'rule_files:\n- a.rules.yaml\ntests: [] # FAIL\n'],
    ['a rule file it lists', 'a.rules.yaml', 'groups: [] # changed\n'],
  ])('misses the recorded verdict and runs promtool when %s changes', (_, file, text) => {
    // given
    recorded();
    // when
    writeFileSync(join(tmp, file), text);
    const after = promtoolWith(launcherOf(VERSION), {}, 'test', 'rules', 'a.test.yaml');
    // then
    expect(runs()).toBe(2);
    expect(after.code).toBe(file === 'a.test.yaml' ? 1 : 0);
  });

  test.each([
    ['another promtool version', 'promtool, version 3.0.0'],
    ['a launcher that passes no version', undefined],
  ])('misses the recorded verdict with %s', (_, version) => {
    // given
    recorded();
    // when
    promtoolWith(launcherOf(version), {}, 'test', 'rules', 'a.test.yaml');
    // then
    expect(runs()).toBe(2);
  });

  test('records no verdict of a run that reads a file by absolute path', () => {
    // given: a test file that names its rule file by absolute path, which another clone would not have
    writeFileSync(join(tmp, 'a.test.yaml'), `rule_files: [${JSON.stringify(join(tmp, 'a.rules.yaml'))}]\ntests: []\n`);
    // when
    recorded();
    promtoolWith(launcherOf(VERSION), {}, 'test', 'rules', 'a.test.yaml');
    // then
    expect(runs()).toBe(2);
  });
});
