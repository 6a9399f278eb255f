/**
 * Every kind of bad spec input that `slo validate` must catch, from the fixtures in
 * tests/fixtures/slos/invalid/. Each fixture states the problems it expects in its header, as
 * `# expect: line:col: message` lines, so the fixture and its expectation are read together. The
 * fixtures in tests/fixtures/slos/warnings/ are valid but suspicious: they state their warnings.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCatalog } from '../../slos/catalog';
import { formatProblem } from '../../slos/problems';

const FIXTURES = 'tests/fixtures/slos/invalid';
const WARNING_FIXTURES = 'tests/fixtures/slos/warnings';

/** The fixture's own statement of what it expects, as full `file:line:col: message` lines. */
function expectedOf(file: string, text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('# expect: '))
    .map((l) => `${file}:${l.slice('# expect: '.length)}`);
}

function validateText(file: string, text: string): string[] {
  return buildCatalog([{ file, text }]).problems.map(formatProblem);
}

const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('invalid spec fixtures', () => {
  test('cover every bad input of the validate contract', () => {
    // then: one fixture per kind of mistake (a yaml syntax error is below, as prettier cannot
    // format such a fixture; the file-level mistakes are in load.test.ts)
    expect(fixtures).toEqual([
      'budget-thresholds-as-fractions.yaml',
      'duplicate-name.yaml',
      'histogram-series-name.yaml',
      'missing-field.yaml',
      'objective-as-fraction.yaml',
      'objective-not-a-number.yaml',
      'objective-out-of-range.yaml',
      'page-on-one-bad-event.yaml',
      'paging-without-runbook.yaml',
      'promql-does-not-parse.yaml',
      'three-errors.yaml',
      'threshold-not-a-bucket.yaml',
      'unknown-field.yaml',
      'unsupported-window.yaml',
      'wrong-type.yaml',
    ]);
  });

  test.each(fixtures)('rejects %s with exactly the problems its header states', (name) => {
    // given
    const file = join(FIXTURES, name);
    const text = readFileSync(file, 'utf8');
    const expected = expectedOf(file, text);
    expect(expected.length).toBeGreaterThan(0);
    // when
    const problems = validateText(file, text);
    // then
    expect(problems).toEqual(expected);
  });

  test.each(readdirSync(WARNING_FIXTURES).filter((f) => f.endsWith('.yaml')))(
    'accepts %s with exactly the warnings its header states',
    (name) => {
      // given valid but suspicious input
      const file = join(WARNING_FIXTURES, name);
      const text = readFileSync(file, 'utf8');
      const expected = expectedOf(file, text);
      expect(expected.length).toBeGreaterThan(0);
      // when
      const result = buildCatalog([{ file, text }]);
      // then: a catalog, and the warnings
      expect(result.problems).toEqual([]);
      expect(result.catalog).toBeDefined();
      expect((result.warnings ?? []).map(formatProblem)).toEqual(expected);
    },
  );

  test('accepts a low-traffic page that needs at least two bad events', () => {
    // given the low-traffic fixture with its 1h/5m page row unreachable: a 99 % objective gives a
    // 14.4 % threshold, one failed probe of 36 an hour is 2.78 %
    const text = readFileSync(join(FIXTURES, 'page-on-one-bad-event.yaml'), 'utf8');
    // when
    const result = buildCatalog([{ file: 's.yaml', text: text.replace('objective: 99.9', 'objective: 99') }]);
    // then
    expect(result.problems).toEqual([]);
  });

  test('rejects a yaml syntax error with one problem at its line, not a cascade', () => {
    // given a flow list that is never closed (yaml notices on the next line)
    const text = readFileSync('tests/fixtures/slos/valid/checkout.yaml', 'utf8').replace('objective: 99.5', 'objective: [99.5');
    // when
    const problems = validateText('s.yaml', text);
    // then
    expect(problems).toEqual([
      's.yaml:11:5: yaml syntax error: flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  test('rejects a key given twice in one mapping', () => {
    // given
    const text = readFileSync('tests/fixtures/slos/valid/checkout.yaml', 'utf8').replace(
      '    window: 28d\n',
      '    window: 28d\n    window: 7d\n',
    );
    // when
    const problems = validateText('s.yaml', text);
    // then
    expect(problems).toEqual(['s.yaml:12:5: yaml syntax error: map keys must be unique']);
  });

  test('the valid fixture they are variations of passes', () => {
    // given
    const file = 'tests/fixtures/slos/valid/checkout.yaml';
    // when
    const result = buildCatalog([{ file, text: readFileSync(file, 'utf8') }]);
    // then
    expect(result.problems).toEqual([]);
    expect(result.catalog?.slos.map((s) => s.id)).toEqual(['checkout/error-rate', 'checkout/latency']);
  });
});

describe('more shape mistakes', () => {
  const valid = readFileSync('tests/fixtures/slos/valid/checkout.yaml', 'utf8');
  const head = valid.slice(0, valid.indexOf('slos:'));
  test.each([
    [
      'an empty file',
      '',
      's.yaml:1:1: the file has no content; allowed: a mapping with apiVersion, kind, service, owner, labels, evaluationInterval, slos',
    ],
    [
      'a second yaml document',
      `${valid}---\n${valid}`,
      's.yaml:31:1: yaml syntax error: a spec file holds one yaml document; found another one after ---',
    ],
    ['an empty slo list', `${head}slos: []\n`, 's.yaml:7:7: slos is an empty list; allowed: at least 1 item'],
    [
      'an slo name that is not kebab-case',
      valid.replace('name: error-rate', 'name: Error_Rate'),
      's.yaml:8:11: slos[0].name is "Error_Rate"; allowed: lower-case kebab-case (a-z, 0-9, -), starting with a letter, e.g. error-rate',
    ],
    [
      'a runbook that is not a url',
      valid.replace('runbookUrl: https://runbooks.example.org/checkout#error-rate', 'runbookUrl: see wiki'),
      's.yaml:17:19: slos[0].alerting.runbookUrl is "see wiki"; allowed: an http or https url',
    ],
    [
      'a label key that is not a prometheus label name',
      valid.replace('owner: payments', 'owner: payments\nlabels:\n  bad-key: x'),
      's.yaml:8:3: labels key "bad-key" is not a valid name; allowed: a prometheus label name, [a-zA-Z_][a-zA-Z0-9_]*',
    ],
    [
      'an unknown severity',
      valid.replace('      page:\n        enabled: false', '      page:\n        severity: urgent'),
      's.yaml:30:19: slos[1].alerting.page.severity is "urgent"; allowed: "page", "critical", "warning", "info"',
    ],
    [
      'an empty objective',
      valid.replace('objective: 99.5', 'objective:'),
      's.yaml:10:15: slos[0].objective must be a number, got null (empty)',
    ],
    [
      'a ratio query without the window placeholder',
      valid.replace('code=~"5.."}[{{.window}}]', 'code=~"5.."}[5m]'),
      's.yaml:14:21: slo "error-rate": sli.ratio.errorQuery has no {{.window}} placeholder; each rule window is put there',
    ],
    [
      'both errorQuery and goodQuery',
      valid.replace(
        '        totalQuery: sum(rate(http_requests_total{job="checkout"}',
        '        goodQuery: sum(rate(x[{{.window}}]))\n        totalQuery: sum(rate(http_requests_total{job="checkout"}',
      ),
      's.yaml:13:7: slo "error-rate": sli.ratio has both errorQuery and goodQuery; allowed: exactly one of them',
    ],
    [
      'a latency selector that does not parse',
      valid.replace('selector: job="checkout"', 'selector: job="checkout'),
      's.yaml:25:32: slo "latency": sli.latency.selector "job=\\"checkout" is not a valid promql label matcher list: it ends too early (an unclosed bracket, brace, quote or parenthesis?)',
    ],
    [
      'a selector with a bad matcher, at the character that fails',
      valid.replace('selector: job="checkout"', 'selector: job=~~"checkout"'),
      's.yaml:25:24: slo "latency": sli.latency.selector "job=~~\\"checkout\\"" is not a valid promql label matcher list: it does not parse near "job=~~\\"checkout"',
    ],
    [
      'a quoted selector with trailing junk, at the character that fails',
      valid.replace('selector: job="checkout"', `selector: 'job="checkout" foo'`),
      's.yaml:25:35: slo "latency": sli.latency.selector "job=\\"checkout\\" foo" is not a valid promql label matcher list: it does not parse near "checkout\\" foo"',
    ],
  ])('rejects %s', (_what, text, expected) => {
    // when
    const problems = validateText('s.yaml', text);
    // then
    expect(problems).toEqual([expected]);
  });
});

describe('problem messages', () => {
  test('a file with three mistakes gives three problems, sorted by line', () => {
    // given
    const file = join(FIXTURES, 'three-errors.yaml');
    // when
    const problems = buildCatalog([{ file, text: readFileSync(file, 'utf8') }]).problems;
    // then
    expect(problems).toHaveLength(3);
    expect(problems.map((p) => p.line)).toEqual([...problems.map((p) => p.line)].sort((a, b) => a - b));
    expect(problems.map((p) => p.field)).toEqual(['team', 'slos[1].objective', 'slos[1].window']);
  });

  test('rejects several unknown fields of one mapping with one problem each, at each key', () => {
    // given
    const text = readFileSync('tests/fixtures/slos/valid/checkout.yaml', 'utf8').replace(
      'owner: payments',
      'owner: payments\nteam: a\ntier: b',
    );
    // when
    const problems = validateText('s.yaml', text);
    // then
    expect(problems).toEqual([
      's.yaml:7:1: unknown field "team" at the top level; allowed: $schema, apiVersion, kind, service, owner, labels, evaluationInterval, slos',
      's.yaml:8:1: unknown field "tier" at the top level; allowed: $schema, apiVersion, kind, service, owner, labels, evaluationInterval, slos',
    ]);
  });

  test('every message is lower case and names the field it is about', () => {
    // given every fixture's problems
    const all = fixtures.flatMap((name) => {
      const file = join(FIXTURES, name);
      return buildCatalog([{ file, text: readFileSync(file, 'utf8') }]).problems;
    });
    // then
    for (const p of all) {
      expect(p.message[0]).toBe(p.message[0]!.toLowerCase());
      const leaf =
        p.field
          .split(/[.[\]]/)
          .filter(Boolean)
          .pop() ?? '';
      if (p.rule !== 'yaml') expect(p.message).toContain(leaf);
    }
  });
});

describe('cloud monitoring sli', () => {
  const valid = readFileSync('tests/fixtures/slos/valid/checkout.yaml', 'utf8');
  const withCut = (cut: string) =>
    valid.replace(
      '        buckets: [0.05, 0.1, 0.25, 0.5, 1]\n',
      `        buckets: [0.05, 0.1, 0.25, 0.5, 1]\n      cloudMonitoring:\n        distributionCut:\n${cut}`,
    );

  test('accepts a distribution cut at the latency threshold with the environment placeholders', () => {
    // given
    const text = withCut('          distributionFilter: resource.label.service_name={{.cloudRunServices}}\n          rangeMax: 250\n');
    // then
    expect(validateText('checkout.yaml', text)).toEqual([]);
  });

  test('rejects a distribution cut that differs from the latency threshold', () => {
    // given: 300 ms against a 0.25 s threshold
    const text = withCut('          distributionFilter: metric.type="run.googleapis.com/request_latencies"\n          rangeMax: 300\n');
    // then
    expect(validateText('checkout.yaml', text)).toEqual([
      'checkout.yaml:31:21: slo "latency": sli.cloudMonitoring.distributionCut.rangeMax is 300 ms; it must equal the latency threshold 0.25 s',
    ]);
  });

  test('rejects an unknown placeholder in a filter and names the allowed ones', () => {
    // given
    const text = withCut('          distributionFilter: resource.label.service_name={{.service}}\n          rangeMax: 250\n');
    // then
    expect(validateText('checkout.yaml', text)).toEqual([
      'checkout.yaml:30:31: slo "latency": sli.cloudMonitoring.distributionCut.distributionFilter has unknown placeholder {{.service}}; allowed: {{.cloudRunServices}}, {{.urlMap}}',
    ]);
  });
});
