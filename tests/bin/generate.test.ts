/**
 * The `slo generate` CLI contract: every artifact written as one unit, nothing written for invalid
 * input (exit 1), usage errors and refused output directories exit 2. The output policy itself is
 * tested in generated-output.test.ts, crashes and concurrent runs in generate-crash.test.ts.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli as run } from './run-cli';
import { METRICS_CONTRACT_PATH } from '../../layers/layer';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'slo-generate-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('slo generate', () => {
  test('writes the rules, promtool tests and dashboards of every service, and a manifest listing exactly them', async () => {
    // given
    const out = join(tmp, 'out');
    // when
    const result = await run('generate', '--out', out);
    // then
    expect(result.code).toBe(0);
    const prometheus = readdirSync(join(out, 'prometheus')).sort();
    expect(prometheus).toEqual(
      ['api', 'auth', 'logging', 'notifications', 'reports'].flatMap((s) => [`${s}.rules.yaml`, `${s}.test.yaml`]),
    );
    const dashboards = readdirSync(join(out, 'grafana'));
    expect(dashboards.length).toBe(6); // one golden-signals dashboard per service and the SLO dashboard
    for (const d of dashboards) expect(JSON.parse(readFileSync(join(out, 'grafana', d), 'utf8')).uid).toBe(d.replace(/\.json$/, ''));
    const manifest = JSON.parse(readFileSync(join(out, '.slo-manifest.json'), 'utf8'));
    expect(Object.keys(manifest.files)).toEqual(
      [...dashboards.map((d) => `grafana/${d}`), METRICS_CONTRACT_PATH, ...prometheus.map((p) => `prometheus/${p}`)].sort(),
    );
    expect(result.out).toBe(`wrote ${Object.keys(manifest.files).length} files to ${out}\n`);
    expect(readdirSync(out).sort()).toEqual(['.slo-manifest.json', 'grafana', METRICS_CONTRACT_PATH, 'prometheus']);
    expect(readdirSync(tmp).filter((n) => n.includes('.tmp-') || n.includes('.old-'))).toEqual([]);
  });

  test('keeps files it did not write when it generates again, and removes only its own stale ones', async () => {
    // given a previous output with someone else's files in it, and a stale generated file
    const out = join(tmp, 'regenerated');
    expect((await run('generate', '--out', out)).code).toBe(0);
    writeFileSync(join(out, 'notes.md'), 'mine\n');
    writeFileSync(join(out, 'prometheus', 'custom.rules.yaml'), 'groups: []\n');
    const slos = join(tmp, 'fewer-slos');
    mkdirSync(slos);
    for (const f of ['api.yaml', 'auth.yaml']) writeFileSync(join(slos, f), readFileSync(join('slos', f), 'utf8'));
    // when
    const result = await run('generate', '--slos', slos, '--out', out);
    // then
    expect(result.code).toBe(0);
    expect(readFileSync(join(out, 'notes.md'), 'utf8')).toBe('mine\n');
    expect(readdirSync(join(out, 'prometheus')).sort()).toEqual([
      'api.rules.yaml',
      'api.test.yaml',
      'auth.rules.yaml',
      'auth.test.yaml',
      'custom.rules.yaml',
    ]);
    expect(result.out).toMatch(/^wrote \d+ files to .*; removed \d+ it wrote before and no longer generates\n$/);
  });

  test.each([
    ['the repository root', () => ['--out', '.'], 'the root of a git repository'],
    ['a folder holding the repository', () => ['--out', '..'], 'a folder holding the git repository'],
    ['the spec directory', () => ['--out', 'slos'], 'the spec directory'],
    ['a folder inside the spec directory', () => ['--out', 'slos/generated'], 'a folder inside the spec directory'],
    [
      'a folder holding the spec directory',
      () => ['--slos', join(tmp, 'team', 'slos'), '--out', join(tmp, 'team')],
      'a folder holding the spec directory',
    ],
    ['a non-empty directory it did not create', () => ['--out', 'docs'], 'a non-empty directory that slo generate did not create'],
    ['the repository root even with --adopt', () => ['--out', '.', '--adopt'], 'the root of a git repository'],
    [
      'a folder below a file',
      () => (writeFileSync(join(tmp, 'a-file'), 'kept\n'), ['--out', join(tmp, 'a-file', 'out')]),
      'a path below /\\S+/a-file, which is not a directory; name a directory',
    ],
    [
      'a symbolic link to nothing',
      () => (
        rmSync(join(tmp, 'dangling'), { force: true }),
        symlinkSync(join(tmp, 'nowhere'), join(tmp, 'dangling')),
        ['--out', join(tmp, 'dangling')]
      ),
      'a path through the symbolic link /\\S+/dangling, whose target does not exist; name a directory',
    ],
  ])('rejects %s with exit 2 and one line, deleting nothing', async (_name, args, why) => {
    // given
    mkdirSync(join(tmp, 'team', 'slos'), { recursive: true });
    writeFileSync(join(tmp, 'team', 'slos', 'api.yaml'), readFileSync('slos/api.yaml', 'utf8'));
    const before = [readdirSync('.').sort(), readdirSync('docs').sort(), readdirSync(join(tmp, 'team')).sort()];
    // when
    const result = await run('generate', ...args());
    // then
    expect(result.code).toBe(2);
    expect(result.err).toMatch(new RegExp(`^slo generate: --out \\S+: refusing to write into ${why}[^\n]*\n$`));
    expect([readdirSync('.').sort(), readdirSync('docs').sort(), readdirSync(join(tmp, 'team')).sort()]).toEqual(before);
  });

  test('writes into a non-empty directory it did not create with --adopt, keeping what was there', async () => {
    // given
    const out = join(tmp, 'adopted');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.md'), 'mine\n');
    // when
    const refused = await run('generate', '--out', out);
    const adopted = await run('generate', '--out', out, '--adopt');
    // then
    expect(refused.code).toBe(2);
    expect(adopted.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['.slo-manifest.json', 'grafana', METRICS_CONTRACT_PATH, 'notes.md', 'prometheus']);
  });

  test('documents --adopt and what it keeps in --help', async () => {
    const result = await run('generate', '--help');
    expect(result.code).toBe(0);
    expect(result.out).toContain('--adopt');
    expect(result.out).toContain('.slo-manifest.json');
  });

  test('fails with exit 1 and writes nothing when a spec is invalid', async () => {
    // given a copy of the specs with one objective out of range, and an existing output
    const slos = join(tmp, 'bad-slos');
    mkdirSync(slos);
    writeFileSync(join(slos, 'api.yaml'), readFileSync('slos/api.yaml', 'utf8').replace('objective: 99.9', 'objective: 100'));
    const out = join(tmp, 'kept');
    mkdirSync(out);
    writeFileSync(join(out, 'marker'), 'old');
    // when
    const result = await run('generate', '--slos', slos, '--out', out, '--adopt');
    // then
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/api\.yaml:\d+:\d+: .*objective is 100/);
    expect(readdirSync(out)).toEqual(['marker']);
  });

  test('fails with exit 1 naming the environment field when --env names platform slos that are not in the catalog', async () => {
    // given the shipped specs without the api service, so the example's platform slos are missing
    const slos = join(tmp, 'no-api');
    mkdirSync(slos);
    for (const f of ['auth.yaml', 'reports.yaml']) writeFileSync(join(slos, f), readFileSync(join('slos', f), 'utf8'));
    const out = join(tmp, 'never');
    // when
    const result = await run('generate', '--slos', slos, '--env', 'example', '--out', out);
    // then
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /environments\/example\.yaml:\d+:\d+: platformSlos\.lightLatency names slo "api\/light-endpoint-latency", which is not in the catalog; allowed: one of auth\/bulk-revoke/,
    );
    expect(existsSync(out)).toBe(false);
  });

  test('generates the same specs without --env: no environment, no platform layer', async () => {
    // given the shipped specs without the api service
    const slos = join(tmp, 'no-api-no-env');
    mkdirSync(slos);
    for (const f of ['auth.yaml', 'reports.yaml']) writeFileSync(join(slos, f), readFileSync(join('slos', f), 'utf8'));
    const out = join(tmp, 'no-api-out');
    // when
    const result = await run('generate', '--slos', slos, '--out', out);
    // then
    expect([result.code, result.err]).toEqual([0, '']);
    expect(readdirSync(join(out, 'prometheus')).sort()).toEqual([
      'auth.rules.yaml',
      'auth.test.yaml',
      'reports.rules.yaml',
      'reports.test.yaml',
    ]);
  });

  test.each([
    ['--grafana-url', 'grafana.internal'],
    ['--runbook-base-url', 'ftp://runbooks.example.org'],
  ])('rejects %s %s (not an http or https url) as a usage error', async (flag, value) => {
    const result = await run('generate', flag, value, '--out', join(tmp, 'never-written'));
    expect(result.code).toBe(2);
    expect(result.err).toContain(`${flag} must be an http or https url; got "${value}"`);
    expect(existsSync(join(tmp, 'never-written'))).toBe(false);
  });

  test.each([
    [
      '--grafana-url',
      'https://admin:hunter2@grafana.example.org',
      'holds a user name or password',
      'https://<13 characters hidden>@grafana.example.org',
    ],
    [
      '--grafana-url',
      'ftp://admin:hunter2@grafana.example.org',
      'must be an http or https url',
      'ftp://<13 characters hidden>@grafana.example.org',
    ],
    [
      '--runbook-base-url',
      'https://wiki.example.org/{{ with query "up" }}',
      'must not contain {{ or }}',
      'https://wiki.example.org/{{ with query "up" }}',
    ],
  ])('rejects %s %s as a usage error, as an environment file would, never showing credentials', async (flag, value, why, shown) => {
    // when
    const result = await run('generate', flag, value, '--out', join(tmp, 'never-written'));
    // then one line, naming the flag and the reason, the value with its credentials hidden
    expect(result.code).toBe(2);
    expect(result.err.split('\n')).toEqual([expect.stringMatching(/^slo generate: --[a-z-]+ /), '']);
    expect(result.err.startsWith(`slo generate: ${flag} ${why}`)).toBe(true);
    expect(result.err.endsWith(`; got ${JSON.stringify(shown)}\n`)).toBe(true);
    expect(result.err).not.toContain('hunter2');
    expect(existsSync(join(tmp, 'never-written'))).toBe(false);
  });

  test('rejects a call without --out as a usage error', async () => {
    const result = await run('generate');
    expect(result.code).toBe(2);
    expect(result.err).toContain('--out DIR is required');
  });
});
