/**
 * `slo explain [NAME] [--slos DIR] [--env NAME|FILE] [--json]`: what an SLO's error budget and
 * burn-rate alerts mean in time, and with `--env` what the alerts of the environment's layers (the
 * platform's symptom alerts) do. Every number comes from `slos/burn-rate.ts` and
 * `slos/alert-timing.ts`, or from the layer's own timing hook: the arithmetic the generated rules
 * and scenarios use, so the explanation cannot drift from the alerts.
 */
import { badEventsToFire, budgetSpentAtDetection, roundSignificant, type BurnWindow } from '../../slos/burn-rate';
import {
  branchDetectionSeconds,
  branchResetSeconds,
  burnBranch,
  DEFAULT_BACKGROUND_BURN_RATE,
  DEFAULT_OUTAGE_SECONDS,
  sloAlertTimings,
  type TimedAlert,
  type TimingOptions,
} from '../../slos/alert-timing';
import { layerAlertTimings, type LayerAlertTiming, type LayerTimingOptions } from '../../layers/layer';
import { humanDuration, parseDuration } from '../../slos/duration';
import { loadCatalog } from '../../slos/load';
import { evaluationIntervalSeconds, type Slo, type SloCatalog } from '../../slos/model';
import { parseCommandArgs } from '../args';
import { engineInputs } from '../engine-inputs';
import { EXIT, UsageError, type CliIo } from '../io';
import { DEFAULT_SLOS_DIR, render } from './validate';
import { editDistance } from '../../slos/edit-distance';

const HELP = `usage: slo explain [NAME] [--slos DIR] [--env NAME|FILE] [--background RATIO] [--outage DURATION] [--json]

Shows an SLO's error budget (as time and as a share of events), its burn-rate alerts (windows,
factor, budget share, error-ratio threshold), how soon each alert catches a full outage and a burn
just above its own factor, the budget spent by then, and how soon it resets after recovery. Then
every alert the SLO's rules raise (page, ticket, budget, no-data), branch by branch: when it fires
after a healthy history and after one at a background error ratio, and when it resolves after an
outage, naming the branch that governs; Prometheus acts within one evaluation interval after.
With --env, also the alerts the environment's platform layer adds (the symptom alerts): when each
fires after its fault starts, when it resolves after the fault ends, the window it reads, and its
echo bound (how long after a fault ends it may still start firing) — all of them without NAME,
those that read the SLO with it.
  NAME                 service/name, or a bare SLO name when only one service has it
                       (optional with --env)
  --slos DIR           spec directory (default: slos)
  --env NAME|FILE      also explain the alerts of the environment's platform layer
                       (environments/NAME.yaml or a file)
  --background RATIO   error ratio of the history before and after the outage, as a percentage of
                       events (0.2%) or a share of the error budget (0.1x)
                       (default: ${DEFAULT_BACKGROUND_BURN_RATE}x, a service spending a tenth of its budget)
  --outage DURATION    length of the full outage whose reset is shown (default: ${humanDuration(DEFAULT_OUTAGE_SECONDS)})
  --json               machine-readable output (stable keys; durations in seconds, never-firing as null)
exit: 0 explained, 1 unknown SLO or invalid specs, 2 usage error`;

/**
 * A burn just above the factor: the error ratio is the threshold times this. Small enough that the
 * detection time is the long window to the second, large enough to stay clear of float noise.
 */
const JUST_ABOVE = 1 + 1e-9;

/** One burn-rate alert window, explained. Durations in seconds; `null` when it can never fire. */
export interface ExplainedWindow {
  /** `page` (fast burn) or `ticket` (slow burn). */
  readonly kind: 'page' | 'ticket';
  readonly severity: string;
  readonly longWindow: string;
  readonly longWindowSeconds: number;
  readonly shortWindow: string;
  readonly shortWindowSeconds: number;
  /** How many times faster than "exactly on budget" errors arrive when the alert fires. */
  readonly burnRateFactor: number;
  /** Share (0–1) of the SLO window's budget spent over the long window at that factor. */
  readonly budgetShare: number;
  /** Error ratio both windows must exceed: factor × error budget. */
  readonly errorRatioThreshold: number;
  /** From the start of a full outage (after a clean history) to firing. */
  readonly fullOutageDetectionSeconds: number | null;
  /** From the start of a steady burn just above the factor to firing: the long window filling. */
  readonly detectionAtFactorSeconds: number | null;
  /** Share (0–1) of the whole budget a full outage has spent when this alert fires. */
  readonly budgetSpentAtDetection: number | null;
  /** From the end of a long full outage to the alert resolving. */
  readonly resetSeconds: number;
  /**
   * The fewest bad events in the long window that fire this alert, at the SLI's expected events
   * per hour; `null` when the spec declares no expected events (or the alert can never fire).
   */
  readonly badEventsToFire: number | null;
}

/** An SLO, explained: the document `slo explain --json` prints. */
export interface Explanation {
  readonly id: string;
  readonly service: string;
  readonly name: string;
  readonly description: string;
  readonly objectivePercent: number;
  readonly window: string;
  readonly windowSeconds: number;
  /** Events the SLI counts in a typical hour, as the spec declares (`sli.expectedEventsPerHour`); `null` when it does not. */
  readonly expectedEventsPerHour: number | null;
  readonly errorBudget: {
    /** Share (0–1) of events that may fail: 1 − objective. */
    readonly ratio: number;
    /** Time of full outage the budget allows over the SLO window. */
    readonly fullOutageSeconds: number;
  };
  /** Enabled burn-rate alerts, fast first. */
  readonly alerts: readonly ExplainedWindow[];
  /** Budget-consumption alerts (percent of the budget spent over the SLO window). */
  readonly budgetConsumed: { readonly thresholdsPercent: readonly number[]; readonly severity: string };
  /** What every time in `alertRules` assumes. */
  readonly assumptions: {
    /** Seconds between rule evaluations: a server fires or resolves within this much after each computed time. */
    readonly evaluationIntervalSeconds: number;
    /** Error ratio (0–1) of the history before and after the outage. */
    readonly backgroundErrorRatio: number;
    /** The same as a share of the error budget (its burn rate). */
    readonly backgroundBurnRate: number;
    /** Length of the full outage whose reset is computed. */
    readonly outageSeconds: number;
    /** Which of the two were defaults rather than flags. */
    readonly defaults: { readonly background: boolean; readonly outage: boolean };
  };
  /**
   * Every alert the SLO's rules raise (page, ticket, one per budget threshold, no-data), each with
   * its branches, the detection time after a healthy history and after one at the background, and
   * the reset time after the outage, naming the governing branch (slos/alert-timing.ts).
   */
  readonly alertRules: readonly TimedAlert[];
  /** With `--env`: the alerts of each layer that read this SLO (layers/layer.ts, `alertTimings`). */
  readonly layerAlerts?: readonly LayerAlerts[];
}

/** The timed alerts one layer adds. */
export interface LayerAlerts {
  /** Name of the layer (`platform`). */
  readonly layer: string;
  readonly alerts: readonly LayerAlertTiming[];
}

/** The layers' alerts explained without an SLO: the document `slo explain --env E --json` prints. */
export interface LayerExplanation {
  /** The environment, as given to `--env`. */
  readonly environment: string;
  /** What every time in `layerAlerts` assumes. */
  readonly assumptions: {
    /** The background as a share of each SLO's error budget; `null` when given as a ratio of events. */
    readonly backgroundBurnRate: number | null;
    /** The background as a ratio (0–1) of events, the same for every SLO; `null` when given as a share of the budget. */
    readonly backgroundErrorRatio: number | null;
    /** Length of the fault whose reset is computed. */
    readonly outageSeconds: number;
    /** Which of the two were defaults rather than flags. */
    readonly defaults: { readonly background: boolean; readonly outage: boolean };
  };
  readonly layerAlerts: readonly LayerAlerts[];
}

/** What `slo explain` assumes beyond the SLO: `--background`, `--outage` and the evaluation interval. */
export interface ExplainOptions {
  /** Background error ratio (0–1); default: {@link DEFAULT_BACKGROUND_BURN_RATE} × the error budget. */
  readonly backgroundErrorRatio?: number;
  /** @default 3600 — an outage of one hour */
  readonly outageSeconds?: number;
  /** @default - the SLO's own (its spec file's `evaluationInterval`), which its rule groups state */
  readonly evaluationIntervalSeconds?: number;
}

/** The timing options of `slo`, defaults resolved. */
export function timingOptions(slo: Pick<Slo, 'errorBudget' | 'evaluationInterval'>, o: ExplainOptions = {}): TimingOptions {
  return {
    evaluationIntervalSeconds: o.evaluationIntervalSeconds ?? evaluationIntervalSeconds(slo),
    backgroundErrorRatio: o.backgroundErrorRatio ?? roundSignificant(DEFAULT_BACKGROUND_BURN_RATE * slo.errorBudget),
    outageSeconds: o.outageSeconds ?? DEFAULT_OUTAGE_SECONDS,
  };
}

/** Explains one SLO with the burn-rate and alert-timing functions; pure. */
export function explainSlo(slo: Slo, options: ExplainOptions = {}): Explanation {
  const timing = timingOptions(slo, options);
  const finite = (x: number): number | null => (Number.isFinite(x) ? roundSignificant(x) : null);
  return {
    id: slo.id,
    service: slo.service,
    name: slo.name,
    description: slo.description,
    objectivePercent: slo.objectivePercent,
    window: slo.window,
    windowSeconds: slo.windowSeconds,
    expectedEventsPerHour: slo.expectedEventsPerHour ?? null,
    errorBudget: { ratio: slo.errorBudget, fullOutageSeconds: roundSignificant(slo.errorBudget * slo.windowSeconds) },
    alerts: slo.alerting.windows.map((w: BurnWindow) => {
      // the window pair as alert-timing sees it: a window summed from recorded rates with its lag
      const branch = burnBranch(slo, w, timing.evaluationIntervalSeconds);
      const detection = branchDetectionSeconds(branch);
      return {
        kind: w.kind,
        severity: w.severity,
        longWindow: w.longWindow,
        longWindowSeconds: w.longWindowSeconds,
        shortWindow: w.shortWindow,
        shortWindowSeconds: w.shortWindowSeconds,
        burnRateFactor: w.factor,
        budgetShare: w.budgetShare,
        errorRatioThreshold: w.errorRatioThreshold,
        fullOutageDetectionSeconds: finite(detection),
        detectionAtFactorSeconds: finite(Math.round(branchDetectionSeconds(branch, 0, w.errorRatioThreshold * JUST_ABOVE))),
        budgetSpentAtDetection: finite(budgetSpentAtDetection(detection, slo.objectivePercent, slo.windowSeconds)),
        // after an outage long enough to fill both windows; a window that never fires has nothing to reset
        resetSeconds: branchResetSeconds(branch, Math.max(w.longWindowSeconds, w.shortWindowSeconds)) ?? 0,
        badEventsToFire: slo.expectedEventsPerHour === undefined ? null : finite(badEventsToFire(w, slo.expectedEventsPerHour)),
      };
    }),
    budgetConsumed: {
      thresholdsPercent: slo.alerting.budgetConsumed.thresholdsPercent,
      severity: slo.alerting.budgetConsumed.severity,
    },
    assumptions: {
      ...timing,
      backgroundBurnRate: roundSignificant(timing.backgroundErrorRatio / slo.errorBudget),
      defaults: { background: options.backgroundErrorRatio === undefined, outage: options.outageSeconds === undefined },
    },
    alertRules: sloAlertTimings(slo, timing),
  };
}

/** The text form: short lines an SRE reads at a glance, one block per alert. */
export function renderExplanation(e: Explanation): string {
  const lines = [
    `${e.id}: ${e.objectivePercent} % of events good over a rolling ${e.window}`,
    `  ${e.description}`,
    '',
    `error budget: ${percent(e.errorBudget.ratio)} of events, or ${humanDuration(e.errorBudget.fullOutageSeconds)} of full outage per ${e.window}`,
  ];
  if (e.alerts.length === 0) lines.push('', 'burn-rate alerts: none (disabled)');
  for (const a of e.alerts) {
    lines.push(
      '',
      `${a.kind} alert (severity ${a.severity}): ${a.longWindow} long window, ${a.shortWindow} short window`,
      `  burn-rate factor ${a.burnRateFactor}×: ${percent(a.budgetShare)} of the budget spent in ${a.longWindow}`,
      `  fires when the error ratio over both windows is above ${percent(a.errorRatioThreshold)}`,
      `  full outage caught after ${duration(a.fullOutageDetectionSeconds)}` +
        (a.budgetSpentAtDetection === null ? '' : `, having spent ${percent(a.budgetSpentAtDetection)} of the budget`),
      `  a burn just above ${a.burnRateFactor}× caught after ${duration(a.detectionAtFactorSeconds)} (when the long window fills)`,
      `  resets ${duration(a.resetSeconds)} after recovery (the short window drops below the threshold)`,
    );
    if (a.badEventsToFire !== null && e.expectedEventsPerHour !== null) {
      const n = a.badEventsToFire;
      lines.push(
        `  at ${e.expectedEventsPerHour} events an hour, ${n} bad event${n === 1 ? '' : 's'} in ${a.longWindow} ${a.kind === 'page' ? 'page' : 'fire it'}${n === 1 ? ' (one bad event is enough)' : ''}`,
      );
    }
  }
  const b = e.budgetConsumed;
  if (b.thresholdsPercent.length > 0) {
    lines.push(
      '',
      `budget consumed alerts (severity ${b.severity}): at ${b.thresholdsPercent.map((t) => `${t} %`).join(', ')} of the ${e.window} budget`,
    );
  }
  lines.push('', ...renderTimings(e.assumptions, e.errorBudget.ratio, e.alertRules));
  return lines.join('\n');
}

/** The timing section: the assumptions, then per alert its detection and reset, then its branches. */
export function renderTimings(a: Explanation['assumptions'], errorBudget: number, alerts: readonly TimedAlert[]): string[] {
  const dflt = (yes: boolean) => (yes ? '; default' : '');
  const lines = [
    `alert timing, evaluating every ${humanDuration(a.evaluationIntervalSeconds)} (a server fires or resolves within ${humanDuration(a.evaluationIntervalSeconds)} after each time below):`,
    `  background: ${percent(a.backgroundErrorRatio)} of events failing (${roundSignificant(Number((a.backgroundErrorRatio / errorBudget).toPrecision(4)))}× the budget${dflt(a.defaults.background)}); outage: ${humanDuration(a.outageSeconds)}${a.defaults.outage ? ' (default)' : ''}`,
  ];
  for (const t of alerts) lines.push('', ...renderTimedAlert(t, a.outageSeconds));
  return lines;
}

/** One timed alert as text: its name and rule timing, its note, detection, reset and (with several) its branches. */
export function renderTimedAlert(t: TimedAlert, outageSeconds: number): string[] {
  const lines: string[] = [];
  const labels = Object.entries(t.labels).map(([k, v]) => `${k}="${v}"`);
  const extras = [
    ...(t.forSeconds > 0 ? [`for ${humanDuration(t.forSeconds)}`] : []),
    ...(t.keepFiringForSeconds > 0 ? [`keep_firing_for ${humanDuration(t.keepFiringForSeconds)}`] : []),
  ];
  lines.push(
    `${t.kind}: ${t.alert}${labels.length > 0 ? `{${labels.join(', ')}}` : ''} (severity ${t.severity}${extras.map((x) => `, ${x}`).join('')})`,
  );
  if (t.note) lines.push(`  ${t.note}`);
  const d = t.detection;
  lines.push(
    `  fires ${duration(d.healthySeconds)} into a full outage after a healthy history${governs(d.governingBranch, t)}; ` +
      `${duration(d.atBackgroundSeconds)} after one at the background${governs(d.governingBranchAtBackground, t)}`,
    t.reset.afterOutageSeconds === null
      ? `  resolves: ${d.atBackgroundSeconds !== null && d.atBackgroundSeconds < outageSeconds ? 'never at this background' : `does not fire in a ${humanDuration(outageSeconds)} outage`}`
      : `  resolves ${duration(t.reset.afterOutageSeconds)} after a ${humanDuration(outageSeconds)} outage ends${governs(t.reset.governingBranch, t, 'clears last')}`,
  );
  if (t.branches.length > 1) {
    for (const b of t.branches) {
      const reset =
        b.resetAfterOutageSeconds === null ? 'does not clear (or never held)' : `clears ${duration(b.resetAfterOutageSeconds)} after it`;
      lines.push(
        `    ${b.branch}: holds after ${duration(b.detectionHealthySeconds)} (healthy), ${duration(b.detectionAtBackgroundSeconds)} (background); ${reset}`,
      );
    }
  }
  return lines;
}

function governs(branch: string | null, t: TimedAlert, what = 'fires first'): string {
  if (branch === null || t.branches.length < 2) return '';
  return ` (${branch} governs: it ${what})`;
}

/** A `--background` as given: a ratio of events, or a share of each SLO's error budget. */
export type Background = { readonly errorRatio: number } | { readonly burnRate: number };

/** Parses `--background` without an SLO: a percentage of events (`0.2%`) or a share of the error budget (`0.1x`). */
export function parseBackgroundSpec(text: string): Background {
  const m = /^(\d+(?:\.\d+)?)(%|x)$/.exec(text.trim());
  const value = m ? Number(m[1]) : NaN;
  if (!m || (m[2] === '%' && !(value < 100)))
    throw new UsageError(
      `--background must be a percentage of events such as 0.2% or a share of the error budget such as 0.1x, below 100 %; got "${text}"`,
    );
  return m[2] === '%' ? { errorRatio: roundSignificant(value / 100) } : { burnRate: value };
}

/** The background error ratio of an SLO with `errorBudget` under `background`; throws when it reaches 100 %. */
export function backgroundRatio(background: Background, errorBudget: number, text: string): number {
  const ratio = 'errorRatio' in background ? background.errorRatio : background.burnRate * errorBudget;
  if (!(ratio < 1))
    throw new UsageError(
      `--background must be a percentage of events such as 0.2% or a share of the error budget such as 0.1x, below 100 %; got "${text}"`,
    );
  return roundSignificant(ratio);
}

/** Parses `--background`: a percentage of events (`0.2%`) or a share of the error budget (`0.1x`). */
export function parseBackground(text: string, errorBudget: number): number {
  return backgroundRatio(parseBackgroundSpec(text), errorBudget, text);
}

/**
 * The timing options of the layers' alerts: the background as given (a ratio of events, or a share
 * of each SLO's budget; default {@link DEFAULT_BACKGROUND_BURN_RATE}× the budget) and the outage.
 */
export function layerTimingOptions(background: string | undefined, outageSeconds: number): LayerTimingOptions {
  const spec = background === undefined ? { burnRate: DEFAULT_BACKGROUND_BURN_RATE } : parseBackgroundSpec(background);
  return { backgroundErrorRatio: (errorBudget) => backgroundRatio(spec, errorBudget, background ?? ''), outageSeconds };
}

/** The text form of the layers' alerts: a header with the assumptions, then one block per alert. */
export function renderLayerAlerts(
  layers: readonly LayerAlerts[],
  a: {
    readonly background: string;
    readonly outageSeconds: number;
    readonly defaults: { readonly background: boolean; readonly outage: boolean };
  },
): string[] {
  const lines: string[] = [];
  for (const l of layers) {
    const intervals = [...new Set(l.alerts.map((t) => t.evaluationIntervalSeconds))].map((s) => humanDuration(s));
    lines.push(
      `alerts of the ${l.layer} layer, evaluating every ${intervals.join(' or ')} (a server sees each change at the next scrape and fires or resolves within one evaluation after each time below):`,
      `  background: ${a.background}${a.defaults.background ? ' (default)' : ''}; fault: ${humanDuration(a.outageSeconds)}${a.defaults.outage ? ' (default)' : ''}`,
    );
    if (l.alerts.length === 0) lines.push('  none reads this slo');
    for (const t of l.alerts) {
      lines.push('', ...renderTimedAlert(t, a.outageSeconds));
      const window = t.windowSeconds === null ? 'its newest samples' : `the last ${duration(t.windowSeconds)}`;
      lines.push(
        t.echoSeconds > 0
          ? `  echo bound: it reads ${window} under a ${humanDuration(t.forSeconds)} hold, so it may still start firing up to ${duration(t.echoSeconds)} after a fault ends` +
              (t.echoSeconds > t.evaluationIntervalSeconds ? ' (more than one evaluation: its description says so)' : '')
          : `  echo bound: none, it reads ${window} and fires only while they show the fault`,
      );
    }
    lines.push('');
  }
  return lines.slice(0, -1);
}

/** Parses `--outage`: a positive duration such as `50m` or `2h`. */
export function parseOutage(text: string): number {
  let seconds = NaN;
  try {
    seconds = parseDuration(text.trim());
  } catch {
    seconds = NaN;
  }
  if (!(seconds > 0)) throw new UsageError(`--outage must be a duration such as 50m or 2h; got "${text}"`);
  return seconds;
}

/** Runs `slo explain`. */
export function explain(args: string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      slos: { type: 'string' },
      env: { type: 'string' },
      json: { type: 'boolean' },
      background: { type: 'string' },
      outage: { type: 'string' },
    },
    1,
  );
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  const ref = positionals[0];
  if (!ref && values.env === undefined) throw new UsageError('NAME is required: an SLO as service/name or a unique bare name');
  const outageSeconds = values.outage === undefined ? undefined : parseOutage(values.outage);
  // parsed before anything is loaded, so a bad value is a usage error whatever else is wrong
  const layerOptions = layerTimingOptions(values.background, outageSeconds ?? DEFAULT_OUTAGE_SECONDS);
  const { catalog, problems } = loadCatalog({ slosDir: values.slos ?? DEFAULT_SLOS_DIR });
  if (!catalog) {
    io.err(render('text', problems, 0));
    return EXIT.invalid;
  }
  let layers: LayerAlerts[] | undefined;
  if (values.env !== undefined) {
    const resolved = engineInputs({ env: values.env }, catalog);
    if (!resolved.inputs) {
      io.err(render('text', resolved.problems, 0));
      return EXIT.invalid;
    }
    layers = layerAlertTimings(resolved.inputs, layerOptions);
  }
  const background = {
    background:
      values.background === undefined
        ? `${DEFAULT_BACKGROUND_BURN_RATE}× each slo's error budget`
        : values.background.trim().endsWith('%')
          ? `${values.background.trim()} of events`
          : `${values.background.trim().slice(0, -1)}× each slo's error budget`,
    outageSeconds: outageSeconds ?? DEFAULT_OUTAGE_SECONDS,
    defaults: { background: values.background === undefined, outage: outageSeconds === undefined },
  };
  if (!ref) {
    const spec = values.background === undefined ? { burnRate: DEFAULT_BACKGROUND_BURN_RATE } : parseBackgroundSpec(values.background);
    const explanation: LayerExplanation = {
      environment: values.env!,
      assumptions: {
        backgroundBurnRate: 'burnRate' in spec ? spec.burnRate : null,
        backgroundErrorRatio: 'errorRatio' in spec ? spec.errorRatio : null,
        outageSeconds: background.outageSeconds,
        defaults: background.defaults,
      },
      layerAlerts: layers!,
    };
    io.out(values.json ? JSON.stringify(explanation, null, 2) : renderLayerAlerts(layers!, background).join('\n'));
    return EXIT.ok;
  }
  const found = resolve(catalog, ref);
  if ('error' in found) {
    io.err(`slo explain: ${found.error}`);
    return EXIT.invalid;
  }
  const slo = found.slo;
  const explanation: Explanation = {
    ...explainSlo(slo, {
      ...(values.background === undefined ? {} : { backgroundErrorRatio: parseBackground(values.background, slo.errorBudget) }),
      ...(outageSeconds === undefined ? {} : { outageSeconds }),
    }),
    ...(layers ? { layerAlerts: layers.map((l) => ({ layer: l.layer, alerts: l.alerts.filter((t) => t.slo === slo.id) })) } : {}),
  };
  const text = () =>
    [
      renderExplanation(explanation),
      ...(explanation.layerAlerts ? ['', ...renderLayerAlerts(explanation.layerAlerts, background)] : []),
    ].join('\n');
  io.out(values.json ? JSON.stringify(explanation, null, 2) : text());
  return EXIT.ok;
}

/** Finds `ref` as `service/name` or unique bare name; otherwise says what was meant or what exists. */
export function resolve(catalog: SloCatalog, ref: string): { slo: Slo } | { error: string } {
  const exact = catalog.slos.find((s) => s.id === ref);
  if (exact) return { slo: exact };
  const byName = catalog.slos.filter((s) => s.name === ref);
  if (byName.length === 1) return { slo: byName[0]! };
  if (byName.length > 1) {
    return { error: `"${ref}" is the name of ${byName.length} slos; say which: ${byName.map((s) => s.id).join(', ')}` };
  }
  const ids = catalog.slos.map((s) => s.id);
  const close = ids.filter((id) => isClose(ref, id));
  return close.length > 0
    ? { error: `unknown slo "${ref}"; did you mean: ${close.join(', ')}?` }
    : { error: `unknown slo "${ref}"; known slos: ${ids.join(', ')}` };
}

/** Close when one contains the other's name part, or the edit distance is small for its length. */
function isClose(ref: string, id: string): boolean {
  const name = id.slice(id.indexOf('/') + 1);
  const r = ref.toLowerCase();
  if (r.length >= 3 && (id.includes(r) || r.includes(name))) return true;
  const target = r.includes('/') ? id : name;
  return editDistance(r, target) <= Math.max(1, Math.floor(target.length / 4));
}

function percent(ratio: number): string {
  return `${roundSignificant(Number((ratio * 100).toPrecision(4)))} %`;
}

function duration(seconds: number | null): string {
  if (seconds === null) return 'never (the threshold is 100 % or more)';
  // Exact seconds first (the Workbook's worked examples are quoted that way), then the human form.
  const exact = `${roundSignificant(Number(seconds.toPrecision(6)))}s`;
  return seconds < 60 || Number.isInteger(seconds) ? humanOrExact(seconds, exact) : `${exact} (${humanDuration(seconds)})`;
}

function humanOrExact(seconds: number, exact: string): string {
  return seconds < 60 ? exact : humanDuration(seconds);
}
