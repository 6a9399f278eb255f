/**
 * The helpers behind the generated promtool scenarios and the rule files: windowed error ratios,
 * promtool's expanding notation, the annotation template subset, the YAML emitter, the evaluation
 * interval and the shipped GitHub workflow.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { equalityMatchers, expandingNotation, formatSample, seriesSelector } from '../../../alerts/prometheus/private/series';
import { expandTemplate, nearRoundingTie, valueKey } from '../../../alerts/prometheus/private/template';
import { ratioAfter, summedWindowAverage, timeline, windowedAverage, type Timeline } from '../../../alerts/prometheus/private/timeline';
import { toYaml, toYamlBytes } from '../../../alerts/prometheus/private/yaml';
import { evaluationInterval } from '../../../alerts/prometheus/scenario';
import { SYMPTOM_EVALUATION_INTERVAL_SECONDS } from '../../../layers/platform/symptom-scenarios';
import { loadCatalog } from '../../../slos/load';
import type { Slo, SloCatalog } from '../../../slos/model';

describe('windowed error ratios', () => {
  // given: clean for 60 s, failing for 60 s, clean again
  const tl = timeline([60, 0], [60, 1], [Infinity, 0]);

  test.each([
    // t, window, expected average over [max(0, t - window), t]
    [60, 60, 0],
    [90, 60, 0.5],
    [120, 60, 1],
    [120, 120, 0.5],
    [150, 60, 0.5],
    [180, 60, 0],
    [90, 600, 1 / 3],
  ])('at %p s over %p s the ratio is %p', (t, w, expected) => {
    expect(windowedAverage(tl, t, w)).toBeCloseTo(expected, 12);
  });
});

/** summedWindowAverage's definition, one recorded sample at a time. */
function summedOneByOne(tl: Timeline, t: number, range: number, step: number, base: number): number {
  let errors = 0;
  let total = 0;
  for (let k = Math.max(1, Math.ceil((t - range) / step - 1e-9)); k * step <= t + 1e-9; k++) {
    const covered = Math.min(k * step, base);
    const gap = base - covered;
    const weight = covered + (gap === 0 ? 0 : gap < 1.1 * step ? gap : step / 2);
    errors += weight * windowedAverage(tl, k * step, base);
    total += weight;
  }
  return total === 0 ? ratioAfter(tl, 0) : errors / total;
}

describe('summed window ratios', () => {
  test.each([
    // timeline pieces, evaluation step
    [[[Infinity, 0.000123]], 60],
    [
      [
        [3600, 0],
        [Infinity, 1],
      ],
      60,
    ],
    [
      [
        [86400, 0],
        [7200, 1],
        [Infinity, 0],
      ],
      60,
    ],
    [
      [
        [600, 0.0014],
        [600, 0.0005],
        [Infinity, 0.0014],
      ],
      30,
    ],
    [
      [
        [0, 0],
        [300, 0.3],
        [Infinity, 0.000001],
      ],
      15,
    ],
    [
      [
        [120, 0],
        [Infinity, 0.25],
      ],
      0.5,
    ],
  ] as [[number, number][], number][])('%p every %p s reads the same float as the sample-by-sample sum', (pieces, step) => {
    // given: a timeline and the 28 d window, summed from 5 m base rates
    const tl = timeline(...pieces);
    const range = 28 * 86400 - 300;
    // when: the summed window is read at times across and long after the changes
    const times = [step, 300, 301.5, 3600, 3660, 86400, 93600, 94200, range, range + 3600].map((t) => Math.ceil(t / step) * step);
    // then: run-length sums equal the one-by-one sum exactly, not just closely
    for (const t of times) expect(summedWindowAverage(tl, t, range, step, 300)).toBe(summedOneByOne(tl, t, range, step, 300));
  });
});

describe('expanding notation', () => {
  test.each([
    [[5, 5, 5, 5], '5x3'],
    [[0, 1, 2, 3, 3, 3], '0+1x3 3 3'],
    [[10, 8, 6, 4], '10-2x3'],
    [[1, 7], '1 7'],
    [[0.1, 0.2, 0.3, 0.4], '0.1+0.1x3'],
  ])('%p is written %p', (values, expected) => {
    expect(expandingNotation(values)).toBe(expected);
  });

  test('numbers are plain decimals without float noise or exponents', () => {
    expect([formatSample(0.1 + 0.2), formatSample(1e-7), formatSample(3)]).toEqual(['0.3', '0.0000001', '3']);
  });

  test.each([
    [-0.25, '-0.25'],
    [-1e-13, '0'],
    [0.5 - 1e-13, '0.5'],
    [10.000000000001, '10.000000000001'],
    [-2.5e-7, '-0.00000025'],
  ])('%p is written %p (trailing zeros and point dropped, negative zero as 0)', (x, expected) => {
    expect(formatSample(x)).toBe(expected);
  });

  test('series selectors sort their labels', () => {
    expect(seriesSelector('m', { b: '2', a: 'x"y' })).toBe('m{a="x\\"y", b="2"}');
  });

  test.each([
    ['job="api", route_class="light"', { job: 'api', route_class: 'light' }],
    ['', {}],
    ['job=~"api|web"', undefined],
    ['job="api", code!="500"', undefined],
  ])('the selector %p gives the equality labels %p', (selector, expected) => {
    expect(equalityMatchers(selector)).toEqual(expected);
  });
});

describe('annotation templates', () => {
  test('labels and the printf form of the value expand as Prometheus renders them', () => {
    expect(expandTemplate('{{ $labels.slo }} at {{ printf "%.1f" $value }}x, {{ $value }}', { slo: 'availability' }, 14.44)).toBe(
      'availability at 14.4x, 14.44',
    );
  });

  test("one template expands for each alert with that alert's labels and value", () => {
    // given: the same annotation text, as every assertion of a scenario expands it
    const text = '{{ $labels.slo }} of {{ $labels.service }} burns {{ printf "%.2f" $value }}x';
    // when / then
    expect([
      expandTemplate(text, { slo: 'a', service: 'api' }, 1),
      expandTemplate(text, { slo: 'b' }, 2.345),
      expandTemplate(text, { slo: 'a', service: 'api' }, 14.4),
    ]).toEqual(['a of api burns 1.00x', 'b of <no value> burns 2.35x', 'a of api burns 14.40x']);
  });

  test('rejects a value template without the alert value', () => {
    expect(() => expandTemplate('at {{ $value }}', {}, undefined)).toThrow('{{ $value }} needs the alert value');
  });

  test('rejects a template form the test generator does not know', () => {
    expect(() => expandTemplate('{{ $value | humanize }}', {}, 1)).toThrow('template form not supported');
  });

  test.each([
    ['{{ printf "%.1f" $value }}x', 1.02, 1.04, true],
    ['{{ printf "%.1f" $value }}x', 1.02, 1.06, false],
    ['{{ printf "%.1f" $value }}x, {{ $value }}', 1.02, 1.04, false],
    ['{{ $labels.slo }} burns', 1, 2, true],
    ['no template', 1, 2, true],
  ])('values of one value key expand %s alike: %d and %d -> %s', (text, a, b, alike) => {
    // given: one annotation text and labels
    const labels = { slo: 'availability' };
    // when: two values have the same key
    const sameKey = valueKey(text, a) === valueKey(text, b);
    // then: exactly then they expand to the same text
    expect(sameKey).toBe(alike);
    expect(expandTemplate(text, labels, a) === expandTemplate(text, labels, b)).toBe(alike);
  });

  test('values on a rounding tie are recognised', () => {
    expect([nearRoundingTie(14.25, 1), nearRoundingTie(14.26, 1)]).toEqual([true, false]);
  });
});

describe('YAML emitter', () => {
  test('round-trips rule-shaped data through a YAML parser', () => {
    // given
    const data = {
      groups: [
        {
          name: 'g',
          rules: [
            {
              alert: 'A',
              expr: 'a > 1\nand\nb > 1',
              labels: { tier: '1', severity: 'page', yes: 'no' },
              annotations: { d: '{{ $value }}: "x"' },
            },
            { record: 'level:metric:rate5m', expr: 'vector(1)', labels: {} },
          ],
        },
      ],
      empty: [],
    };
    // when
    const text = toYaml(data);
    // then
    expect(parse(text)).toEqual(data);
    expect(text).toContain('    expr: |-\n      a > 1\n      and\n      b > 1\n');
    expect(text).toContain('tier: "1"');
  });

  const repeated = { v: 'a × b' };
  test.each<[string, unknown, string]>([
    ['printable ASCII with quotes and backslashes', { s: 'a "b" \\ c' }, 's: "a \\"b\\" \\\\ c"\n'],
    ['a long string with nothing to escape', { v: `0x360 ${'0.5+0.1x4 '.repeat(10)}` }, `v: "0x360 ${'0.5+0.1x4 '.repeat(10)}"\n`],
    ['a long string with quotes', { series: `m{a="${'b'.repeat(70)}"}` }, `series: "m{a=\\"${'b'.repeat(70)}\\"}"\n`],
    ['a short string beyond ASCII', { d: '16.7× as fast' }, 'd: "16.7× as fast"\n'],
    ['a long string beyond ASCII', { d: `${'x'.repeat(70)}×` }, `d: "${'x'.repeat(70)}×"\n`],
    ['a key beyond Latin-1', { 'x—y': 1 }, '"x—y": 1\n'],
    ['a surrogate pair', { e: 'a 😀' }, 'e: "a 😀"\n'],
    ['line breaks and controls YAML may not hold raw', { c: 'a\u2028b\u0085c\td' }, 'c: "a\\u2028b\\u0085c\\td"\n'],
    ['an unpaired surrogate', { l: '\ud800' }, 'l: "\\ud800"\n'],
    ['a block scalar beyond ASCII', { expr: 'a × b\nand c' }, 'expr: |-\n  a × b\n  and c\n'],
    ['an item written again from its bytes', { list: [repeated, repeated, repeated] }, 'list:\n- v: "a × b"\n- v: "a × b"\n- v: "a × b"\n'],
    ['a scalar document', '×', '"×"\n'],
  ])('writes %s as the UTF-8 bytes of its text', (_, data, text) => {
    // when
    const bytes = toYamlBytes(data);
    // then
    expect(Buffer.from(bytes).equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(toYaml(data)).toBe(text);
  });

  test('keeps a document whole when it outgrows its buffer and when the next document reuses that buffer', () => {
    // given a document of about 400 kB (the buffer starts at 64 KiB), beyond ASCII throughout
    const items = Array.from({ length: 5000 }, (_, i) => ({ name: `s${i}`, note: `${i}×${'y'.repeat(i % 80)}` }));
    const text = `items:\n${items.map((i) => `- name: ${i.name}\n  note: "${i.note}"\n`).join('')}`;
    // when
    const first = toYamlBytes({ items });
    const second = toYamlBytes({ other: 'x' });
    // then
    expect(Buffer.from(first).equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(Buffer.from(second).toString('utf8')).toBe('other: x\n');
  });

  test('writes an object met again in sequences as it writes a copy of it, at any depth and place', () => {
    // given one alert object in several sequences: at two indents, as the first item of an item, nested in itself
    const alert = { exp_labels: { a: '1', b: 'x y' }, exp_annotations: { d: 'line 1\nline 2' }, list: [{}, []] };
    const copy = () => JSON.parse(JSON.stringify(alert)) as typeof alert;
    const shared = { tests: [{ exp_alerts: [alert, alert, alert] }, { deeper: { exp_alerts: [alert, alert] } }, [alert, [alert, alert]]] };
    const copies = {
      tests: [{ exp_alerts: [copy(), copy(), copy()] }, { deeper: { exp_alerts: [copy(), copy()] } }, [copy(), [copy(), copy()]]],
    };
    // when
    const text = toYaml(shared);
    // then
    expect(text).toBe(toYaml(copies));
    expect(parse(text)).toEqual(copies);
  });

  // Every character YAML reads as a line break (YAML 1.2.2 §5.4) or may not hold raw (§5.1).
  const hostile: [string, string][] = [
    ['carriage return', '\r'],
    ['next line U+0085', '\u0085'],
    ['line separator U+2028', '\u2028'],
    ['paragraph separator U+2029', '\u2029'],
    ['NUL', '\u0000'],
    ['ESC control', '\u001b'],
    ['DEL', '\u007f'],
    ['C1 control U+009B', '\u009b'],
    ['byte-order mark', '\ufeff'],
    ['non-character U+FFFE', '\ufffe'],
    ['tab', '\t'],
  ];

  test.each(hostile)('writes a %s in a value or key so that it reads back as itself and starts no new entry', (_, ch) => {
    // given a value that would start a new rule if the character broke the line, alone and in a multi-line value
    const injected = `x${ch}  - record: injected_rule${ch}    expr: vector(1)`;
    const data = { groups: [{ name: 'g', rules: [{ record: 'r', expr: `a\nb${ch}c`, labels: { team: injected, [`k${ch}`]: 'v' } }] }] };
    // when
    const text = toYaml(data);
    // then: the same data comes back, and the text holds none of these characters raw
    expect(parse(text)).toEqual(data);
    expect(text).not.toMatch(/[\r\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe]/);
  });
});

describe('evaluation interval of a test file', () => {
  const catalog = loadCatalog({ slosDir: 'slos' }).catalog as SloCatalog;
  const withInterval = (slos: readonly Slo[], evaluationInterval: string) => slos.map((s) => ({ ...s, evaluationInterval }));

  test.each([
    ['api', '1m', SYMPTOM_EVALUATION_INTERVAL_SECONDS, 60],
    ['auth', '1m', Infinity, 60],
    ['auth', '15s', Infinity, 15],
    ['api', '30s', SYMPTOM_EVALUATION_INTERVAL_SECONDS, 30],
  ])(
    "the %s file with evaluationInterval %s (layers tolerate at most %p s) is evaluated every %p s, its groups' interval",
    (service, interval, maxSeconds, expected) => {
      expect(
        evaluationInterval(
          withInterval(
            catalog.slos.filter((s) => s.service === service),
            interval,
          ),
          maxSeconds,
        ),
      ).toBe(expected);
    },
  );

  test('fails when a layer needs shorter evaluations than the spec file states', () => {
    expect(() =>
      evaluationInterval(
        withInterval(
          catalog.slos.filter((s) => s.service === 'auth'),
          '1m',
        ),
        30,
      ),
    ).toThrow('evaluationInterval 1m of service auth is longer than its layers allow (30 s)');
  });
});

describe('GitHub workflow', () => {
  test('runs validate with annotations, generate and slo test on each pull request with each supported node and promtool', () => {
    // given
    const wf = parse(readFileSync('.github/workflows/slo.yml', 'utf8')) as {
      on: Record<string, unknown>;
      jobs: { slo: { strategy: { matrix: { node: number[] } }; steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] } };
    };
    const engines = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node;
    const steps = wf.jobs.slo.steps;
    const runs = steps.map((s) => s.run ?? '').join('\n');
    // then
    expect(Object.keys(wf.on)).toContain('pull_request');
    // the matrix is exactly the majors package.json `engines` supports
    expect(wf.jobs.slo.strategy.matrix.node.map((v) => `^${v}`).join(' || ')).toBe(engines);
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node'))?.with?.['node-version']).toBe('${{ matrix.node }}');
    expect(runs).toContain('npm ci');
    expect(runs).toContain('apt-get install -y -qq --no-install-recommends prometheus');
    const order = ['npx slo validate --format github', 'npx slo generate --out out', 'npx slo test --out out'].map((c) => runs.indexOf(c));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});
