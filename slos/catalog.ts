/**
 * Pure validation pipeline: file texts in, a frozen SloCatalog (or every problem) out.
 * Pass 1 checks each file's shape with zod; pass 2 runs the semantic rules over the whole set.
 */
import { burnWindows, errorBudgetRatio, noDataSeconds } from './burn-rate';
import { defaultAlertName } from './conventions';
import { formatDuration, parseDuration } from './duration';
import { errorQueryFromGood, type CloudMonitoringSli, type PromSli, type Slo, type SloCatalog, type SourceRef } from './model';
import type { Problem } from './problems';
import { isWarning, sortProblems } from './problems';
import { fileRules, setRules } from './rules';
import { specFileSchema, type SpecFile } from './schema';
import { fromSloth, isSlothSpec } from './sloth';
import { userInfoProblems } from './text-policy';
import { locate, parseYaml, parseYamlFast, type YamlSource } from './yaml-source';
import { zodProblems } from './zod-problem';

/** One input file as read by the loader. */
export type InputFile =
  | { readonly file: string; readonly text: string }
  | { readonly file: string; readonly error: string; readonly line?: number; readonly col?: number };

/** Result of validating a set of files. */
export interface CatalogResult {
  /** Present only when there are no problems. */
  readonly catalog?: SloCatalog;
  /** Errors: any of them makes the set invalid. */
  readonly problems: readonly Problem[];
  /** Warnings: valid but suspicious input, reported whether or not there are errors. */
  readonly warnings?: readonly Problem[];
}

/** Validates every file and the whole set; returns the catalog or all problems found. */
export function buildCatalog(files: readonly InputFile[]): CatalogResult {
  const problems: Problem[] = [];
  const slos: Slo[] = [];
  for (const input of files) {
    if ('error' in input) {
      problems.push({ file: input.file, line: input.line ?? 1, col: input.col ?? 1, field: '', message: input.error, rule: 'file' });
      continue;
    }
    // The fast pass stands only for a file without problems; any problem is found again by the
    // exact parser, so every message and position is its own (slos/yaml-source.ts).
    const fast = parseYamlFast(input.file, input.text);
    let result = fast && fileResult(fast);
    if (!result || result.problems.length > 0) {
      const parsed = parseYaml(input.file, input.text);
      problems.push(...parsed.problems);
      if (!parsed.source) continue;
      result = fileResult(parsed.source);
    }
    problems.push(...result.problems);
    slos.push(...result.slos);
  }
  problems.push(...setRules(slos));
  const warnings = sortProblems(problems.filter(isWarning));
  const errors = problems.filter((p) => !isWarning(p));
  if (errors.length > 0) return { problems: sortProblems(errors), warnings };
  slos.sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
  const catalog: SloCatalog = deepFreeze({ slos, services: [...new Set(slos.map((s) => s.service))].sort() });
  return { catalog, problems: [], warnings };
}

/** One file's SLOs and problems (errors and warnings). */
function fileResult(source: YamlSource): { slos: Slo[]; problems: Problem[] } {
  const result = isSlothSpec(source.value) ? fromSloth(source) : fromNative(source);
  return { slos: result.slos, problems: [...result.problems, ...userInfoProblems(source)] };
}

/** Shape-checks a native spec file and maps it to SLO models. */
export function fromNative(source: YamlSource): { slos: Slo[]; problems: Problem[] } {
  const parsed = specFileSchema.safeParse(source.value, { reportInput: true });
  if (!parsed.success) return { slos: [], problems: parsed.error.issues.flatMap((i) => zodProblems(source, i, specFileSchema)) };
  const problems = fileRules(source, parsed.data);
  if (problems.some((p) => !isWarning(p))) return { slos: [], problems };
  return { slos: parsed.data.slos.map((_, i) => toModel(source, parsed.data, i)), problems };
}

function toModel(source: YamlSource, spec: SpecFile, index: number): Slo {
  const s = spec.slos[index]!;
  const at =
    (...path: PropertyKey[]) =>
    (): SourceRef =>
      Object.freeze({ file: source.file, ...locate(source, ['slos', index, ...path], true) });
  const severities = { page: s.alerting.page.severity ?? 'page', ticket: s.alerting.ticket.severity ?? 'warning' } as const;
  const windowSeconds = parseDuration(s.window);
  const windows = burnWindows(s.objective, windowSeconds, severities).filter((w) => s.alerting[w.kind].enabled);
  const sli: PromSli = s.sli.latency
    ? {
        kind: 'latency',
        histogram: s.sli.latency.histogram,
        selector: s.sli.latency.selector,
        thresholdSeconds: s.sli.latency.thresholdSeconds,
        buckets: [...s.sli.latency.buckets].sort((a, b) => a - b),
      }
    : {
        kind: 'ratio',
        errorQuery: s.sli.ratio!.errorQuery ?? errorQueryFromGood(s.sli.ratio!.goodQuery!, s.sli.ratio!.totalQuery),
        totalQuery: s.sli.ratio!.totalQuery,
        ...(s.sli.ratio!.goodQuery !== undefined ? { goodQuery: s.sli.ratio!.goodQuery } : {}),
      };
  const cm = s.sli.cloudMonitoring;
  const cloudMonitoring: CloudMonitoringSli | undefined = cm?.goodTotalRatio
    ? { kind: 'goodTotalRatio', ...cm.goodTotalRatio }
    : cm?.distributionCut
      ? { kind: 'distributionCut', ...cm.distributionCut }
      : undefined;
  return {
    id: `${spec.service}/${s.name}`,
    service: spec.service,
    name: s.name,
    description: s.description,
    team: spec.owner,
    objectivePercent: s.objective,
    objective: 1 - errorBudgetRatio(s.objective),
    errorBudget: errorBudgetRatio(s.objective),
    window: s.window,
    windowSeconds,
    evaluationInterval: spec.evaluationInterval,
    labels: { ...spec.labels, team: spec.owner, ...s.labels },
    sli,
    ...(s.sli.expectedEventsPerHour !== undefined ? { expectedEventsPerHour: s.sli.expectedEventsPerHour } : {}),
    ...(cloudMonitoring ? { cloudMonitoring } : {}),
    alerting: {
      name: s.alerting.name ?? defaultAlertName(spec.service, s.name),
      ...(s.alerting.runbookUrl ? { runbookUrl: s.alerting.runbookUrl } : {}),
      labels: s.alerting.labels,
      kindLabels: { page: s.alerting.page.labels, ticket: s.alerting.ticket.labels },
      severities,
      windows,
      ...(s.alerting.noData.enabled
        ? {
            noData: {
              severity: s.alerting.noData.severity ?? severities.ticket,
              labels: s.alerting.noData.labels,
              window: formatDuration(noDataSeconds(windows, windowSeconds)),
            },
          }
        : {}),
      budgetConsumed: {
        thresholdsPercent: [...new Set(s.alerting.budgetConsumed.thresholdsPercent)].sort((a, b) => a - b),
        severity: s.alerting.budgetConsumed.severity,
      },
    },
    // Located when read (only problems and the docs check read them): a position needs the
    // document the fast pass skips.
    source: lazyFields({
      slo: at('name'),
      objective: at('objective'),
      window: at('window'),
      ...(s.sli.latency ? { threshold: at('sli', 'latency', 'thresholdSeconds') } : {}),
    }),
  };
}

/** A frozen object whose fields are computed on first read, each once (so deepFreeze skips it). */
function lazyFields<T extends Record<string, unknown>>(compute: { readonly [K in keyof T]: () => T[K] }): T {
  const fields = {} as T;
  for (const [key, get] of Object.entries(compute) as [keyof T, () => T[keyof T]][]) {
    let value: T[keyof T] | undefined;
    let done = false;
    Object.defineProperty(fields, key, {
      enumerable: true,
      get: () => {
        if (!done) [value, done] = [get(), true];
        return value;
      },
    });
  }
  return Object.freeze(fields);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
