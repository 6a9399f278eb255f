/**
 * Reader for Sloth's `prometheus/v1` spec format (https://sloth.dev), so teams
 * that already keep Sloth specs can feed them to `slo` unchanged. A Sloth file is shape-checked
 * with its own zod schema, checked by a few semantic rules, and mapped to the same `Slo` model
 * as a native spec, so every renderer treats both alike.
 *
 * Where Sloth and the platform differ, the reader follows Sloth (docs/peers.md lists each case):
 * Sloth's four alert windows and its budget shares, no runbook requirement, no budget-consumed
 * alerts, an SLO period chosen by the caller (Sloth's `--default-slo-period`) rather than by the
 * file.
 */
import { z } from 'zod';
import { burnRateFactor, errorBudgetRatio, roundSignificant, type BurnWindow } from './burn-rate';
import { defaultAlertName } from './conventions';
import { formatDuration, parseDuration } from './duration';
import type { PromSli, Slo, SourceRef } from './model';
import type { Problem } from './problems';
import { promqlSyntaxError } from './promql';
import { DEFAULT_EVALUATION_INTERVAL, MAX_NAME_LENGTH, SEVERITIES, type Severity, type SloWindow } from './schema';
import { NO_TEMPLATE_MESSAGE, NO_TEMPLATE_RE } from './text-policy';
import { locate, problemAt, type YamlSource } from './yaml-source';
import { zodProblems } from './zod-problem';

/** The `version` literal that marks a Sloth spec. */
export const SLOTH_VERSION = 'prometheus/v1';

/** SLO periods Sloth ships an alert-window catalogue for (its `google-30d` and `google-28d`). */
export const SLOTH_PERIODS = ['30d', '28d'] as const satisfies readonly SloWindow[];
/** A period Sloth supports out of the box. */
export type SlothPeriod = (typeof SLOTH_PERIODS)[number];

/** One row of Sloth's alert-window catalogue. */
export interface SlothWindowRow {
  /** `page` or `ticket`, Sloth's two alert classes. */
  readonly kind: 'page' | 'ticket';
  /** Share (0–1) of the SLO period's budget spent over the long window, literal for that period. */
  readonly budgetShare: number;
  readonly longWindowSeconds: number;
  readonly shortWindowSeconds: number;
}

/**
 * Sloth's default alert windows (`internal/alert/windows/google-30d.yaml` and `google-28d.yaml`,
 * taken from the SRE Workbook's recommended parameters). Unlike the platform's table, Sloth adds
 * a 1 d/2 h ticket window and states the shares for whichever period is in use, so a 28 d SLO gets
 * smaller factors (13.44 instead of 14.4) rather than the same ones.
 */
export const SLOTH_WINDOWS: readonly SlothWindowRow[] = Object.freeze([
  { kind: 'page', budgetShare: 0.02, longWindowSeconds: 3600, shortWindowSeconds: 300 },
  { kind: 'page', budgetShare: 0.05, longWindowSeconds: 21600, shortWindowSeconds: 1800 },
  { kind: 'ticket', budgetShare: 0.1, longWindowSeconds: 86400, shortWindowSeconds: 7200 },
  { kind: 'ticket', budgetShare: 0.1, longWindowSeconds: 259200, shortWindowSeconds: 21600 },
]);

/** Label key that keeps a Sloth `severity` label value that is not one of the platform's four. */
export const LEGACY_SEVERITY_LABEL = 'legacy_severity';

const WINDOW_PLACEHOLDER = '{{.window}}';
// Sloth's own name rule for services and SLOs (letters, digits, `-`, `_`, `.`).
const SLOTH_NAME_RE = /^[A-Za-z0-9][-A-Za-z0-9_.]*$/;
const LABEL_KEY_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const ALERT_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

// Sloth reads label values into Go strings, so an unquoted `tier: 2` is the string "2".
// Label and annotation values become alert labels and annotations, which Prometheus and Grafana
// expand as Go templates: `{{`/`}}` are refused (slos/text-policy.ts).
const labelValue = z
  .union([z.string(), z.number(), z.boolean()])
  .transform(String)
  .pipe(z.string().regex(NO_TEMPLATE_RE, { message: NO_TEMPLATE_MESSAGE }));
const labels = z
  .record(z.string().regex(LABEL_KEY_RE, { message: 'label keys must match [a-zA-Z_][a-zA-Z0-9_]*' }), labelValue)
  .default({})
  .describe('Prometheus labels.');
const annotations = z
  .record(z.string(), z.string().regex(NO_TEMPLATE_RE, { message: NO_TEMPLATE_MESSAGE }))
  .default({})
  .describe('Prometheus alert annotations.');
const slothName = (what: string) =>
  z
    .string()
    .regex(SLOTH_NAME_RE, { message: `${what} must start with a letter or digit and use only letters, digits, -, _ and .` })
    .max(MAX_NAME_LENGTH, { message: `allowed: at most ${MAX_NAME_LENGTH} characters; it becomes a label value` });

const subAlert = z
  .strictObject({
    disable: z.boolean().default(false).describe('Drops this alert class.'),
    labels,
    annotations,
  })
  .default({ disable: false, labels: {}, annotations: {} })
  .describe("One of Sloth's alert classes (`page_alert` or `ticket_alert`).");

/** Zod schema of a Sloth `prometheus/v1` file (the fields Sloth documents for that version). */
export const slothSpecSchema = z
  .strictObject({
    version: z.literal(SLOTH_VERSION).describe('Sloth spec version.'),
    service: slothName('service').describe('Service the SLOs belong to.'),
    labels,
    slos: z
      .array(
        z.strictObject({
          name: slothName('slo name'),
          objective: z
            .number()
            .gt(0, { message: 'a number greater than 0 and less than 100' })
            .lt(100, { message: 'a number greater than 0 and less than 100 (100 leaves no error budget to alert on)' })
            .describe('Target share of good events, in percent.'),
          description: z.string().default(''),
          labels,
          sli: z
            .strictObject({
              events: z
                .strictObject({
                  error_query: z.string().min(1).describe('PromQL rate of bad events with `{{.window}}`.'),
                  total_query: z.string().min(1).describe('PromQL rate of all events with `{{.window}}`.'),
                })
                .optional(),
              raw: z.strictObject({ error_ratio_query: z.string().min(1).describe('PromQL error ratio with `{{.window}}`.') }).optional(),
              plugin: z.unknown().optional().describe('Sloth SLI plugin (not supported here; reported).'),
            })
            .describe('Exactly one of events or raw.'),
          alerting: z
            .strictObject({
              name: z.string().regex(ALERT_NAME_RE, { message: 'alert names must match [a-zA-Z_][a-zA-Z0-9_]*' }).optional(),
              labels,
              annotations,
              page_alert: subAlert,
              ticket_alert: subAlert,
            })
            .default({
              labels: {},
              annotations: {},
              page_alert: { disable: false, labels: {}, annotations: {} },
              ticket_alert: { disable: false, labels: {}, annotations: {} },
            }),
        }),
      )
      .min(1)
      .describe('The SLOs of the service.'),
  })
  .describe('A Sloth prometheus/v1 spec file.');

/** A parsed Sloth file, defaults applied. */
export type SlothSpec = z.output<typeof slothSpecSchema>;

/** Options of the Sloth reader. */
export interface SlothOptions {
  /**
   * SLO period of every SLO in the file; Sloth takes it from the command line, not the spec.
   *
   * @default '30d' — Sloth's own default period
   */
  readonly period?: SlothPeriod;
}

/** True when a parsed YAML value looks like a Sloth `prometheus/v1` spec. */
export function isSlothSpec(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { version?: unknown }).version === SLOTH_VERSION;
}

/** Resolves Sloth's alert windows for one SLO: factors and thresholds from the burn-rate module. */
export function slothBurnWindows(
  objectivePercent: number,
  periodSeconds: number,
  severities: { readonly page: Severity; readonly ticket: Severity },
): BurnWindow[] {
  const budget = errorBudgetRatio(objectivePercent);
  return SLOTH_WINDOWS.map((row) => {
    const factor = burnRateFactor(row.budgetShare, periodSeconds, row.longWindowSeconds);
    return {
      kind: row.kind,
      id: formatDuration(row.longWindowSeconds),
      severity: severities[row.kind],
      longWindowSeconds: row.longWindowSeconds,
      shortWindowSeconds: row.shortWindowSeconds,
      longWindow: formatDuration(row.longWindowSeconds),
      shortWindow: formatDuration(row.shortWindowSeconds),
      budgetShare: row.budgetShare,
      factor,
      errorRatioThreshold: roundSignificant(factor * budget),
    };
  });
}

/** Shape-checks a Sloth spec, runs its semantic rules and maps it to SLO models. */
export function fromSloth(source: YamlSource, options: SlothOptions = {}): { slos: Slo[]; problems: Problem[] } {
  const parsed = slothSpecSchema.safeParse(source.value, { reportInput: true });
  if (!parsed.success) return { slos: [], problems: parsed.error.issues.flatMap((i) => zodProblems(source, i, slothSpecSchema)) };
  const spec = parsed.data;
  const period = options.period ?? '30d';
  const problems = spec.slos.flatMap((_, i) => slothRules(source, spec, i, parseDuration(period)));
  if (problems.length > 0) return { slos: [], problems };
  return { slos: spec.slos.map((_, i) => toModel(source, spec, i, period)), problems: [] };
}

function slothRules(source: YamlSource, spec: SlothSpec, index: number, periodSeconds: number): Problem[] {
  const s = spec.slos[index]!;
  const at = (path: PropertyKey[], message: string, rule: string) => problemAt(source, ['slos', index, ...path], message, rule, true);
  const out: Problem[] = [];
  if (s.sli.plugin !== undefined) {
    out.push(at(['sli', 'plugin'], 'sloth sli plugins are not supported; write the sli as events or raw queries', 'sloth-sli'));
  }
  const kinds = (['events', 'raw'] as const).filter((k) => s.sli[k] !== undefined);
  if (kinds.length !== 1 && s.sli.plugin === undefined) {
    const given = kinds.length === 0 ? 'none given' : 'both given';
    out.push(at(['sli'], `sli needs exactly one of events or raw; ${given}`, 'sloth-sli'));
  }
  const queries: [PropertyKey[], string | undefined][] = [
    [['sli', 'events', 'error_query'], s.sli.events?.error_query],
    [['sli', 'events', 'total_query'], s.sli.events?.total_query],
    [['sli', 'raw', 'error_ratio_query'], s.sli.raw?.error_ratio_query],
  ];
  for (const [path, query] of queries) {
    if (query === undefined) continue;
    const field = path.join('.');
    if (!query.includes(WINDOW_PLACEHOLDER)) {
      out.push(at(path, `${field} has no ${WINDOW_PLACEHOLDER} placeholder; each rule window is put there`, 'sloth-query'));
      continue;
    }
    const err = promqlSyntaxError(query.replaceAll(WINDOW_PLACEHOLDER, '5m'));
    if (err) out.push(at(path, `${field}: ${err.message}`, 'sloth-query'));
  }
  for (const w of slothBurnWindows(s.objective, periodSeconds, { page: 'page', ticket: 'warning' })) {
    const alert = w.kind === 'page' ? s.alerting.page_alert : s.alerting.ticket_alert;
    if (alert.disable || w.errorRatioThreshold < 1) continue;
    out.push(
      at(
        ['objective'],
        `objective ${s.objective} leaves a budget too large for the ${w.longWindow} ${w.kind} alert: its threshold ${w.factor} × ${roundSignificant(100 - s.objective)} % ≥ 100 % can never fire; raise the objective or set alerting.${w.kind}_alert.disable`,
        'alerts-can-fire',
      ),
    );
  }
  return out;
}

function toModel(source: YamlSource, spec: SlothSpec, index: number, period: SlothPeriod): Slo {
  const s = spec.slos[index]!;
  const at = (...path: PropertyKey[]): SourceRef => ({ file: source.file, ...locate(source, path, true) });
  const a = s.alerting;
  const page = severityOf(a.page_alert.labels, 'page');
  const ticket = severityOf(a.ticket_alert.labels, 'warning');
  const severities = { page: page.severity, ticket: ticket.severity };
  const windowSeconds = parseDuration(period);
  const enabled = { page: !a.page_alert.disable, ticket: !a.ticket_alert.disable };
  const windows = slothBurnWindows(s.objective, windowSeconds, severities).filter((w) => enabled[w.kind]);
  const sli: PromSli = s.sli.events
    ? { kind: 'ratio', errorQuery: s.sli.events.error_query.trim(), totalQuery: s.sli.events.total_query.trim() }
    : { kind: 'raw', errorRatioQuery: s.sli.raw!.error_ratio_query.trim() };
  const merged = { ...spec.labels, ...s.labels };
  const runbookUrl = runbookOf({ ...a.annotations, ...a.page_alert.annotations });
  return {
    id: `${spec.service}/${s.name}`,
    service: spec.service,
    name: s.name,
    description: s.description || `${spec.service} ${s.name}`,
    // Sloth has no owner field; its examples carry the team in an `owner` or `team` label.
    team: merged['team'] ?? merged['owner'] ?? spec.service,
    objectivePercent: s.objective,
    objective: 1 - errorBudgetRatio(s.objective),
    errorBudget: errorBudgetRatio(s.objective),
    window: period,
    windowSeconds,
    // Sloth's format states no interval; its rules run at the server's (Prometheus' default: 1 m).
    evaluationInterval: DEFAULT_EVALUATION_INTERVAL,
    labels: merged,
    sli,
    alerting: {
      name: a.name ?? defaultAlertName(spec.service, s.name),
      ...(runbookUrl ? { runbookUrl } : {}),
      labels: a.labels,
      kindLabels: { page: page.labels, ticket: ticket.labels },
      severities,
      windows,
      // Sloth has no budget-consumed alerts; keeping that makes the rule count comparable.
      budgetConsumed: { thresholdsPercent: [], severity: 'info' },
    },
    source: {
      slo: at('slos', index, 'name'),
      objective: at('slos', index, 'objective'),
      // The period is not in the file; point at the version line that made it a Sloth spec.
      window: at('version'),
    },
  };
}

/**
 * Splits a Sloth alert's `severity` label from its other labels. One of the platform's four
 * levels becomes the alert's severity; any other value (Sloth's examples use `pageteam`, `slack`)
 * keeps routing information under `legacy_severity`, and the alert gets the default severity.
 */
function severityOf(labels: Readonly<Record<string, string>>, fallback: Severity): { severity: Severity; labels: Record<string, string> } {
  const { severity, ...rest } = labels;
  if (severity === undefined) return { severity: fallback, labels: rest };
  if ((SEVERITIES as readonly string[]).includes(severity)) return { severity: severity as Severity, labels: rest };
  return { severity: fallback, labels: { ...rest, [LEGACY_SEVERITY_LABEL]: severity } };
}

/** A runbook link from Sloth annotations (`runbook_url`, or the `runbook` its examples use). */
function runbookOf(annotations: Readonly<Record<string, string>>): string | undefined {
  const url = annotations['runbook_url'] ?? annotations['runbook'];
  return url && /^https?:\/\//.test(url) ? url : undefined;
}
