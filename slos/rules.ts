/**
 * Semantic rules, as a table: each checks what zod cannot (exclusive fields, bucket membership,
 * PromQL syntax, runbooks for pages, alerts that could never fire, unique names). Every rule
 * reports all it finds.
 */
import { badEventsToFire, burnWindows, oneEventErrorRatio, roundSignificant } from './burn-rate';
import { CLOUD_MONITORING_FILTER_PLACEHOLDERS } from './conventions';
import { parseDuration } from './duration';
import type { Slo } from './model';
import type { Problem } from './problems';
import { promqlSyntaxError, promqlTemplateError } from './promql';
import { MAX_NAME_LENGTH, type SpecFile, type SloSpec } from './schema';
import { problemAt, type YamlSource } from './yaml-source';

/** A per-SLO rule; `at` places a problem at a field (and, with `charOffset`, at a character of its value). */
type SloRule = (
  slo: SloSpec,
  at: (path: PropertyKey[], message: string, preferValue?: boolean, charOffset?: number) => Problem,
) => Problem[];

const WINDOW_PLACEHOLDER = '{{.window}}';

/** The per-SLO rules of a native spec, by id. */
export const SLO_RULES: Readonly<Record<string, SloRule>> = {
  'sli-kind': (s, at) => {
    const kinds = (['ratio', 'latency'] as const).filter((k) => s.sli[k] !== undefined);
    if (kinds.length === 1) return [];
    return [
      at(
        ['sli'],
        kinds.length === 0
          ? 'sli has neither ratio nor latency; allowed: exactly one of them'
          : 'sli has both ratio and latency; allowed: exactly one of them',
      ),
    ];
  },
  'ratio-queries': (s, at) => {
    const r = s.sli.ratio;
    if (!r) return [];
    const out: Problem[] = [];
    if ((r.errorQuery === undefined) === (r.goodQuery === undefined)) {
      out.push(
        at(
          ['sli', 'ratio'],
          `sli.ratio has ${r.errorQuery === undefined ? 'neither errorQuery nor goodQuery' : 'both errorQuery and goodQuery'}; allowed: exactly one of them`,
        ),
      );
    }
    for (const key of ['errorQuery', 'goodQuery', 'totalQuery'] as const) {
      const q = r[key];
      if (q === undefined) continue;
      if (!q.includes(WINDOW_PLACEHOLDER)) {
        out.push(
          at(['sli', 'ratio', key], `sli.ratio.${key} has no ${WINDOW_PLACEHOLDER} placeholder; each rule window is put there`, true),
        );
        continue;
      }
      const err = promqlTemplateError(q, WINDOW_PLACEHOLDER, '5m');
      if (err)
        out.push(at(['sli', 'ratio', key], `sli.ratio.${key} is not valid promql: ${whereItFails(q, err.offset)}`, true, err.offset));
    }
    return out;
  },
  'latency-bucket': (s, at) => {
    const l = s.sli.latency;
    if (!l) return [];
    const out: Problem[] = [];
    if (!l.buckets.includes(l.thresholdSeconds)) {
      out.push(
        at(
          ['sli', 'latency', 'thresholdSeconds'],
          `sli.latency.thresholdSeconds ${l.thresholdSeconds} is not a declared bucket; allowed: one of sli.latency.buckets (${l.buckets.join(', ')}), or the sli would only be approximate`,
          true,
        ),
      );
    }
    const sorted = [...l.buckets].sort((a, b) => a - b);
    if (new Set(sorted).size !== sorted.length)
      out.push(
        at(
          ['sli', 'latency', 'buckets'],
          `sli.latency.buckets repeats a boundary (${l.buckets.join(', ')}); allowed: distinct values`,
          true,
        ),
      );
    const prefix = `${l.histogram}_bucket{`;
    const err = promqlSyntaxError(`${prefix}${l.selector}}`);
    if (err) {
      const offset = Math.min(Math.max(0, err.offset - prefix.length), l.selector.length);
      out.push(
        at(
          ['sli', 'latency', 'selector'],
          `sli.latency.selector ${JSON.stringify(l.selector)} is not a valid promql label matcher list: ${whereItFails(l.selector, offset)}`,
          true,
          offset,
        ),
      );
    }
    return out;
  },
  'cloud-monitoring-form': (s, at) => {
    const cm = s.sli.cloudMonitoring;
    if (!cm) return [];
    const forms = [cm.goodTotalRatio, cm.distributionCut].filter((f) => f !== undefined);
    if (forms.length !== 1)
      return [at(['sli', 'cloudMonitoring'], 'sli.cloudMonitoring needs exactly one of goodTotalRatio or distributionCut')];
    const out: Problem[] = [];
    const r = cm.goodTotalRatio;
    if (r && (r.goodFilter === undefined) === (r.badFilter === undefined)) {
      out.push(
        at(['sli', 'cloudMonitoring', 'goodTotalRatio'], 'sli.cloudMonitoring.goodTotalRatio needs exactly one of goodFilter or badFilter'),
      );
    }
    const d = cm.distributionCut;
    if (d) {
      const latency = s.sli.latency;
      const cutSeconds = d.unit === 'ms' ? d.rangeMax / 1000 : d.rangeMax;
      if (!latency) {
        out.push(
          at(
            ['sli', 'cloudMonitoring', 'distributionCut'],
            'sli.cloudMonitoring.distributionCut needs a latency sli to cut at its threshold',
          ),
        );
      } else if (Math.abs(cutSeconds - latency.thresholdSeconds) > 1e-9) {
        out.push(
          at(
            ['sli', 'cloudMonitoring', 'distributionCut', 'rangeMax'],
            `sli.cloudMonitoring.distributionCut.rangeMax is ${d.rangeMax} ${d.unit}; it must equal the latency threshold ${latency.thresholdSeconds} s`,
            true,
          ),
        );
      }
    }
    const filters: [string[], string | undefined][] = [
      [['goodTotalRatio', 'goodFilter'], r?.goodFilter],
      [['goodTotalRatio', 'badFilter'], r?.badFilter],
      [['goodTotalRatio', 'totalFilter'], r?.totalFilter],
      [['distributionCut', 'distributionFilter'], d?.distributionFilter],
    ];
    for (const [path, text] of filters) {
      for (const m of (text ?? '').matchAll(/\{\{\.?([^}]*)\}\}/g)) {
        if ((CLOUD_MONITORING_FILTER_PLACEHOLDERS as readonly string[]).includes(m[1]!) && m[0].startsWith('{{.')) continue;
        const allowed = CLOUD_MONITORING_FILTER_PLACEHOLDERS.map((p) => `{{.${p}}}`).join(', ');
        out.push(
          at(
            ['sli', 'cloudMonitoring', ...path],
            `sli.cloudMonitoring.${path.join('.')} has unknown placeholder ${m[0]}; allowed: ${allowed}`,
            true,
          ),
        );
      }
    }
    return out;
  },
  'runbook-for-pages': (s, at) => {
    const a = s.alerting;
    const pages =
      (a.page.enabled && (a.page.severity ?? 'page') === 'page') ||
      (a.ticket.enabled && a.ticket.severity === 'page') ||
      (a.budgetConsumed.thresholdsPercent.length > 0 && a.budgetConsumed.severity === 'page');
    if (!pages || a.runbookUrl) return [];
    return [at(['alerting'], 'alerting.runbookUrl is missing but this slo pages; every paging alert needs a runbook url')];
  },
  'alerts-can-fire': (s, at) => {
    // an objective written as a fraction gets its own message (objective-fraction), not this hint
    if (s.objective <= FRACTION_LIMIT) return [];
    const out: Problem[] = [];
    const windows = burnWindows(s.objective, parseDuration(s.window), { page: 'page', ticket: 'warning' });
    for (const w of windows) {
      if (!s.alerting[w.kind].enabled || w.errorRatioThreshold < 1) continue;
      out.push(
        at(
          ['objective'],
          `objective is ${s.objective}, which leaves a budget too large for the ${w.longWindow} ${w.kind} alert: its threshold ${w.factor} × ${(100 - s.objective).toFixed(3)} % ≥ 100 % can never fire; raise the objective or disable alerting.${w.kind}`,
          true,
        ),
      );
    }
    return out;
  },
  'histogram-base-name': (s, at) => {
    const l = s.sli.latency;
    const suffix = l && HISTOGRAM_SERIES_SUFFIXES.find((x) => l.histogram.endsWith(x));
    if (!l || !suffix) return [];
    const base = l.histogram.slice(0, -suffix.length);
    return [
      at(
        ['sli', 'latency', 'histogram'],
        `sli.latency.histogram "${l.histogram}" ends with ${suffix}, so the sli would select ${l.histogram}_bucket and ${l.histogram}_count, which do not exist; allowed: the histogram's base name, without _bucket, _count or _sum: use the base name "${base}"`,
        true,
      ),
    ];
  },
  'objective-fraction': (s, at) => {
    if (s.objective > FRACTION_LIMIT) return [];
    return [
      at(
        ['objective'],
        `objective is ${s.objective}, which looks like a fraction: did you mean ${asPercent(s.objective)}? allowed: a percentage greater than ${FRACTION_LIMIT} and less than 100 (an objective of ${s.objective} % would leave a budget of ${roundSignificant(100 - s.objective)} % of events)`,
        true,
      ),
    ];
  },
  'budget-thresholds-fraction': (s, at) => {
    const given = s.alerting.budgetConsumed.thresholdsPercent;
    if (!given.some((t) => t < FRACTION_LIMIT)) return [];
    const meant = given.map((t) => (t < FRACTION_LIMIT ? asPercent(t) : t));
    return [
      at(
        ['alerting', 'budgetConsumed', 'thresholdsPercent'],
        `alerting.budgetConsumed.thresholdsPercent is [${given.join(', ')}], which looks like fractions: did you mean ${meant.join(', ')}? allowed: percentages of the error budget, each at least ${FRACTION_LIMIT} and less than 100`,
        true,
      ),
    ];
  },
  'latency-milliseconds': (s, at) => {
    const l = s.sli.latency;
    if (!l) return [];
    const largest = Math.max(...l.buckets);
    if (l.thresholdSeconds < MILLISECONDS_THRESHOLD && largest < MILLISECONDS_BUCKET) return [];
    return [
      {
        ...at(
          ['sli', 'latency', 'thresholdSeconds'],
          `sli.latency.thresholdSeconds is ${l.thresholdSeconds} and sli.latency.buckets go up to ${largest}, which look like milliseconds; allowed: seconds, as prometheus histograms are (${l.thresholdSeconds} ms is ${roundSignificant(l.thresholdSeconds / 1000)}); keep them if the latency really is ${l.thresholdSeconds} s`,
          true,
        ),
        severity: 'warning',
      },
    ];
  },
  'low-traffic-page': (s, at) => {
    const perHour = s.sli.expectedEventsPerHour;
    if (perHour === undefined || !s.alerting.page.enabled || s.objective <= FRACTION_LIMIT) return [];
    const out: Problem[] = [];
    for (const w of burnWindows(s.objective, parseDuration(s.window), { page: 'page', ticket: 'warning' })) {
      if (w.kind !== 'page' || badEventsToFire(w, perHour) > 1) continue;
      out.push(
        at(
          ['alerting', 'page'],
          `alerting.page would fire on a single bad event: with sli.expectedEventsPerHour ${perHour}, one bad event in the ${w.longWindow} window is an error ratio of ${percent(oneEventErrorRatio(w, perHour))}, at or above its threshold ${w.factor} × ${roundSignificant(100 - s.objective)} % = ${percent(w.errorRatioThreshold)}; allowed: a page that needs at least 2 bad events: disable alerting.page (and page on a symptom), or lower the objective`,
        ),
      );
    }
    return out;
  },
};

/** Objectives and budget thresholds at or below this many percent are read as fractions written by mistake. */
export const FRACTION_LIMIT = 1;
/** A latency threshold of this many "seconds" or more, or … */
export const MILLISECONDS_THRESHOLD = 10;
/** … a bucket this large, is probably written in milliseconds (a warning: batch jobs can be this slow). */
export const MILLISECONDS_BUCKET = 1000;
/** Series names of a classic histogram that are not its base name. */
const HISTOGRAM_SERIES_SUFFIXES = ['_bucket', '_count', '_sum'] as const;

/** A fraction as the percentage it probably meant: 0.9995 → 99.95. */
function asPercent(fraction: number): number {
  return roundSignificant(fraction * 100);
}

/** A ratio as a percentage for messages: 0.0277777 → "2.78 %". */
function percent(ratio: number): string {
  return `${roundSignificant(Number((ratio * 100).toPrecision(3)))} %`;
}

/** Says where a PromQL text stops parsing: inside it, or at its end (an unclosed bracket, usually). */
function whereItFails(text: string, offset: number): string {
  if (offset >= text.trimEnd().length) return 'it ends too early (an unclosed bracket, brace, quote or parenthesis?)';
  const near = text.slice(Math.max(0, offset - 10), offset + 10).replace(/\s+/g, ' ');
  return `it does not parse near ${JSON.stringify(near)}`;
}

/** Runs every per-SLO rule on a shape-valid native spec file, plus the in-file duplicate check. */
export function fileRules(source: YamlSource, spec: SpecFile): Problem[] {
  const out: Problem[] = [];
  spec.slos.forEach((slo, i) => {
    for (const [id, rule] of Object.entries(SLO_RULES)) {
      // Every message starts with the slo it is about, so a line stands on its own.
      const at = (path: PropertyKey[], message: string, preferValue = false, charOffset?: number) =>
        problemAt(source, ['slos', i, ...path], `slo "${slo.name}": ${message}`, id, preferValue, charOffset);
      out.push(...rule(slo, at));
    }
    // The Cloud Monitoring SLO carries `<service>-<slo>` as a user label (alerts/cloud-monitoring).
    const key = `${spec.service}-${slo.name}`;
    if (slo.sli.cloudMonitoring && key.length > MAX_NAME_LENGTH) {
      out.push(
        problemAt(
          source,
          ['slos', i, 'name'],
          `slo "${slo.name}": service and slo name make the cloud monitoring label "${key}" (${key.length} characters); allowed: at most ${MAX_NAME_LENGTH}, google cloud's limit for a label value; shorten one of them`,
          'cloud-monitoring-label',
          true,
        ),
      );
    }
  });
  return out;
}

/** Rules over the whole set of SLOs, from every file. */
export function setRules(slos: readonly Slo[]): Problem[] {
  const out: Problem[] = [];
  const seen = new Map<string, Slo>();
  for (const slo of slos) {
    const first = seen.get(slo.id);
    if (first) {
      out.push({
        ...slo.source.slo,
        field: 'name',
        message: `duplicate slo name "${slo.name}" in service "${slo.service}"; first declared at ${first.source.slo.file}:${first.source.slo.line}`,
        rule: 'unique-name',
      });
    } else {
      seen.set(slo.id, slo);
    }
  }
  return out;
}
