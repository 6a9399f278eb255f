/**
 * The `slo generate` CLI contract: every artifact written as one unit, nothing written for invalid
 * input (exit 1), usage errors exit 2.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli as run } from './run-cli';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'slo-generate-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('slo generate', () => {
  test('writes the rules, promtool tests and dashboards of every service, replacing what was there', async () => {
    // given an output directory holding a stale file
    const out = join(tmp, 'out');
    mkdirSync(join(out, 'prometheus'), { recursive: true });
    writeFileSync(join(out, 'prometheus', 'stale.rules.yaml'), 'groups: []\n');
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
    expect(readdirSync(tmp).filter((n) => n.includes('.tmp-') || n.includes('.old-'))).toEqual([]);
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
    const result = await run('generate', '--slos', slos, '--out', out);
    // then
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/api\.yaml:\d+:\d+: .*objective is 100/);
    expect(readdirSync(out)).toEqual(['marker']);
  });

  test('fails with exit 1 naming the environment field when a platform slo is not in the catalog', async () => {
    // given the shipped specs without the api service, so the example's platform slos are missing
    const slos = join(tmp, 'no-api');
    mkdirSync(slos);
    for (const f of ['auth.yaml', 'reports.yaml']) writeFileSync(join(slos, f), readFileSync(join('slos', f), 'utf8'));
    const out = join(tmp, 'never');
    // when
    const result = await run('generate', '--slos', slos, '--out', out);
    // then
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /environments\/example\.yaml:\d+:\d+: platformSlos\.lightLatency names slo "api\/light-endpoint-latency", which is not in the catalog; allowed: one of auth\/bulk-revoke/,
    );
    expect(existsSync(out)).toBe(false);
  });

  test('rejects a call without --out as a usage error', async () => {
    const result = await run('generate');
    expect(result.code).toBe(2);
    expect(result.err).toContain('--out DIR is required');
  });
});
