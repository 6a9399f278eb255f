/**
 * The last step: plain rule and test data to YAML text, with a stable key order (Prometheus'
 * documented field order; labels and annotations sorted) and the generated-file header.
 */
import { GENERATED_HEADER } from '../../slos/conventions';
import { boundedMemo } from '../../slos/memo';
import { contentText } from '../../slos/artifact';
import { Alias, Anchored, toYamlBytes } from './private/yaml';
import { isAlertingRule, type ExpectedAlert, type Rule, type RuleFile, type TestFile } from './rules';

/**
 * `record` with its keys in sorted order. A record whose keys come sorted already is returned as
 * it is (its keys enumerate in the order a sorted copy's would); the others are copied in an
 * order computed once per set of keys: a test file's expected alerts repeat a few label sets
 * thousands of times, and sorting each copy's entries was most of what serializing allocated.
 */
function sorted(record: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const keys = Object.keys(record);
  let inOrder = true;
  for (let i = 1; i < keys.length && inOrder; i++) inOrder = keys[i - 1]! < keys[i]!;
  if (inOrder) return record;
  // `__proto__` cannot be assigned as an own key; no generated label or annotation has it
  if (keys.includes('__proto__')) return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const order = sortOrders(JSON.stringify(keys), () => keys.map((_, i) => i).sort((x, y) => (keys[x]! < keys[y]! ? -1 : 1)));
  const out: Record<string, string> = {};
  for (const i of order) out[keys[i]!] = record[keys[i]!]!;
  return out;
}

/** The sorting permutation of each list of keys seen (JSON of the keys in their order). */
const sortOrders = boundedMemo<readonly number[]>(4096);

function ruleData(rule: Rule) {
  if (!isAlertingRule(rule)) return { record: rule.record, expr: rule.expr, labels: sorted(rule.labels) };
  return {
    alert: rule.alert,
    expr: rule.expr,
    ...(rule.for ? { for: rule.for } : {}),
    ...(rule.keepFiringFor ? { keep_firing_for: rule.keepFiringFor } : {}),
    labels: sorted(rule.labels),
    annotations: sorted(rule.annotations),
  };
}

/**
 * An expected alert as written, one object per alert: a case asserts the same alert at many
 * evaluations, and the YAML emitter writes an object it meets again only once.
 */
function expectedAlertData(e: ExpectedAlert): object {
  let data = EXPECTED_ALERT_DATA.get(e);
  if (!data) EXPECTED_ALERT_DATA.set(e, (data = { exp_labels: sorted(e.exp_labels), exp_annotations: sorted(e.exp_annotations) }));
  return data;
}

const EXPECTED_ALERT_DATA = new WeakMap<ExpectedAlert, object>();

/** The first line of every file. */
const HEADER = `# ${GENERATED_HEADER}\n`;

/** A rule file as Prometheus reads it. */
export function ruleFileYaml(file: RuleFile): string {
  return contentText(ruleFileParts(file));
}

/** ruleFileYaml as the header line and the rest's UTF-8 bytes, apart (see `Artifact.content`). */
export function ruleFileParts(file: RuleFile): readonly [string, Uint8Array] {
  const data = {
    groups: file.groups.map((g) => ({ name: g.name, ...(g.interval ? { interval: g.interval } : {}), rules: g.rules.map(ruleData) })),
  };
  return [HEADER, toYamlBytes(data)];
}

/** A promtool test file. */
export function testFileYaml(file: TestFile): string {
  return contentText(testFileParts(file));
}

/**
 * The `exp_alerts` of each alert test of a file, in file order: a non-empty list that the file
 * holds again (the same alerts with the same labels and annotations, so the same text) is written
 * once with an anchor and then as aliases of it (`exp_alerts: &a1` and `exp_alerts: *a1`), its
 * anchors numbered in the order they first occur. A scenario expects the same alerts at many
 * evaluations: with 1,000 SLOs these repeats were half of a test file's bytes. Empty lists stay
 * `[]`. promtool (go-yaml) resolves aliases when it loads the file.
 */
function expectedAlertLists(file: TestFile): (object[] | Anchored | Alias)[] {
  const lists = file.tests.flatMap((t) => t.alert_rule_test.map((a) => a.exp_alerts.map(expectedAlertData)));
  // each distinct expected alert (by the text it is written as) gets a number, each list the numbers of its alerts
  const alertIds = new Map<object, number>();
  const idsByText = new Map<string, number>();
  const alertId = (data: object): number => {
    let id = alertIds.get(data);
    if (id === undefined) {
      const text = JSON.stringify(data);
      id = idsByText.get(text);
      if (id === undefined) idsByText.set(text, (id = idsByText.size));
      alertIds.set(data, id);
    }
    return id;
  };
  const keys = lists.map((list) => (list.length === 0 ? '' : list.map(alertId).join(',')));
  const counts = new Map<string, number>();
  for (const k of keys) if (k !== '') counts.set(k, (counts.get(k) ?? 0) + 1);
  const anchors = new Map<string, string>();
  return lists.map((list, i) => {
    const k = keys[i]!;
    if (k === '' || counts.get(k)! < 2) return list;
    const name = anchors.get(k);
    if (name !== undefined) return new Alias(name);
    const anchor = `a${anchors.size + 1}`;
    anchors.set(k, anchor);
    return new Anchored(anchor, list);
  });
}

/** testFileYaml as the header line and the rest's UTF-8 bytes, apart (see `Artifact.content`). */
export function testFileParts(file: TestFile): readonly [string, Uint8Array] {
  const expected = expectedAlertLists(file);
  let next = 0;
  const data = {
    rule_files: file.rule_files,
    evaluation_interval: file.evaluation_interval,
    group_eval_order: file.group_eval_order,
    tests: file.tests.map((t) => ({
      name: t.name,
      interval: t.interval,
      input_series: t.input_series.map((s) => ({ series: s.series, values: s.values })),
      alert_rule_test: t.alert_rule_test.map((a) => ({
        eval_time: a.eval_time,
        alertname: a.alertname,
        exp_alerts: expected[next++],
      })),
      ...(t.promql_expr_test
        ? {
            promql_expr_test: t.promql_expr_test.map((e) => ({
              expr: e.expr,
              eval_time: e.eval_time,
              exp_samples: e.exp_samples.map((x) => ({ labels: x.labels, value: x.value })),
            })),
          }
        : {}),
    })),
  };
  return [HEADER, toYamlBytes(data)];
}
