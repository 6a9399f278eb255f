/**
 * `slo explain --env`: the alerts of the environment's platform layer (the symptom alerts), timed by
 * the functions its rules and promtool scenarios use (layers/platform/symptom-timing.ts), in text
 * and JSON, without an SLO (every layer alert) and with one (the layer alerts that read it).
 * The shipped specs and environments/example.yaml; expected numbers are hand-worked from them.
 */
import { isAlertingRule } from '../../alerts/prometheus/rules';
import type { Explanation, LayerExplanation } from '../../bin/commands/explain';
import { symptomGroup } from '../../layers/platform/symptoms';
import { loadCatalog } from '../../slos/load';
import type { SloCatalog } from '../../slos/model';
import { exampleSymptoms } from '../layers/platform/example';
import { runCli as run } from './run-cli';

const catalog = loadCatalog({ slosDir: 'slos' }).catalog as SloCatalog;

async function explainJson<T>(...args: string[]): Promise<T> {
  const { code, out, err } = await run('explain', ...args, '--json');
  expect({ code, err }).toEqual({ code: 0, err: '' });
  return JSON.parse(out) as T;
}

describe('slo explain --env', () => {
  test('explains every symptom alert of the platform layer, in rule order', async () => {
    // when
    const e = await explainJson<LayerExplanation>('--env', 'example');
    // then: one entry per symptom rule, told apart by its reason label
    const rules = symptomGroup(exampleSymptoms(catalog)).rules.filter(isAlertingRule);
    expect(e.environment).toBe('example');
    expect(e.layerAlerts.map((l) => l.layer)).toEqual(['platform']);
    expect(e.layerAlerts[0]!.alerts.map((a) => [a.alert, a.labels.reason])).toEqual(rules.map((r) => [r.alert, r.labels.reason]));
    expect(e.assumptions).toEqual({
      backgroundBurnRate: 0.1,
      backgroundErrorRatio: null,
      outageSeconds: 3600,
      defaults: { background: true, outage: true },
    });
  });

  test.each([
    // alert, reason, window, hold, detection, reset after 1 h, echo bound: hand-worked from the example
    // fast symptoms: 2 m window (two 1 m scrapes), 5 m hold; detection = threshold × 120 s + 300 s,
    // reset = (1 − threshold) × 120 s, echo = the reset (shorter than the detection)
    ['ApiHighErrorRate', undefined, 120, 300, 301.2, 118.8, 118.8], // 99 %: threshold 0.01
    ['ApiLatencyHigh', 'light-endpoint-latency', 120, 300, 301.2, 118.8, 118.8], // 99 %
    ['ApiLatencyHigh', 'webhook-execution-latency', 120, 300, 306, 114, 114], // 95 %: threshold 0.05
    ['ApiRateLimited', undefined, 120, 300, 306, 114, 114], // rateLimitedShare 0.05
    // availability: two failed 5 m probe rounds of a 30 m window page; one round left clears it
    ['ApiAvailabilityLow', undefined, 1800, 0, 600, 1500, 0],
    // gauges held 5 m, clear at once; events fire at once, clear when they leave their window
    ['RedisUnavailableOrExhausted', undefined, null, 300, 300, 0, 0],
    ['PostgresUnavailableOrLagging', undefined, null, 300, 300, 0, 0],
    ['ApiInstancesRestarting', undefined, 600, 0, 0, 600, 0],
    ['SigningKeyRotationFailed', 'revoked-key-in-use', 300, 0, 0, 300, 0],
    ['SigningKeyRotationFailed', 'rotation-incomplete', null, 0, 1800, 0, 0],
  ] as const)('%s %s: window %s s, hold %s s, fires after %s s, resolves %s s after, echo bound %s s', async (...row) => {
    const [alert, reason, window, hold, detection, reset, echo] = row;
    // when: after and before the fault, no background errors
    const e = await explainJson<LayerExplanation>('--env', 'example', '--background', '0x');
    // then
    const t = e.layerAlerts[0]!.alerts.find((a) => a.alert === alert && a.labels.reason === reason)!;
    expect([t.windowSeconds, t.forSeconds, t.detection.healthySeconds, t.reset.afterOutageSeconds, t.echoSeconds]).toEqual([
      window,
      hold,
      detection,
      reset,
      echo,
    ]);
    expect(t.kind).toBe('symptom');
    expect(t.evaluationIntervalSeconds).toBe(60);
  });

  test('a background as a ratio of events applies to every SLO-based symptom alike, and a short fault fires nothing', async () => {
    // when: 0.2 % of events failing before and after a 4-minute fault
    const e = await explainJson<LayerExplanation>('--env', 'example', '--background', '0.2%', '--outage', '4m');
    // then: the error-rate window holds once (0.01 − 0.002) / (1 − 0.002) of it is fault
    const errorRate = e.layerAlerts[0]!.alerts.find((a) => a.alert === 'ApiHighErrorRate')!;
    expect(e.assumptions).toMatchObject({ backgroundBurnRate: null, backgroundErrorRatio: 0.002, outageSeconds: 240 });
    expect(errorRate.detection.atBackgroundSeconds).toBeCloseTo(((0.01 - 0.002) / (1 - 0.002)) * 120 + 300, 3);
    // and a 4-minute fault is shorter than the 5-minute hold: nothing to resolve
    expect(errorRate.reset.afterOutageSeconds).toBeNull();
  });

  test('with an SLO, adds the layer alerts that read it', async () => {
    // when
    const e = await explainJson<Explanation>('api/webhook-execution-latency', '--env', 'example');
    // then: the SLO's own explanation, then the latency symptom of that SLO only
    expect(e.id).toBe('api/webhook-execution-latency');
    expect(e.alertRules.length).toBeGreaterThan(0);
    expect(e.layerAlerts!.map((l) => l.alerts.map((a) => [a.alert, a.labels.reason]))).toEqual([
      [['ApiLatencyHigh', 'webhook-execution-latency']],
    ]);
  });

  test('without --env, the SLO explanation has no layer alerts', async () => {
    const e = await explainJson<Explanation>('api/error-rate');
    expect(e.layerAlerts).toBeUndefined();
  });

  test('the text output gives each symptom its detection, reset and echo bound', async () => {
    // when
    const { code, out } = await run('explain', '--env', 'example');
    // then
    expect(code).toBe(0);
    expect(out).toContain(
      [
        'alerts of the platform layer, evaluating every 1m (a server sees each change at the next scrape and fires or resolves within one evaluation after each time below):',
        "  background: 0.1× each slo's error budget (default); fault: 1h (default)",
      ].join('\n'),
    );
    expect(out).toContain(
      [
        'symptom: ApiHighErrorRate (severity critical, for 5m)',
        '  the fault here is every request failing with a 5xx; it reads the last 2m',
        // at the default background of 0.1 × 0.01: (0.01 − 0.001) / 0.999 of the 2 m window is fault
        '  fires 301.2s (5m 1s) into a full outage after a healthy history; 301.081s (5m 1s) after one at the background',
        '  resolves 118.919s (1m 59s) after a 1h outage ends',
        '  echo bound: it reads the last 2m under a 5m hold, so it may still start firing up to 118.8s (1m 59s) after a fault ends (more than one evaluation: its description says so)',
      ].join('\n'),
    );
    expect(out).toContain(
      [
        'symptom: RedisUnavailableOrExhausted (severity critical, for 5m)',
        '  the fault here is no instance of a region reaching Redis (or a pool in full use), seen at the next scrape (every 1m)',
        '  fires 5m into a full outage after a healthy history; 5m after one at the background',
        '  resolves 0s after a 1h outage ends',
        '  echo bound: none, it reads its newest samples and fires only while they show the fault',
      ].join('\n'),
    );
  });

  test('fails as a usage error without NAME and without --env', async () => {
    const { code, err } = await run('explain');
    expect(code).toBe(2);
    expect(err).toContain('NAME is required: an SLO as service/name or a unique bare name');
  });

  test('fails naming the environment when it does not exist', async () => {
    const { code, err } = await run('explain', '--env', 'nosuch');
    expect(code).toBe(1);
    expect(err).toMatch(/nosuch/);
  });
});
