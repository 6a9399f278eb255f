/**
 * The generated server configuration, pointed at the local servers: `slo generate --env` writes
 * it once; each world gets a copy whose scrape targets, Alertmanager target and receivers are
 * rewritten on the parsed YAML (nothing else changes: intervals, rules, routes, inhibition and
 * grouping are what the generator wrote).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REGION_LABEL, UPTIME_JOB } from '../../alerts/servers/prometheus';
import { run } from '../harness';
import { addManagedRules, EVALUATED_BY, type ManagedPlacement } from './managed';

/** The parts of prometheus.yml the run reads or rewrites. */
interface PrometheusYaml {
  global?: { scrape_interval?: string; evaluation_interval?: string };
  rule_files?: string[];
  alerting?: {
    alert_relabel_configs?: { source_labels: string[]; regex: string; action: string }[];
    alertmanagers?: { static_configs?: { targets: string[] }[] }[];
  };
  scrape_configs: ScrapeConfig[];
}

interface ScrapeConfig {
  job_name: string;
  scheme?: string;
  scrape_interval?: string;
  metrics_path?: string;
  static_configs: { targets: string[]; labels?: Record<string, string> }[];
  relabel_configs?: { source_labels?: string[]; target_label?: string; replacement?: string }[];
}

/** The parts of alertmanager.yml the run reads or rewrites. */
interface AlertmanagerYaml {
  route: { receiver: string; group_by?: string[]; group_wait?: string; group_interval?: string; repeat_interval?: string };
  receivers: ({ name: string } & Record<string, unknown>)[];
}

/** `slo generate --env <env>` into `dir`, with the repository's CLI. */
export async function generate(repoRoot: string, env: string, dir: string): Promise<void> {
  await run(process.execPath, [join(repoRoot, 'bin', 'slo.js'), 'generate', '--env', env, '--out', dir], {
    cwd: repoRoot,
    timeoutMs: 120_000,
  });
}

/** Where one world's servers and endpoints are. */
export interface WorldEndpoints {
  readonly name: string;
  /** Port of each region's synthetic instance. */
  readonly regionPorts: ReadonlyMap<string, number>;
  readonly alertmanagerPort: number;
  readonly blackboxPort: number;
  /** Base URL the world's receivers post to: `<sink>/<world>`. */
  readonly sinkUrl: string;
  /**
   * Alerting rules of other paths, evaluated beside the generated ones on the same data and never
   * sent to Alertmanager (e2e/private/managed.ts), each set under its `evaluated_by` value.
   */
  readonly managed?: ReadonlyMap<string, Parameters<typeof addManagedRules>[1]>;
}

/** The generated configuration, parsed once. */
export class GeneratedConfig {
  readonly prometheus: PrometheusYaml;
  readonly alertmanager: AlertmanagerYaml;

  constructor(
    readonly dir: string,
    readonly metricsJob: string,
  ) {
    this.prometheus = parse(readFileSync(join(dir, 'prometheus', 'prometheus.yml'), 'utf8')) as PrometheusYaml;
    this.alertmanager = parse(readFileSync(join(dir, 'alertmanager', 'alertmanager.yml'), 'utf8')) as AlertmanagerYaml;
  }

  /** The scrape config of `job`; throws when the generator wrote none. */
  job(job: string): ScrapeConfig {
    const found = this.prometheus.scrape_configs.find((c) => c.job_name === job);
    if (!found) throw new Error(`the generated prometheus.yml has no scrape job "${job}"`);
    return found;
  }

  /** Regions of the metrics job's targets, in order. */
  regions(): string[] {
    return this.job(this.metricsJob).static_configs.map((c) => {
      const region = c.labels?.[REGION_LABEL];
      if (!region) throw new Error(`a target of job "${this.metricsJob}" has no ${REGION_LABEL} label`);
      return region;
    });
  }

  /**
   * Writes the world's copy under `dir`: `prometheus/` (rule files as generated, with the rules of
   * `w.managed` added; prometheus.yml rewritten) and `alertmanager/` (templates as generated,
   * receivers rewritten). Returns the paths of the two config files and where the managed rules went.
   */
  writeWorld(
    dir: string,
    w: WorldEndpoints,
    healthPath: string,
  ): { prometheusYml: string; alertmanagerYml: string; placements: ReadonlyMap<string, ManagedPlacement> } {
    cpSync(join(this.dir, 'prometheus'), join(dir, 'prometheus'), { recursive: true });
    cpSync(join(this.dir, 'alertmanager'), join(dir, 'alertmanager'), { recursive: true });
    const prometheusYml = join(dir, 'prometheus', 'prometheus.yml');
    const alertmanagerYml = join(dir, 'alertmanager', 'alertmanager.yml');
    const local = this.localPrometheus(w, healthPath);
    const placements = new Map<string, ManagedPlacement>();
    for (const [evaluatedBy, groups] of w.managed ?? []) {
      const ruleFiles = (local.rule_files ?? []).filter((f) => !f.startsWith('managed-')).map((f) => join(dir, 'prometheus', f));
      const extra = `managed-${evaluatedBy}.rules.yaml`;
      const evaluation = local.global?.evaluation_interval ?? '1m';
      placements.set(evaluatedBy, addManagedRules(ruleFiles, groups, join(dir, 'prometheus', extra), evaluation));
      local.rule_files = [...(local.rule_files ?? []), extra];
    }
    if (placements.size > 0) {
      // The other paths' alerts are compared in Prometheus, never notified.
      const alerting = (local.alerting ??= {});
      alerting.alert_relabel_configs = [
        ...(alerting.alert_relabel_configs ?? []),
        { source_labels: [EVALUATED_BY], regex: '.+', action: 'drop' },
      ];
    }
    writeFileSync(prometheusYml, stringify(local));
    writeFileSync(alertmanagerYml, stringify(this.localAlertmanager(w)));
    return { prometheusYml, alertmanagerYml, placements };
  }

  private regionPort(w: WorldEndpoints, labels: Record<string, string> | undefined): number {
    const region = labels?.[REGION_LABEL];
    const port = region === undefined ? undefined : w.regionPorts.get(region);
    if (port === undefined) throw new Error(`no local instance for the target of region ${region}`);
    return port;
  }

  /** prometheus.yml with every target on 127.0.0.1: the metrics job at the synthetic instances (plain HTTP), the uptime job probing their health path through the local blackbox exporter, alerts to the world's Alertmanager. */
  localPrometheus(w: WorldEndpoints, healthPath: string): PrometheusYaml {
    const config = structuredClone(this.prometheus);
    for (const am of config.alerting?.alertmanagers ?? []) am.static_configs = [{ targets: [`127.0.0.1:${w.alertmanagerPort}`] }];
    for (const job of config.scrape_configs) {
      if (job.job_name === this.metricsJob) {
        job.scheme = 'http';
        // The scrape goes to the local instance; the series keep the instance label of the real
        // target, so they look as they would in production (and every world's look the same).
        for (const sc of job.static_configs) {
          sc.labels = { ...sc.labels, instance: sc.targets.join(',') };
          sc.targets = [`127.0.0.1:${this.regionPort(w, sc.labels)}`];
        }
      } else if (job.job_name === UPTIME_JOB) {
        for (const sc of job.static_configs) sc.targets = [`http://127.0.0.1:${this.regionPort(w, sc.labels)}${healthPath}`];
        const address = (job.relabel_configs ?? []).filter((r) => r.target_label === '__address__' && !r.source_labels);
        if (address.length !== 1)
          throw new Error(`the ${UPTIME_JOB} job has ${address.length} relabelling(s) setting the exporter address; expected one`);
        address[0]!.replacement = `127.0.0.1:${w.blackboxPort}`;
      } else {
        throw new Error(`the generated prometheus.yml has a scrape job the run does not know: ${job.job_name}`);
      }
    }
    return config;
  }

  /** alertmanager.yml with each receiver replaced by a webhook to `<sink>/<world>/<receiver>`, keeping its send_resolved. */
  localAlertmanager(w: WorldEndpoints): AlertmanagerYaml {
    const config = structuredClone(this.alertmanager);
    config.receivers = config.receivers.map((r) => {
      const integrations = Object.entries(r).filter(([k]) => k.endsWith('_configs'));
      const sendResolved = integrations.some(([, list]) => (list as { send_resolved?: boolean }[]).some((c) => c.send_resolved === true));
      return { name: r.name, webhook_configs: [{ url: `${w.sinkUrl}/${r.name}`, send_resolved: sendResolved }] };
    });
    return config;
  }
}
