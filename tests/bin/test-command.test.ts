/**
 * The `slo test` CLI contract: promtool check rules and test rules on the generated files; exit 0
 * when all pass, 1 when one fails or promtool is missing (with the install hint, never a skip),
 * 2 on a usage error. A one-SLO spec keeps the promtool runs short.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPromtool } from '../../bin/promtool';
import { METRICS_CONTRACT_PATH } from '../../layers/layer';
import { runCli as run } from './run-cli';

/**
 * The example environment with its platform SLOs pointed at the one SLO, so the symptom alerts
 * (and the dashboards) have their inputs.
 */
const ENV = readFileSync('environments/example.yaml', 'utf8').replace(
  /^platformSlos:\n(  .*\n)+/m,
  'platformSlos:\n  lightLatency: checkout/latency\n  webhookLatency: checkout/latency\n  errorRate: checkout/latency\n  availability: checkout/latency\n',
);

/** A one-SLO spec: a 99.5 %/28 d latency SLO with page and ticket alerts. */
const SPEC = `apiVersion: slo-platform/v1
kind: ServiceLevelObjectives
service: checkout
owner: payments
slos:
  - name: latency
    description: 99.5 % of checkout requests complete within 250 ms.
    objective: 99.5
    window: 28d
    sli:
      latency:
        histogram: http_request_duration_seconds
        selector: job="checkout"
        thresholdSeconds: 0.25
        buckets: [0.05, 0.1, 0.25, 0.5, 1]
    alerting:
      runbookUrl: https://runbooks.example.org/checkout#latency
`;

let tmp: string;
let slos: string;
let envFile: string;
let out: string;
let generated: { code: number; out: string; err: string };
const savedEnv = { PROMTOOL: process.env.PROMTOOL, AMTOOL: process.env.AMTOOL, PATH: process.env.PATH };

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'slo-test-cmd-'));
  slos = join(tmp, 'slos');
  out = join(tmp, 'out');
  mkdirSync(slos);
  writeFileSync(join(slos, 'checkout.yaml'), SPEC);
  envFile = join(tmp, 'checkout-env.yaml');
  writeFileSync(envFile, ENV);
  generated = await run('generate', '--slos', slos, '--env', envFile, '--out', out);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

afterEach(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('slo test', () => {
  test('passes on freshly generated files, one promtool run per file', async () => {
    // given
    expect(generated.code).toBe(0);
    // when
    const r = await run('test', '--out', out);
    // then
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('promtool check rules checkout.rules.yaml: ok');
    expect(r.out).toContain('promtool test rules checkout.test.yaml: ok');
    expect(r.out).toContain('promtool check config prometheus.yml: ok');
    expect(r.out).toContain('3 of 3 promtool runs passed');
    // with --env, the Alertmanager config check and one route per alert of the rule file
    expect(r.out).toMatch(/slo test: (\d+) of \1 amtool checks passed/);
  });

  test('fails with exit 1 and the promtool output when a generated rule is broken', async () => {
    // given: the tampered copy of a generated rule file (the 5m short window recorded over 50m)
    const broken = join(tmp, 'broken');
    mkdirSync(join(broken, 'prometheus'), { recursive: true });
    for (const f of ['checkout.rules.yaml', 'checkout.test.yaml']) {
      const text = readFileSync(join(out, 'prometheus', f), 'utf8');
      writeFileSync(join(broken, 'prometheus', f), f.endsWith('.rules.yaml') ? text.replaceAll('[5m]', '[50m]') : text);
    }
    copyFileSync(join(out, METRICS_CONTRACT_PATH), join(broken, METRICS_CONTRACT_PATH));
    // when
    const r = await run('test', '--out', broken);
    // then
    expect(r.code).toBe(1);
    expect(r.err).toContain('promtool test rules checkout.test.yaml: failed');
    expect(r.err).toMatch(/FAILED/);
  });

  test('fails with exit 1 and the install hint when promtool is missing', async () => {
    // given: no PROMTOOL and a PATH without promtool
    delete process.env.PROMTOOL;
    process.env.PATH = tmp;
    // when
    const r = await run('test', '--out', out);
    // then
    expect(r.code).toBe(1);
    expect(r.err).toContain('promtool not found');
    expect(r.err).toContain('apt-get install prometheus');
  });

  test('fails with exit 1 and the install hint when amtool is missing and there is an Alertmanager config', async () => {
    // given: promtool found, a PATH without amtool
    process.env.PROMTOOL = findPromtool();
    delete process.env.AMTOOL;
    process.env.PATH = tmp;
    // when
    const r = await run('test', '--out', out);
    // then
    expect(r.code).toBe(1);
    expect(r.err).toContain('amtool not found');
    expect(r.err).toContain('apt-get install prometheus-alertmanager');
    expect(r.out).toBe('');
  });

  test('fails with exit 1 when PROMTOOL names a file that is not executable', async () => {
    process.env.PROMTOOL = join(tmp, 'no-such-promtool');
    const r = await run('test', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toContain('set PROMTOOL to its path');
  });

  test('fails with exit 1 when the output directory holds no rule files', async () => {
    const r = await run('test', '--out', join(tmp, 'empty'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('run "slo generate --out');
  });

  test('rejects --slos together with --out as a usage error', async () => {
    const r = await run('test', '--out', out, '--slos', slos);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--slos and --env only apply without --out');
  });

  test('generates into a temporary directory first when --out is not given', async () => {
    const r = await run('test', '--slos', slos, '--env', envFile);
    expect(r.code).toBe(0);
    expect(r.out).toContain('3 of 3 promtool runs passed');
    // and, with an environment, the three alert paths were compared first
    expect(r.out).toContain(
      'slo test: alert paths: rule files, Grafana-managed rules and Cloud Monitoring PromQL policies agree on every SLO',
    );
  });
});
