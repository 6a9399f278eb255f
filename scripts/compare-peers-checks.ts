/**
 * The checks of `npm run peers` (scripts/compare-peers.ts, which states them): this package against
 * Sloth's own fixtures. Loaded only once the arguments are known to be good, so a usage error
 * answers without loading the engine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { serviceRuleFile } from '../alerts/prometheus/artifacts';
import { firingConditionsOnly } from '../alerts/prometheus/rules';
import { ruleFileYaml } from '../alerts/prometheus/serialize';
import { sloRuleGroup } from '../alerts/prometheus/slo-alerts';
import { loadEnvironmentOrThrow } from '../environments/load';
import { environmentLinks } from '../layers/platform/layer';
import { branchDetectionSeconds, burnBranch, burnWindowsLagSeconds } from '../slos/alert-timing';
import { parseDuration } from '../slos/duration';
import { loadCatalog } from '../slos/load';
import type { SloCatalog } from '../slos/model';
import type { SlothPeriod } from '../slos/sloth';
import {
  burnScenarioName,
  firingSets,
  laggedDifferences,
  scenariosFor,
  type Firing,
  type Scenario,
} from '../tests/alerts/prometheus/peers-harness';
import { slothCatalog } from '../tests/slos/sloth-fixtures';
import { documentedPeriods, documentedWindows, slothShapedRules, type ShapedRuleFile } from '../tests/slos/sloth-reference';

/** A Sloth spec and the rule file Sloth produced for it, paths relative to `<reference>/sloth`. */
interface SlothPair {
  readonly name: string;
  readonly spec: string;
  readonly expected: string;
  /** `--default-slo-period` Sloth ran with. */
  readonly period: SlothPeriod;
  /** The `job` of the request counters its alerting SLO reads, when the promtool scenarios can feed it. */
  readonly job?: string;
}

/** Sloth's golden pairs that use its built-in windows (see the reference folder's README). */
const PAIRS: readonly SlothPair[] = [
  {
    name: 'getting-started',
    spec: 'examples/getting-started.yml',
    expected: 'examples/_gen/getting-started.yml',
    period: '30d',
    job: 'myservice',
  },
  // Its latency SLI reads histogram series the promtool scenarios do not feed.
  {
    name: 'kubernetes-apiserver',
    spec: 'examples/kubernetes-apiserver.yml',
    expected: 'examples/_gen/kubernetes-apiserver.yml',
    period: '30d',
  },
  {
    name: 'in-base',
    spec: 'test/integration/prometheus/testdata/in-base.yaml',
    expected: 'test/integration/prometheus/testdata/out-base.yaml.tpl',
    period: '30d',
    job: 'myservice',
  },
  {
    name: 'in-base 28d',
    spec: 'test/integration/prometheus/testdata/in-base.yaml',
    expected: 'test/integration/prometheus/testdata/out-base-28d.yaml.tpl',
    period: '28d',
    job: 'myservice',
  },
];

/** A rule of a Prometheus rule file, as parsed. */
interface Rule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly labels?: Record<string, string>;
}

/** One multiwindow condition of an alert: `ratio_rate<short>{…} > (factor * budget)`, then the long window. */
interface Condition {
  readonly alert: string;
  readonly kind: string;
  readonly shortWindow: string;
  readonly longWindow: string;
  readonly factor: number;
  readonly budget: number;
}

/** The conditions of every alert of a rule file, in order. */
function conditions(file: ShapedRuleFile): Condition[] {
  const out: Condition[] = [];
  for (const rule of file.groups.flatMap((g) => g.rules as Rule[])) {
    if (!rule.alert) continue;
    const parts = [...rule.expr.matchAll(/ratio_rate(\w+)\{[^}]*\} > \(([\d.e+-]+) \* ([\d.e+-]+)\)/g)];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const [short, long] = [parts[i]!, parts[i + 1]!];
      out.push({
        alert: rule.alert,
        kind: rule.labels?.['sloth_severity'] ?? '?',
        shortWindow: short[1]!,
        longWindow: long[1]!,
        factor: Number(long[2]),
        budget: Number(long[3]),
      });
    }
  }
  return out;
}

const close = (a: number, b: number, digits: number) => Math.abs(a - b) < 10 ** -digits / 2;
/** PromQL without its layout, for comparing queries written with different line breaks. */
const squeeze = (expr: string) => expr.replace(/\s+/g, '');

class Report {
  failures = 0;
  check(name: string, problems: readonly string[]): void {
    if (problems.length === 0) {
      process.stdout.write(`ok    ${name}\n`);
      return;
    }
    this.failures++;
    process.stdout.write(`FAIL  ${name}\n${problems.map((p) => `        ${p}\n`).join('')}`);
  }
}

/** Runs every check against the Sloth files under `referenceDir/sloth`, printing each; exit code 0 or 1. */
export async function comparePeers(referenceDir: string): Promise<number> {
  const slothDir = join(referenceDir, 'sloth');
  const read = (rel: string) => readFileSync(join(slothDir, rel), 'utf8');
  // Sloth's `.tpl` goldens are Go templates: `{{ .version }}` and escaped `{{"{{…}}"}}` removed.
  const expectedText = (rel: string) =>
    read(rel)
      .replaceAll('{{ .version }}', 'test')
      .replace(/\{\{"(\{\{.*?\}\})"\}\}/g, '$1');
  const expectedRules = (rel: string) => parse(expectedText(rel)) as ShapedRuleFile;
  const report = new Report();
  const env = loadEnvironmentOrThrow('example');

  // 1. The documented window tables against Sloth's catalogue files.
  for (const period of documentedPeriods()) {
    const file = parse(read(`internal/alert/windows/google-${period}.yaml`)) as {
      spec: { sloPeriod: string } & Record<
        'page' | 'ticket',
        Record<'quick' | 'slow', { errorBudgetPercent: number; shortWindow: string; longWindow: string }>
      >;
    };
    const problems: string[] = [];
    if (file.spec.sloPeriod !== period) problems.push(`sloPeriod ${file.spec.sloPeriod}, expected ${period}`);
    for (const w of documentedWindows(period)) {
      const theirs = file.spec[w.kind][w.speed];
      const ours = { errorBudgetPercent: w.budgetPercent, shortWindow: w.shortWindow, longWindow: w.longWindow };
      if (JSON.stringify(theirs) !== JSON.stringify(ours))
        problems.push(`${w.kind}.${w.speed}: sloth ${JSON.stringify(theirs)}, ours ${JSON.stringify(ours)}`);
    }
    report.check(`windows.yaml ${period} table equals sloth's google-${period} catalogue`, problems);
  }

  for (const pair of PAIRS) {
    const theirs = conditions(expectedRules(pair.expected));
    // 2. Our reader against Sloth's output.
    const catalog = slothCatalog(pair, read);
    const ours = catalog.slos.flatMap((slo) => slo.alerting.windows.map((w) => ({ slo, w })));
    const problems: string[] = [];
    if (theirs.length === 0) problems.push('sloth wrote no alert conditions');
    if (ours.length !== theirs.length) problems.push(`${ours.length} alert windows, sloth has ${theirs.length}`);
    ours.forEach(({ slo, w }, i) => {
      const t = theirs[i];
      if (!t) return;
      const o = { alert: slo.alerting.name, kind: w.kind, shortWindow: w.shortWindow, longWindow: w.longWindow };
      const e = { alert: t.alert, kind: t.kind, shortWindow: t.shortWindow, longWindow: t.longWindow };
      if (JSON.stringify(o) !== JSON.stringify(e)) problems.push(`window ${i}: ours ${JSON.stringify(o)}, sloth ${JSON.stringify(e)}`);
      if (!close(w.factor, t.factor, 9)) problems.push(`window ${i}: factor ${w.factor}, sloth ${t.factor}`);
      if (!close(slo.errorBudget, t.budget, 9)) problems.push(`window ${i}: error budget ${slo.errorBudget}, sloth ${t.budget}`);
      if (!close(w.errorRatioThreshold, t.factor * t.budget, 12)) {
        problems.push(`window ${i}: threshold ${w.errorRatioThreshold}, sloth ${t.factor * t.budget}`);
      }
    });
    report.check(`${pair.name}: our reader gives sloth's alert windows, factors and thresholds`, problems);

    // 3. The in-repository model of Sloth's rule shape against Sloth's output.
    report.check(
      `${pair.name}: rules of sloth's documented shape are sloth's rules`,
      shapeProblems(slothShapedRules(read(pair.spec), pair.period), expectedRules(pair.expected)),
    );
  }

  // 4. promtool: our alerts and Sloth's generated rules on the same input series.
  const promtoolPairs = PAIRS.filter((p): p is SlothPair & { job: string } => p.job !== undefined);
  const fixtures = promtoolPairs.map((pair) => {
    const catalog = slothCatalog(pair, read);
    const slo = catalog.slos.find((s) => s.alerting.windows.length > 0)!;
    const windows = conditions(expectedRules(pair.expected)).map((c) => ({
      kind: c.kind as 'page' | 'ticket',
      factor: c.factor,
      longWindow: c.longWindow,
      shortWindow: c.shortWindow,
      longWindowSeconds: parseDuration(c.longWindow),
      shortWindowSeconds: parseDuration(c.shortWindow),
    }));
    const budget = conditions(expectedRules(pair.expected))[0]!.budget;
    return { pair, catalog, slo, windows, scenarios: scenariosFor(budget, windows, pair.job), key: pair.name.replace(/\W+/g, '-') };
  });
  const runs = await firingSets(
    fixtures.flatMap((f) => [
      {
        name: `${f.key}-sloth`,
        rules: expectedText(f.pair.expected),
        alertnames: [...new Set(conditions(expectedRules(f.pair.expected)).map((c) => c.alert))],
        scenarios: f.scenarios,
      },
      {
        name: `${f.key}-ours`,
        rules: ourRules(f.catalog, env),
        alertnames: [...new Set(f.catalog.slos.map((s) => s.alerting.name))],
        scenarios: f.scenarios,
      },
    ]),
  );
  for (const f of fixtures) {
    const sloth = runs.get(`${f.key}-sloth`)!;
    const ours = runs.get(`${f.key}-ours`)!;
    // ours may start and stop up to the lag of our summed windows later (slos/alert-timing.ts)
    const same = f.scenarios.flatMap((s) =>
      laggedDifferences(sloth.get(s.name), ours.get(s.name), s.intervalSeconds, burnWindowsLagSeconds(f.slo, s.intervalSeconds)).map(
        (d) => `${s.name}: ${d} (sloth vs ours)`,
      ),
    );
    report.check(
      `${f.pair.name}: page and ticket fire at the same evaluation steps in ${f.scenarios.length} scenarios (ours up to the lag of a summed window later)`,
      same,
    );
    report.check(`${f.pair.name}: the comparison is not vacuous`, vacuity(f.slo.name, f.windows, sloth));
    report.check(`${f.pair.name}: both catch a full outage by the computed detection time`, [
      ...detection(f.slo, f.scenarios, sloth, 'sloth'),
      ...detection(f.slo, f.scenarios, ours, 'ours'),
    ]);
  }

  // 5. Rules per SLO: ours never more than Sloth's for one SLO.
  const slothPerSlo = expectedRules('examples/_gen/getting-started.yml').groups.reduce((n, g) => n + g.rules.length, 0);
  const shipped = loadCatalog({ slosDir: join(__dirname, '..', 'slos') }).catalog;
  if (!shipped) throw new Error('the shipped specs in slos/ are invalid; run `npm run -s slo -- validate`');
  report.check(
    `every shipped SLO has no more rules than sloth's ${slothPerSlo} for its getting-started SLO`,
    shipped.slos.flatMap((slo) => {
      const count = sloRuleGroup(slo).rules.length;
      return count > slothPerSlo ? [`${slo.id}: ${count} rules`] : [];
    }),
  );

  process.stdout.write(report.failures === 0 ? 'peers: all checks passed\n' : `peers: ${report.failures} check(s) failed\n`);
  return report.failures === 0 ? 0 : 1;
}

/** Our rule file for a catalog of one service, as `slo generate` renders it, without `keep_firing_for` (see firingConditionsOnly). */
function ourRules(catalog: SloCatalog, env: ReturnType<typeof loadEnvironmentOrThrow>): string {
  if (catalog.services.length !== 1) throw new Error(`expected one service, got ${catalog.services.join(', ')}`);
  return ruleFileYaml(firingConditionsOnly(serviceRuleFile(catalog, catalog.services[0]!, { links: environmentLinks(env), layers: [] })));
}

/** Differences between a shaped rule file and Sloth's: groups, rule names, labels, SLI queries, alert conditions. */
function shapeProblems(shaped: ShapedRuleFile, sloth: ShapedRuleFile): string[] {
  const problems: string[] = [];
  const names = (f: ShapedRuleFile) => f.groups.map((g) => `${g.name}: ${(g.rules as Rule[]).map((r) => r.record ?? r.alert).join(' ')}`);
  const [ours, theirs] = [names(shaped), names(sloth)];
  if (JSON.stringify(ours) !== JSON.stringify(theirs))
    problems.push(`groups and rules differ:\n  ours  ${ours.join('\n        ')}\n  sloth ${theirs.join('\n        ')}`);
  // Labels that depend on how Sloth was run: the example goldens' command, the generator's version and mode.
  const RUN_LABELS = ['cmd', 'sloth_version', 'sloth_mode'];
  const withoutCmd = (labels: Record<string, string> | undefined) =>
    JSON.stringify(
      Object.entries(labels ?? {})
        .filter(([k]) => !RUN_LABELS.includes(k))
        .sort(),
    );
  shaped.groups.forEach((g, gi) =>
    (g.rules as Rule[]).forEach((r, ri) => {
      const t = sloth.groups[gi]?.rules[ri] as Rule | undefined;
      if (!t) return;
      const name = `${g.name} ${r.record ?? r.alert}`;
      if (withoutCmd(r.labels) !== withoutCmd(t.labels))
        problems.push(`${name}: labels ${withoutCmd(r.labels)}, sloth ${withoutCmd(t.labels)}`);
      if (g.name.startsWith('sloth-slo-sli-recordings-') && squeeze(r.expr) !== squeeze(t.expr)) {
        problems.push(`${name}: expr ${JSON.stringify(r.expr)}, sloth ${JSON.stringify(t.expr)}`);
      }
    }),
  );
  const [a, b] = [conditions(shaped), conditions(sloth)];
  if (a.length !== b.length) problems.push(`${a.length} alert conditions, sloth ${b.length}`);
  a.forEach((c, i) => {
    const t = b[i];
    if (!t) return;
    if (
      c.alert !== t.alert ||
      c.kind !== t.kind ||
      c.shortWindow !== t.shortWindow ||
      c.longWindow !== t.longWindow ||
      !close(c.factor, t.factor, 9) ||
      !close(c.budget, t.budget, 9)
    ) {
      problems.push(`condition ${i}: ours ${JSON.stringify(c)}, sloth ${JSON.stringify(t)}`);
    }
  });
  return problems;
}

/** Outages and burns above each factor fire on Sloth's side, and a clean history does not. */
function vacuity(
  slo: string,
  windows: readonly { kind: string; factor: number; longWindow: string; shortWindow: string }[],
  sloth: Firing,
): string[] {
  const kindsFired = (scenario: string) => new Set([...(sloth.get(scenario)?.values() ?? [])].flat());
  const problems: string[] = [];
  if (sloth.get('clean') !== undefined) problems.push('something fired on a clean history');
  const outage = kindsFired('full outage then recovery');
  for (const kind of ['page', 'ticket']) if (!outage.has(`${slo}/${kind}`)) problems.push(`a full outage did not fire ${kind}`);
  for (const w of windows) {
    const name = burnScenarioName('above', w as Parameters<typeof burnScenarioName>[1]);
    if (!kindsFired(name).has(`${slo}/${w.kind}`)) problems.push(`${name} did not fire ${w.kind}`);
  }
  return problems;
}

/** The first firing of each alert class in the outage scenario is after the outage and by the computed detection time. */
function detection(slo: SloCatalog['slos'][number], scenarios: readonly Scenario[], firing: Firing, who: string): string[] {
  const outage = scenarios.find((s) => s.name === 'full outage then recovery')!;
  const problems: string[] = [];
  for (const kind of ['page', 'ticket'] as const) {
    // a summed window's lag included (Sloth's own rules read raw samples and may only be earlier)
    const seconds = Math.min(
      ...slo.alerting.windows.filter((w) => w.kind === kind).map((w) => branchDetectionSeconds(burnBranch(slo, w, outage.intervalSeconds))),
    );
    const due = outage.startSeconds + Math.ceil(seconds / outage.intervalSeconds) * outage.intervalSeconds;
    const first = [...(firing.get(outage.name)?.entries() ?? [])].find(([, keys]) => keys.includes(`${slo.name}/${kind}`))?.[0];
    if (first === undefined || first <= outage.startSeconds || first > due) {
      problems.push(`${who}: ${kind} first fired at ${first ?? 'never'} s; expected after ${outage.startSeconds} s and by ${due} s`);
    }
  }
  return problems;
}
