/**
 * The threshold table of docs/monitoring.md, rendered from the plan so the documented numbers are
 * the synthesized ones. Policies that differ only by region share a row.
 */
import { regionCode } from '../../environments/naming';
import type { EnvironmentConfig } from '../../environments/schema';
import type { ConditionSpec, MonitoringPlan } from './model';

/** Markers around the generated table in docs/monitoring.md. */
export const DOCS_TABLE_MARKERS = { begin: '<!-- thresholds:begin (generated — do not edit) -->', end: '<!-- thresholds:end -->' } as const;

const SYMBOL: Readonly<Record<string, string>> = { COMPARISON_GT: '>', COMPARISON_GE: '≥', COMPARISON_LT: '<', COMPARISON_LE: '≤' };

function conditionText(c: ConditionSpec): string {
  if (c.kind === 'promql') return `${c.displayName}: the rule file alert, recorded series inlined`;
  if (c.kind === 'absent') return `${c.displayName} for ${c.durationSeconds} s`;
  const trigger = c.triggerCount ? ` in ≥ ${c.triggerCount} series` : '';
  const duration = c.durationSeconds > 0 ? ` for ${c.durationSeconds} s` : '';
  return `${c.displayName} ${SYMBOL[c.comparison]} ${c.thresholdValue}${trigger}${duration}`;
}

/**
 * The markdown table (with its markers) of every policy of `plan` except the PromQL ones: those
 * are the rule files' alerts, documented with them (docs/alerting.md).
 */
export function thresholdTable(env: EnvironmentConfig, plan: MonitoringPlan): string {
  const codes = env.gcp.regions.map((r) => regionCode(r.name));
  const regional = new RegExp(`-(${codes.join('|')})$`);
  const rows = new Map<string, { cells: string[]; regions: number }>();
  for (const p of plan.policies) {
    if (p.conditions.some((c) => c.kind === 'promql')) continue;
    const key = p.key.replace(regional, '');
    const row = rows.get(key);
    if (row) {
      row.regions += 1;
      continue;
    }
    const joiner = p.combiner === 'AND' ? ' **and** ' : ' **or** ';
    rows.set(key, {
      cells: [
        `\`${key}\``,
        p.severity,
        p.policySeverity,
        p.conditions.map(conditionText).join(joiner),
        p.thresholdNote,
        `[${p.runbookAnchor}](runbooks/cloud-monitoring.md#${p.runbookAnchor})`,
      ],
      regions: regional.test(p.key) ? 1 : 0,
    });
  }
  const lines = [
    DOCS_TABLE_MARKERS.begin,
    '| Policy | Severity | Cloud Monitoring | Condition | Derived from | Runbook |',
    '| --- | --- | --- | --- | --- | --- |',
    ...[...rows.values()].map(({ cells, regions }) => {
      const [name, ...rest] = cells;
      const scoped = regions > 0 ? `${name} (per region)` : name;
      return `| ${[scoped, ...rest].map((c) => c!.replaceAll('|', '\\|')).join(' | ')} |`;
    }),
    DOCS_TABLE_MARKERS.end,
  ];
  return lines.join('\n');
}
