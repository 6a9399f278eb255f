/**
 * The metrics-contract half of `slo test`: every rule of the generated rule files and every query
 * of the generated dashboards must read only metrics and labels the contract
 * (`DIR/metrics-contract.json`, written by `slo generate`) lists, and prometheus.yml must scrape
 * each job at the interval the contract assumes (the uptime probes included).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_CONFIG_PATHS } from '../alerts/servers/artifacts';
import { METRICS_CONTRACT_PATH } from '../layers/layer';
import { parseGeneratedYaml } from '../slos/artifact';
import { parseDuration } from '../slos/duration';
import { contractProblems, recordedSeries, type ContractRead, type MetricsContract } from '../slos/metrics-contract';

interface RuleData {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly labels?: Record<string, string>;
}

/**
 * Grafana's built-in interval variables stand for a duration; any other variable sits inside a
 * label value (`region=~"$region"`), where PromQL reads it as text.
 */
function withoutGrafanaVariables(expr: string): string {
  return expr.replace(/\$\{__\w+\}|\$__\w+/g, '5m');
}

/** Every PromQL query of a dashboard: each `targets[].expr`, with the panel's title. */
function dashboardReads(file: string, dashboard: unknown): ContractRead[] {
  const out: ContractRead[] = [];
  const walk = (v: unknown, title: string) => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, title));
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const here = typeof o.title === 'string' ? o.title : title;
      if (Array.isArray(o.targets))
        for (const t of o.targets as { expr?: unknown; refId?: unknown }[])
          if (typeof t.expr === 'string')
            out.push({ where: `${file}: panel "${here}" query ${String(t.refId ?? '')}`.trimEnd(), expr: withoutGrafanaVariables(t.expr) });
      for (const [k, x] of Object.entries(o)) if (k !== 'targets') walk(x, here);
    }
  };
  walk(dashboard, '');
  return out;
}

/** The contract problems of the output in `outDir`, one message each; none when it has no contract. */
export function metricsContractProblems(outDir: string): string[] {
  const contractFile = join(outDir, METRICS_CONTRACT_PATH);
  if (!existsSync(contractFile)) return [`${METRICS_CONTRACT_PATH} is missing in ${outDir}; run "slo generate --out ${outDir}" first`];
  const contract = JSON.parse(readFileSync(contractFile, 'utf8')) as MetricsContract;
  const promDir = join(outDir, 'prometheus');
  const rules: RuleData[] = [];
  const reads: ContractRead[] = [];
  for (const f of readdirSync(promDir)
    .filter((n) => n.endsWith('.rules.yaml'))
    .sort()) {
    const data = parseGeneratedYaml(readFileSync(join(promDir, f), 'utf8')) as { groups?: { name: string; rules: RuleData[] }[] };
    for (const g of data.groups ?? [])
      for (const r of g.rules) {
        rules.push(r);
        reads.push({ where: `prometheus/${f}: rule ${r.alert ?? r.record ?? '?'} (group ${g.name})`, expr: r.expr });
      }
  }
  const grafanaDir = join(outDir, 'grafana');
  if (existsSync(grafanaDir))
    for (const f of readdirSync(grafanaDir)
      .filter((n) => n.endsWith('.json'))
      .sort())
      reads.push(...dashboardReads(`grafana/${f}`, JSON.parse(readFileSync(join(grafanaDir, f), 'utf8'))));
  return [...contractProblems(reads, contract, recordedSeries(rules, contract)), ...intervalProblems(outDir, contract)];
}

/**
 * prometheus.yml against the intervals the contract assumes: a metric whose `job` label has one
 * value must be scraped by that job at the metric's interval.
 */
function intervalProblems(outDir: string, contract: MetricsContract): string[] {
  const file = join(outDir, SERVER_CONFIG_PATHS.prometheus);
  if (!existsSync(file)) return [];
  const config = parseGeneratedYaml(readFileSync(file, 'utf8')) as {
    global?: { scrape_interval?: string };
    scrape_configs?: { job_name: string; scrape_interval?: string }[];
  };
  const out: string[] = [];
  for (const m of contract.metrics) {
    const jobs = m.labels.find((l) => l.name === 'job')?.values;
    if (!m.interval || jobs?.length !== 1) continue;
    const job = config.scrape_configs?.find((c) => c.job_name === jobs[0]);
    const interval = job?.scrape_interval ?? config.global?.scrape_interval;
    if (!job) out.push(`${SERVER_CONFIG_PATHS.prometheus} has no scrape job ${jobs[0]}, which the metrics contract says emits ${m.name}`);
    else if (!interval || parseDuration(interval) !== m.interval.seconds)
      out.push(
        `${SERVER_CONFIG_PATHS.prometheus}: job ${jobs[0]} scrapes every ${interval ?? '1m (the default)'}, but the metrics contract assumes one ${m.name} sample every ${m.interval.seconds} s (${m.interval.setting})`,
      );
  }
  return out;
}
