/**
 * The last step: plain rule and test data to YAML text, with a stable key order (Prometheus'
 * documented field order; labels and annotations sorted) and the generated-file header.
 */
import { GENERATED_HEADER } from '../../slos/conventions';
import { contentText } from '../../slos/artifact';
import { sortKeysInPlace } from '../../slos/sort-keys';
import { Alias, Anchored, toYamlBytes } from './private/yaml';
import { isAlertingRule, type ExpectedAlert, type Rule, type RuleFile, type TestFile } from './rules';

/**
 * `record` with its keys in sorted order. A record whose keys come sorted already is returned as
 * it is (its keys enumerate in the order a sorted copy's would); the others are copied with their
 * keys sorted in place (`sortKeysInPlace`: a handful of labels or annotations each, no copy). A test file's
 * expected alerts repeat a few label sets thousands of times: sorting each copy's entries was most
 * of what serializing allocated, and a memo of orders by the keys' JSON cost a string per record.
 */
function sorted(record: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const keys = Object.keys(record);
  let inOrder = true;
  for (let i = 1; i < keys.length && inOrder; i++) inOrder = keys[i - 1]! < keys[i]!;
  if (inOrder) return record;
  // `__proto__` cannot be assigned as an own key; no generated label or annotation has it
  if (keys.includes('__proto__')) return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  sortKeysInPlace(keys);
  const out: Record<string, string> = {};
  for (const k of keys) out[k] = record[k]!;
  return out;
}

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

/** An expected alert as written: its labels and annotations in sorted key order. */
function expectedAlertData(e: ExpectedAlert): object {
  return { exp_labels: sorted(e.exp_labels), exp_annotations: sorted(e.exp_annotations) };
}

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
 *
 * Every expected alert of one text is written from one data object, so the YAML emitter writes
 * that text once and copies its bytes after (see `Output.item`).
 */
function expectedAlertLists(file: TestFile): (readonly object[] | Anchored | Alias)[] {
  // each distinct expected alert (by the text it is written as) gets a number and one data object
  const byAlert = new Map<ExpectedAlert, { readonly id: number; readonly data: object }>();
  const byText = new Map<string, { readonly id: number; readonly data: object }>();
  const entry = (e: ExpectedAlert) => {
    let found = byAlert.get(e);
    if (found === undefined) {
      const data = expectedAlertData(e);
      const text = JSON.stringify(data);
      found = byText.get(text);
      if (found === undefined) byText.set(text, (found = { id: byText.size, data }));
      byAlert.set(e, found);
    }
    return found;
  };
  // a list's key: its one alert's number (most lists hold one alert), else its numbers joined
  const keyOf = (list: readonly ExpectedAlert[]): number | string | undefined => {
    if (list.length === 0) return undefined;
    if (list.length === 1) return entry(list[0]!).id;
    return list.map((e) => entry(e).id).join(',');
  };
  const keys: (number | string | undefined)[] = [];
  const counts = new Map<number | string, number>();
  for (const t of file.tests)
    for (const a of t.alert_rule_test) {
      const k = keyOf(a.exp_alerts);
      keys.push(k);
      if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  const anchors = new Map<number | string, string>();
  const lists: (readonly object[] | Anchored | Alias)[] = [];
  let i = 0;
  for (const t of file.tests)
    for (const a of t.alert_rule_test) {
      const k = keys[i++];
      const data = () => a.exp_alerts.map((e) => byAlert.get(e)!.data);
      if (k === undefined || counts.get(k)! < 2) {
        lists.push(k === undefined ? [] : data());
        continue;
      }
      const name = anchors.get(k);
      if (name !== undefined) {
        lists.push(new Alias(name));
        continue;
      }
      const anchor = `a${anchors.size + 1}`;
      anchors.set(k, anchor);
      lists.push(new Anchored(anchor, data()));
    }
  return lists;
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
