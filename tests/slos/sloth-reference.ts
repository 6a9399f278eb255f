/**
 * Sloth's documented behaviour as this project's own data and code, for the Sloth-compatibility
 * tests: the alert-window tables and alert semantics of `tests/fixtures/sloth/windows.yaml`, what
 * a Sloth `prometheus/v1` spec means under them, and rule files in Sloth's documented shape.
 *
 * Written apart from the code under test: nothing here imports `slos/sloth.ts` or
 * `slos/burn-rate.ts`, so a test that compares the two compares two derivations of the same
 * documented facts. `npm run peers -- --reference DIR` checks this module against Sloth's own
 * catalogue and generated rules.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

/** The in-repository Sloth data: `windows.yaml` and the team's Sloth-format specs in `specs/`. */
export const SLOTH_FIXTURES_DIR = join(__dirname, '..', 'fixtures', 'sloth');

/** Sloth's two alert classes. */
export type AlertClass = 'page' | 'ticket';

/** One window pair of Sloth's documented catalogue for a period, with the factor it implies. */
export interface DocumentedWindow {
  readonly kind: AlertClass;
  /** `quick` or `slow`, Sloth's names for a class's two window pairs. */
  readonly speed: 'quick' | 'slow';
  /** Share of the period's error budget, in percent, that fires the alert when spent over the long window. */
  readonly budgetPercent: number;
  readonly longWindow: string;
  readonly shortWindow: string;
  readonly longWindowSeconds: number;
  readonly shortWindowSeconds: number;
  /** budgetPercent / 100 × period / long window. */
  readonly factor: number;
}

interface WindowsFile {
  readonly periods: Record<
    string,
    Record<AlertClass, Record<'quick' | 'slow', { budgetPercent: number; longWindow: string; shortWindow: string }>>
  >;
  readonly defaultPeriod: string;
  readonly rules: {
    readonly metadataRecords: readonly string[];
    readonly identityLabels: { id: string; service: string; slo: string; window: string };
    readonly infoLabels: { objective: string; spec: string };
  };
  readonly alerts: { readonly classLabel: string };
}

let windowsFile: WindowsFile | undefined;

/** The documented tables, read once. */
export function slothDocs(): WindowsFile {
  windowsFile ??= parse(readFileSync(join(SLOTH_FIXTURES_DIR, 'windows.yaml'), 'utf8')) as WindowsFile;
  return windowsFile;
}

/** The metadata record that describes the SLO in its labels. */
const INFO_RECORD = 'sloth_slo_info';
/** The spec version this module reads. */
const SPEC_VERSION = 'prometheus/v1';

const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86400, w: 604800 };

/** `5m`, `1h`, `3d`, `4w` → seconds. */
export function seconds(duration: string): number {
  const m = /^(\d+)([mhdw])$/.exec(duration);
  if (!m) throw new Error(`not a duration: ${JSON.stringify(duration)}`);
  return Number(m[1]) * UNIT_SECONDS[m[2]!]!;
}

/** Seconds → the duration Prometheus prints (largest whole unit: 28 d is `4w`, 30 d is `30d`). */
export function promDuration(totalSeconds: number): string {
  for (const [unit, size] of [...Object.entries(UNIT_SECONDS)].reverse()) {
    if (totalSeconds % size === 0) return `${totalSeconds / size}${unit}`;
  }
  return `${totalSeconds}s`;
}

/** The periods Sloth documents a catalogue for. */
export function documentedPeriods(): string[] {
  return Object.keys(slothDocs().periods);
}

/** Sloth's windows for one SLO period, page before ticket, quick before slow. */
export function documentedWindows(period: string): DocumentedWindow[] {
  const table = slothDocs().periods[period];
  if (!table) throw new Error(`sloth documents no window catalogue for ${period}`);
  const periodSeconds = seconds(period);
  return (['page', 'ticket'] as const).flatMap((kind) =>
    (['quick', 'slow'] as const).map((speed) => {
      const row = table[kind][speed];
      const longWindowSeconds = seconds(row.longWindow);
      return {
        kind,
        speed,
        budgetPercent: row.budgetPercent,
        longWindow: row.longWindow,
        shortWindow: row.shortWindow,
        longWindowSeconds,
        shortWindowSeconds: seconds(row.shortWindow),
        factor: ((row.budgetPercent / 100) * periodSeconds) / longWindowSeconds,
      };
    }),
  );
}

/** One SLO of a Sloth spec, read as Sloth documents the fields. */
export interface SpecSlo {
  readonly service: string;
  readonly name: string;
  /** `<service>-<slo>`, Sloth's id label. */
  readonly id: string;
  readonly objective: number;
  /** 1 − objective / 100. */
  readonly budget: number;
  /** Service labels, then the SLO's own (the SLO's win). */
  readonly labels: Record<string, string>;
  /** The error ratio over a window, as PromQL. */
  readonly errorRatio: (window: string) => string;
  readonly alertName: string;
  readonly alertLabels: Record<string, string>;
  readonly alertAnnotations: Record<string, string>;
  readonly classes: Record<AlertClass, { readonly enabled: boolean; readonly labels: Record<string, string> }>;
}

type RawLabels = Record<string, string | number | boolean> | undefined;
interface RawAlert {
  disable?: boolean;
  labels?: RawLabels;
}
interface RawSpec {
  service: string;
  labels?: RawLabels;
  slos: {
    name: string;
    objective: number;
    labels?: RawLabels;
    sli: { events?: { error_query: string; total_query: string }; raw?: { error_ratio_query: string } };
    alerting?: { name?: string; labels?: RawLabels; annotations?: Record<string, string>; page_alert?: RawAlert; ticket_alert?: RawAlert };
  }[];
}

const strings = (labels: RawLabels): Record<string, string> =>
  Object.fromEntries(Object.entries(labels ?? {}).map(([k, v]) => [k, String(v)]));

/** The SLOs of a Sloth spec's text. */
export function specSlos(text: string): SpecSlo[] {
  const spec = parse(text) as RawSpec;
  return spec.slos.map((s) => {
    const fill = (q: string, window: string) => q.trim().replaceAll('{{.window}}', window);
    const { events, raw } = s.sli;
    const errorRatio = events
      ? (w: string) => `(${fill(events.error_query, w)})\n/\n(${fill(events.total_query, w)})`
      : (w: string) => `(${fill(raw!.error_ratio_query, w)})`;
    const klass = (a: RawAlert | undefined) => ({ enabled: !a?.disable, labels: strings(a?.labels) });
    return {
      service: spec.service,
      name: s.name,
      id: `${spec.service}-${s.name}`,
      objective: s.objective,
      budget: 1 - s.objective / 100,
      labels: { ...strings(spec.labels), ...strings(s.labels) },
      errorRatio,
      alertName: s.alerting?.name ?? '',
      alertLabels: strings(s.alerting?.labels),
      alertAnnotations: { ...(s.alerting?.annotations ?? {}) },
      classes: { page: klass(s.alerting?.page_alert), ticket: klass(s.alerting?.ticket_alert) },
    };
  });
}

/** One alert condition a Sloth spec implies: a window pair of an enabled class, with its threshold. */
export interface ExpectedCondition {
  readonly slo: string;
  readonly alert: string;
  readonly kind: AlertClass;
  readonly longWindow: string;
  readonly shortWindow: string;
  readonly longWindowSeconds: number;
  readonly shortWindowSeconds: number;
  readonly factor: number;
  readonly budget: number;
  /** factor × budget: both windows' error ratios above it fire the alert. */
  readonly threshold: number;
}

/** Every alert condition of a Sloth spec under a period's documented windows, in rule order. */
export function expectedConditions(text: string, period: string): ExpectedCondition[] {
  const windows = documentedWindows(period);
  return specSlos(text).flatMap((slo) =>
    windows
      .filter((w) => slo.classes[w.kind].enabled)
      .map((w) => ({
        slo: slo.name,
        alert: slo.alertName,
        kind: w.kind,
        longWindow: w.longWindow,
        shortWindow: w.shortWindow,
        longWindowSeconds: w.longWindowSeconds,
        shortWindowSeconds: w.shortWindowSeconds,
        factor: w.factor,
        budget: slo.budget,
        threshold: w.factor * slo.budget,
      })),
  );
}

/** A rule of a Prometheus rule file. */
export interface ShapedRule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** A Prometheus rule file. */
export interface ShapedRuleFile {
  readonly groups: { readonly name: string; readonly rules: ShapedRule[] }[];
}

/**
 * The rule file Sloth's documented shape gives for a spec under a period: per SLO an SLI recording
 * group (one series per distinct window, plus the period averaged from the shortest window), a
 * metadata group, and an alert group with one alert per enabled class.
 */
export function slothShapedRules(text: string, period: string): ShapedRuleFile {
  const docs = slothDocs();
  const ids = docs.rules.identityLabels;
  const windows = documentedWindows(period);
  const periodSeconds = seconds(period);
  const distinct = [...new Set(windows.flatMap((w) => [w.shortWindowSeconds, w.longWindowSeconds]))].sort((a, b) => a - b);
  const groups: ShapedRuleFile['groups'][number][] = [];
  for (const slo of specSlos(text)) {
    const identity = { [ids.id]: slo.id, [ids.service]: slo.service, [ids.slo]: slo.name };
    const selector = `{${Object.entries(identity)
      .map(([k, v]) => `${k}="${v}"`)
      .join(', ')}}`;
    const labels = (extra: Record<string, string>) => ({ ...slo.labels, ...identity, ...extra });
    const ratio = (s: number) => `slo:sli_error:ratio_rate${promDuration(s)}`;
    const shortest = ratio(distinct[0]!);
    const sli: ShapedRule[] = distinct.map((s) => ({
      record: ratio(s),
      expr: slo.errorRatio(promDuration(s)),
      labels: labels({ [ids.window]: promDuration(s) }),
    }));
    sli.push({
      record: ratio(periodSeconds),
      expr: `sum_over_time(${shortest}${selector}[${promDuration(periodSeconds)}])\n/ ignoring (${ids.window})\ncount_over_time(${shortest}${selector}[${promDuration(periodSeconds)}])`,
      labels: labels({ [ids.window]: promDuration(periodSeconds) }),
    });
    groups.push({ name: `sloth-slo-sli-recordings-${slo.id}`, rules: sli });
    // The metadata recordings carry information only; their expressions are kept simple.
    groups.push({
      name: `sloth-slo-meta-recordings-${slo.id}`,
      rules: docs.rules.metadataRecords.map((record) => ({
        record,
        expr: metadataExpr(record, slo, periodSeconds),
        labels: labels(
          record === INFO_RECORD
            ? { [docs.rules.infoLabels.objective]: String(slo.objective), [docs.rules.infoLabels.spec]: SPEC_VERSION }
            : {},
        ),
      })),
    });
    const alerts = (['page', 'ticket'] as const)
      .filter((kind) => slo.classes[kind].enabled)
      .map((kind) => {
        const pairs = windows
          .filter((w) => w.kind === kind)
          .map((w) => {
            const above = (s: number) => `max(${ratio(s)}${selector} > (${w.factor} * ${slo.budget})) without (${ids.window})`;
            return `(\n    ${above(w.shortWindowSeconds)}\n    and\n    ${above(w.longWindowSeconds)}\n)`;
          });
        return {
          alert: slo.alertName,
          expr: pairs.join('\nor\n'),
          labels: { ...slo.alertLabels, ...slo.classes[kind].labels, [docs.alerts.classLabel]: kind },
          annotations: { ...slo.alertAnnotations },
        };
      });
    if (alerts.length > 0) groups.push({ name: `sloth-slo-alerts-${slo.id}`, rules: alerts });
  }
  return { groups };
}

function metadataExpr(record: string, slo: SpecSlo, periodSeconds: number): string {
  switch (record) {
    case 'slo:objective:ratio':
      return `vector(${slo.objective / 100})`;
    case 'slo:error_budget:ratio':
      return `vector(${slo.budget})`;
    case 'slo:time_period:days':
      return `vector(${periodSeconds / 86400})`;
    default:
      return 'vector(1)';
  }
}

/** A shaped rule file as YAML text. */
export function shapedRulesYaml(file: ShapedRuleFile): string {
  return stringify(file, { lineWidth: 0 });
}

/** The number of rules Sloth's shape writes for a spec. */
export function shapedRuleCount(file: ShapedRuleFile): number {
  return file.groups.reduce((n, g) => n + g.rules.length, 0);
}
