/**
 * Sloth's own fixtures, read by path from the shared reference folder (never copied into this
 * repository), and the small steps that make them comparable with our output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { SloCatalog } from '../../slos/model';
import type { Problem } from '../../slos/problems';
import { parseDuration } from '../../slos/duration';
import { fromSloth, type SlothPeriod } from '../../slos/sloth';
import { parseYaml } from '../../slos/yaml-source';

/** Where the Sloth reference fixtures live (see its README.md for what each pair shows). */
export const SLOTH_DIR = process.env['SLOTH_FIXTURES'] ?? '/work/shared/reference/peers/sloth';

/** A Sloth spec and the rule file Sloth produced for it. */
export interface SlothPair {
  /** Short name for test titles. */
  readonly name: string;
  /** Spec path relative to SLOTH_DIR. */
  readonly spec: string;
  /** Expected rules path relative to SLOTH_DIR. */
  readonly expected: string;
  /** `--default-slo-period` Sloth ran with. */
  readonly period: SlothPeriod;
}

/** The golden pairs with Sloth's built-in window catalogues. */
export const SLOTH_PAIRS: readonly SlothPair[] = [
  { name: 'getting-started', spec: 'examples/getting-started.yml', expected: 'examples/_gen/getting-started.yml', period: '30d' },
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
  },
  {
    name: 'in-base 28d',
    spec: 'test/integration/prometheus/testdata/in-base.yaml',
    expected: 'test/integration/prometheus/testdata/out-base-28d.yaml.tpl',
    period: '28d',
  },
];

/** Reads a fixture file as text. */
export function readSloth(rel: string): string {
  return readFileSync(join(SLOTH_DIR, rel), 'utf8');
}

/**
 * Sloth's expected rules as plain YAML text: the Go template bits of the `.tpl` goldens removed
 * as the reference README says (`{{ .version }}` → a version string, `{{"{{…}}"}}` → `{{…}}`).
 */
export function slothExpectedText(rel: string): string {
  return readSloth(rel)
    .replaceAll('{{ .version }}', 'test')
    .replace(/\{\{"(\{\{.*?\}\})"\}\}/g, '$1');
}

/** One alerting rule of Sloth's output. */
export interface SlothAlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly labels: Record<string, string>;
}

/** Every alerting rule of a Sloth rule file. */
export function slothAlertRules(rel: string): SlothAlertRule[] {
  const doc = parse(slothExpectedText(rel)) as { groups: { rules: Partial<SlothAlertRule & { record: string }>[] }[] };
  return doc.groups.flatMap((g) => g.rules.filter((r): r is SlothAlertRule => typeof r.alert === 'string'));
}

/** Reads a Sloth spec through our reader; throws with the problems when it is rejected. */
export function slothCatalog(pair: Pick<SlothPair, 'spec' | 'period'>): SloCatalog {
  const { slos, problems } = readSlothSpec(pair.spec, readSloth(pair.spec), pair.period);
  if (problems.length > 0) throw new Error(problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join('\n'));
  const services = [...new Set(slos.map((s) => s.service))].sort();
  return { slos, services };
}

/** Runs our Sloth reader on YAML text. */
export function readSlothSpec(file: string, text: string, period?: SlothPeriod): ReturnType<typeof fromSloth> {
  const parsed = parseYaml(file, text);
  if (!parsed.source) return { slos: [], problems: parsed.problems as Problem[] };
  return fromSloth(parsed.source, period ? { period } : {});
}

/** One multiwindow condition of a Sloth alert, read from Sloth's own output. */
export interface SlothCondition {
  readonly alert: string;
  /** `page` or `ticket` (Sloth's `sloth_severity`). */
  readonly kind: 'page' | 'ticket';
  readonly longWindow: string;
  readonly shortWindow: string;
  readonly longWindowSeconds: number;
  readonly shortWindowSeconds: number;
  /** The burn-rate factor Sloth wrote, e.g. 14.4. */
  readonly factor: number;
  /** The error budget Sloth wrote (with its float artefacts, e.g. 0.0009999999999999432). */
  readonly budget: number;
}

/**
 * The conditions of every alert in Sloth's output, in order. Each is written as
 * `ratio_rate<short>{…} > (factor * budget)` and then the same for the long window.
 */
export function slothConditions(expected: string): SlothCondition[] {
  const out: SlothCondition[] = [];
  for (const rule of slothAlertRules(expected)) {
    const parts = [...rule.expr.matchAll(/ratio_rate(\w+)\{[^}]*\} > \(([\d.e+-]+) \* ([\d.e+-]+)\)/g)];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const [short, long] = [parts[i]!, parts[i + 1]!];
      out.push({
        alert: rule.alert,
        kind: rule.labels['sloth_severity'] as 'page' | 'ticket',
        shortWindow: short[1]!,
        longWindow: long[1]!,
        shortWindowSeconds: parseDuration(short[1]!),
        longWindowSeconds: parseDuration(long[1]!),
        factor: Number(long[2]),
        budget: Number(long[3]),
      });
    }
  }
  return out;
}
