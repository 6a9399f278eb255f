/**
 * The fast first pass over spec files (parseYamlFast): where it reads a file, its value is the
 * exact parser's (parseYaml); where the two parsers could differ, it declines; and the positions
 * of a catalog read through it are the exact parser's.
 */
import { readFileSync } from 'node:fs';
import { buildCatalog } from '../../slos/catalog';
import { parseYaml, parseYamlFast } from '../../slos/yaml-source';
import { syntheticSpecFile } from '../../bench/private/synthetic-specs';

const exactValue = (text: string) => parseYaml('t.yaml', text).source?.value;

describe('parseYamlFast', () => {
  test.each([
    ['every core-schema scalar form', 'a: ~\nb: null\nc: 0o17\nd: 0x1F\ne: 1e3\nf: .inf\ng: -.Inf\nh: .nan\nk: 1.\np: +12\nq: 012\n'],
    ['what YAML 1.1 would resolve and 1.2 keeps as strings', 'i: 1_000\nj: 0b11\nl: yes\no: 2024-01-01\nm: True\n'],
    ['an empty value and quoted numbers', 'a:\nn: "1"\nm: \'2\'\n'],
    ['flow collections', 'r: [1, a, {b: c}]\n'],
    ['block and folded scalars', 's: |\n  x\n   y\nt: >-\n  a\n  b\n\n  c\n'],
    ['escapes and multi-line quoted scalars', 'a: "\\x41\\u00e9"\nb: \'it\'\'s\'\nc: "a\n\n  b"\nd: a\n  b\n'],
    ['a merge key, which YAML 1.2 keeps as a plain key', '<<: {a: 1}\n'],
    ['PromQL with !=, * and % inside a plain value', 'q: sum(rate(x{a!="b"}[{{.window}}])) * 100 % 3\n'],
    ['a shipped spec', readFileSync('slos/api.yaml', 'utf8')],
    ['a synthetic bench spec', syntheticSpecFile('svc', { slos: 4, ratioObjective: (i) => 99 + i / 10 })],
  ])('reads %s as the exact parser does', (_, text) => {
    // when
    const fast = parseYamlFast('t.yaml', text);
    // then
    expect(fast).toBeDefined();
    expect(fast!.value).toStrictEqual(exactValue(text));
  });

  test.each([
    ['an empty file', ''],
    ['two documents', 'x: 1\n---\ny: 2\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['an anchor inside a flow mapping', 'k: {"a":&x 1}\n'],
    ['a tag', 'k: !!str 5\n'],
    ['a directive', '%YAML 1.1\n---\na: yes\n'],
    ['an explicit collection key', '? [a]\n: b\n'],
    ['a collection key in a flow mapping', 'm: {[a]: b}\n'],
    ['a collection key after a comma, blanks before its colon', 'm: {x: 1, [a, b] \t: c}\n'],
    ['a null key', 'labels:\n  ~: x\n'],
    ['a __proto__ key', '__proto__: {a: 1}\n'],
    ['a tab as indentation', 'a: b\n\tc: d\n'],
  ])('declines %s', (_, text) => {
    // then
    expect(parseYamlFast('t.yaml', text)).toBeUndefined();
  });

  test('reads a line of 200,000 brackets in linear time', () => {
    // given a colon-free line: a pattern retried from every bracket would read the rest each time
    // (quadratic: about 9 CPU-s; one pass takes milliseconds)
    const text = `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const before = process.cpuUsage();
    // when
    parseYamlFast('t.yaml', text);
    // then
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1e6).toBeLessThan(1);
  });

  test('builds the positioned document only when it is asked for', () => {
    // given
    const text = 'service: a\nslos:\n  - name: b\n';
    // when
    const fast = parseYamlFast('t.yaml', text)!;
    // then
    expect(fast.doc.getIn(['slos', 0, 'name'])).toBe('b');
    expect(fast.lines.linePos(text.indexOf('name'))).toEqual({ line: 3, col: 5 });
  });
});

describe('a catalog read through the fast pass', () => {
  test('locates every SLO field the model points at, as the exact parser does', () => {
    // given
    const text = readFileSync('tests/fixtures/slos/valid/checkout.yaml', 'utf8');
    // when
    const slos = buildCatalog([{ file: 'checkout.yaml', text }]).catalog!.slos;
    // then: each position is where the field's value starts in the text
    const lines = text.split('\n');
    for (const slo of slos) {
      const nameLine = lines[slo.source.slo.line - 1]!;
      expect(nameLine.slice(slo.source.slo.col - 1)).toBe(slo.name);
      expect(lines[slo.source.objective.line - 1]!.slice(slo.source.objective.col - 1)).toBe(String(slo.objectivePercent));
      expect(lines[slo.source.window.line - 1]!.slice(slo.source.window.col - 1)).toBe(slo.window);
    }
  });
});
