/**
 * The per-shape memo of the SLO scenarios: an SLO's scenario numerics (input values, evaluation
 * times, which alerts fire and their values) are computed once per shape and shared by every SLO
 * of that shape, each with its own series, names and labels. SLOs that differ in anything the
 * numerics read must never share an entry.
 */
import { NO_LINKS } from '../../../alerts/prometheus/policy';
import { scenarioShape, sloScenarioCases, type SloCase } from '../../../alerts/prometheus/unit-tests';
import { buildCatalog } from '../../../slos/catalog';
import { evaluationIntervalSeconds, type Slo } from '../../../slos/model';

/** What a variant spec changes; every SLO is otherwise the same 99.9 %, 30 d ratio SLO. */
interface Spec {
  readonly service?: string;
  readonly name?: string;
  readonly owner?: string;
  readonly job?: string;
  readonly objective?: number;
  readonly window?: string;
  readonly evaluationInterval?: string;
  /** The lines under `sli:`, `$JOB` standing for the job. */
  readonly sli?: readonly string[];
  /** Lines under `alerting:` after the runbook URL. */
  readonly alerting?: readonly string[];
}

const RATIO = [
  '      ratio:',
  '        errorQuery: sum(rate(http_requests_total{job="$JOB", code=~"5.."}[{{.window}}]))',
  '        totalQuery: sum(rate(http_requests_total{job="$JOB"}[{{.window}}]))',
];

/** A latency SLI on `selector` (`$JOB` standing for the job). */
function latency(selector: string): string[] {
  return [
    '      latency:',
    '        histogram: http_request_duration_seconds',
    `        selector: ${selector}`,
    '        thresholdSeconds: 0.25',
    '        buckets: [0.1, 0.25, 0.5]',
  ];
}

/** The one SLO of a spec file built from `s`. */
function sloOf(s: Spec = {}): Slo {
  const job = s.job ?? 'api';
  const text = [
    'apiVersion: slo-platform/v1',
    'kind: ServiceLevelObjectives',
    `service: ${s.service ?? 'api'}`,
    `owner: ${s.owner ?? 'platform'}`,
    ...(s.evaluationInterval ? [`evaluationInterval: ${s.evaluationInterval}`] : []),
    'slos:',
    `  - name: ${s.name ?? 'errors'}`,
    '    description: Requests succeed.',
    `    objective: ${s.objective ?? 99.9}`,
    `    window: ${s.window ?? '30d'}`,
    '    sli:',
    ...(s.sli ?? RATIO).map((l) => l.replaceAll('$JOB', job)),
    '    alerting:',
    `      runbookUrl: https://runbooks.example.org/${job}`,
    ...(s.alerting ?? []),
  ].join('\n');
  const { catalog, problems } = buildCatalog([{ file: 'shape.yaml', text }]);
  if (!catalog) throw new Error(problems.map((p) => p.message).join('; '));
  return catalog.slos[0]!;
}

/** The SLO's scenario cases with no links, at its own evaluation interval. */
function casesOf(slo: Slo): readonly (readonly SloCase[])[] {
  return sloScenarioCases(slo, NO_LINKS, evaluationIntervalSeconds(slo));
}

/** The same, from a fresh copy of the module: nothing memoized before. */
function coldCasesOf(slo: Slo): readonly (readonly SloCase[])[] {
  let fresh: typeof import('../../../alerts/prometheus/unit-tests') | undefined;
  jest.isolateModules(() => {
    // a module registry of its own (jest runs CommonJS; a dynamic import would need vm modules)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    fresh = require('../../../alerts/prometheus/unit-tests') as typeof import('../../../alerts/prometheus/unit-tests');
  });
  return fresh!.sloScenarioCases(slo, NO_LINKS, evaluationIntervalSeconds(slo));
}

/**
 * The numerics of an SLO's cases: scenario names, intervals, input values, evaluation times and
 * the expected alerts' annotations with the SLO's `service/name` written `<slo>`.
 */
function numerics(slo: Slo, kinds: readonly (readonly SloCase[])[]) {
  return kinds.map((cases) =>
    cases.map(({ scenario, case: c }) => ({
      scenario,
      intervalSeconds: c.intervalSeconds,
      values: c.inputs.map((i) => i.values),
      asserts: c.asserts.map((a) => ({
        atSeconds: a.atSeconds,
        alerts: a.alerts.map((e) => [e.exp_annotations.summary, e.exp_annotations.description].map((t) => t?.replaceAll(slo.id, '<slo>'))),
      })),
    })),
  );
}

describe('scenario shapes', () => {
  test('the shape key is the JSON of every other field of the shape', () => {
    // when
    const { key, ...fields } = scenarioShape(sloOf(), NO_LINKS, 60);
    // then: a field added to the shape is part of the key
    expect(JSON.parse(key)).toEqual(fields);
  });

  const base: Spec = {};
  test.each<[string, Spec]>([
    ['only in objective', { objective: 99.5 }],
    ['only in window', { window: '7d' }],
    ['only in evaluation interval', { evaluationInterval: '30s' }],
    ['only in having no page alert', { alerting: ['      page:', '        enabled: false'] }],
    ['only in having no ticket alert', { alerting: ['      ticket:', '        enabled: false'] }],
    ['only in budget thresholds', { alerting: ['      budgetConsumed:', '        thresholdsPercent: [25, 60]'] }],
    ['only in SLI kind (a latency histogram)', { sli: latency('job="$JOB"') }],
  ])('two SLOs differing %s get shapes and scenario numerics of their own', (_, variant) => {
    // given: two SLOs of one name, differing in one thing the numerics read
    const a = sloOf(base);
    const b = sloOf(variant);
    // when: b's cases are computed after a's, and again with nothing memoized
    const casesA = casesOf(a);
    const casesB = casesOf(b);
    const cold = coldCasesOf(b);
    // then
    expect(scenarioShape(b, NO_LINKS, evaluationIntervalSeconds(b)).key).not.toBe(
      scenarioShape(a, NO_LINKS, evaluationIntervalSeconds(a)).key,
    );
    expect(numerics(b, casesB)).not.toEqual(numerics(a, casesA));
    expect(casesB).toEqual(cold);
  });

  test.each<[string, Spec, Spec]>([
    ['a latency histogram and a latency SLI with a regex selector', { sli: latency('job="$JOB"') }, { sli: latency('job=~"$JOB"') }],
    ['a ratio and a raw error-ratio SLI', {}, {}],
  ])('%s get shapes and scenario numerics of their own', (what, first, second) => {
    // given: the raw SLI as a Sloth spec maps it (no separable total: no summed window)
    const a = sloOf(first);
    const b = what.includes('raw')
      ? ({
          ...sloOf(second),
          sli: { kind: 'raw', errorRatioQuery: 'sum(rate(errors[{{.window}}])) / sum(rate(total[{{.window}}]))' },
        } as Slo)
      : sloOf(second);
    // when
    const casesA = casesOf(a);
    const casesB = casesOf(b);
    const cold = coldCasesOf(b);
    // then
    expect(scenarioShape(b, NO_LINKS, 60).key).not.toBe(scenarioShape(a, NO_LINKS, 60).key);
    expect(numerics(b, casesB)).not.toEqual(numerics(a, casesA));
    expect(casesB).toEqual(cold);
  });

  test.each<[string, Spec]>([
    ['ratio', {}],
    ['latency', { sli: latency('job="$JOB"') }],
  ])('%s SLOs of one shape but other names share the numerics, each with its own series and labels', (_, spec) => {
    // given: the same SLO in another service, with another name, team and job
    const a = sloOf(spec);
    const c = sloOf({ ...spec, service: 'checkout', name: 'payments', owner: 'shop', job: 'checkout' });
    // when
    const casesA = casesOf(a);
    const casesC = casesOf(c);
    // then: the same shape and numerics
    expect(scenarioShape(c, NO_LINKS, 60).key).toBe(scenarioShape(a, NO_LINKS, 60).key);
    expect(numerics(c, casesC)).toEqual(numerics(a, casesA));
    // and: c's own series and labels, nothing of a's
    const all = casesC.flat().map((x) => x.case);
    expect(all.length).toBeGreaterThan(5);
    for (const input of all.flatMap((x) => x.inputs)) expect(input.series).toMatch(/job="checkout"|slo="payments"/);
    for (const alert of all.flatMap((x) => x.asserts.flatMap((y) => y.alerts)))
      expect(alert.exp_labels).toEqual(expect.objectContaining({ service: 'checkout', slo: 'payments', team: 'shop' }));
    expect(JSON.stringify(casesC)).not.toMatch(/"api"|api\/errors|platform|job=\\"api\\"/);
  });
});
