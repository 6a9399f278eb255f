/**
 * One world: a Prometheus with its own history, an Alertmanager, the synthetic instances of every
 * region, all on 127.0.0.1. Worlds run side by side, so scenarios whose signals would mix (a
 * healthy run, an outage, a steady burn) each get a server of their own and the whole run fits in
 * a few minutes of wall time.
 */
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  backfill,
  freePort,
  makeTempDir,
  sampleTimes,
  startAlertmanager,
  startPrometheus,
  targetLabels,
  type AlertmanagerServer,
  type BackfillSeries,
  type PrometheusAlert,
  type PrometheusServer,
} from '../harness';
import type { LatencySlo } from '../../slos/model';
import { prometheusDurationSeconds } from '../../slos/duration';
import type { GeneratedConfig } from './config';
import { EVALUATED_BY, type addManagedRules, type ManagedPlacement } from './managed';
import { instanceSeries, InstanceTimeline, serveInstance, type InstanceEndpoint, type InstanceState } from './exporter';

/** One poll of a world's Prometheus alerts. */
export interface AlertPoll {
  readonly tMs: number;
  /** The generated rules' alerts. */
  readonly alerts: readonly PrometheusAlert[];
  /** The alerts of the other paths evaluated beside them (labelled `evaluated_by`, never notified). */
  readonly managed: readonly PrometheusAlert[];
}

/** Shared inputs of every world. */
export interface WorldInputs {
  readonly config: GeneratedConfig;
  readonly tools: { prometheus: string; promtool: string; alertmanager: string };
  readonly latencySlos: readonly LatencySlo[];
  readonly baseState: InstanceState;
  readonly healthPath: string;
  readonly sinkUrl: string;
  readonly blackboxPort: number;
  /** `--storage.tsdb.retention.time`, as the generator states it for the catalog. */
  readonly retention: string;
  /** History starts here (Unix ms). */
  readonly historyStartMs: number;
  /** Sample spacing of the history before `recentFromMs`. */
  readonly oldStepMs: number;
  /** From here on, history is sampled at each job's own scrape interval. */
  readonly recentFromMs: number;
  /** Alerting rules of other paths to evaluate beside the generated ones, by `evaluated_by` (e2e/private/managed.ts). */
  readonly managed?: ReadonlyMap<string, Parameters<typeof addManagedRules>[1]>;
}

/** A running world. */
export class World {
  readonly timelines = new Map<string, InstanceTimeline>();
  readonly polls: AlertPoll[] = [];
  readonly dir: string;
  endpoints: InstanceEndpoint[] = [];
  prometheus?: PrometheusServer;
  alertmanager?: AlertmanagerServer;
  /** Unix ms Prometheus answered ready. */
  readyAtMs = 0;
  private regionPorts = new Map<string, number>();
  private files?: ReturnType<GeneratedConfig['writeWorld']>;
  /** The other paths this world evaluates: the common ones and its own. */
  readonly managed: Map<string, Parameters<typeof addManagedRules>[1]>;

  constructor(
    readonly name: string,
    readonly inputs: WorldInputs,
    /** True when the world changes state before `recentFromMs` and so cannot share the common old history. */
    readonly ownHistory = false,
  ) {
    this.dir = makeTempDir(`world-${name}`);
    this.managed = new Map(inputs.managed ?? []);
    for (const region of inputs.config.regions())
      this.timelines.set(region, new InstanceTimeline(region, inputs.baseState, inputs.historyStartMs));
  }

  /** Regions in config order. */
  get regions(): string[] {
    return [...this.timelines.keys()];
  }

  /** Changes the state of `regions` (all by default) from `fromMs` on. */
  change(fromMs: number, patch: Partial<InstanceState>, regions: readonly string[] = this.regions): void {
    for (const r of regions) this.timelines.get(r)!.change(fromMs, patch);
  }

  /** Picks ports and writes the world's config files. */
  async configure(): Promise<void> {
    for (const region of this.regions) this.regionPorts.set(region, await freePort());
    const alertmanagerPort = await freePort();
    this.files = this.inputs.config.writeWorld(
      this.dir,
      {
        name: this.name,
        regionPorts: this.regionPorts,
        alertmanagerPort,
        blackboxPort: this.inputs.blackboxPort,
        sinkUrl: `${this.inputs.sinkUrl}/${this.name}`,
        managed: this.managed,
      },
      this.inputs.healthPath,
    );
    this.alertmanagerPort = alertmanagerPort;
  }
  private alertmanagerPort = 0;

  /** Where each other path's rules went (merged into the generated groups, or groups of their own). */
  get placements(): ReadonlyMap<string, ManagedPlacement> {
    return this.files?.placements ?? new Map();
  }

  /** The series of `job` to backfill from `fromMs` to `toMs`, with the labels Prometheus gives its targets. */
  async historySeries(toMs: number, options: { metricsFromMs: number; oldOnly?: boolean }): Promise<BackfillSeries[]> {
    const { config, promtool } = { config: this.inputs.config, promtool: this.inputs.tools.promtool };
    const out: BackfillSeries[] = [];
    const times = (fromMs: number, stepMs: number) => {
      const old = [
        ...sampleTimes(Math.max(fromMs, this.inputs.historyStartMs), Math.min(this.inputs.recentFromMs - 1, toMs), this.inputs.oldStepMs),
      ];
      const recent = options.oldOnly ? [] : [...sampleTimes(Math.max(fromMs, this.inputs.recentFromMs), toMs, stepMs)];
      return [...old, ...recent];
    };
    const metricsJob = config.metricsJob;
    const metricsStep =
      prometheusDurationSeconds(config.job(metricsJob).scrape_interval ?? config.prometheus.global?.scrape_interval ?? '1m') * 1000;
    const targets = await targetLabels(promtool, this.files!.prometheusYml, metricsJob);
    for (const labels of targets) {
      const timeline = this.timelines.get(labels.region!)!;
      const ts = times(options.metricsFromMs, metricsStep).filter((t) => timeline.stateAt(t).exporting);
      for (const s of instanceSeries(timeline, this.inputs.latencySlos)) {
        if (!s.readByRules) continue;
        out.push({ name: s.name, labels: { ...s.labels, ...labels }, samples: ts.map((t) => [t, s.value(t)] as const) });
      }
    }
    if (options.oldOnly) return out;
    // Probe results of the uptime job, the history the blackbox exporter would have recorded.
    const uptime = config.job('uptime');
    const probeStep = prometheusDurationSeconds(uptime.scrape_interval ?? config.prometheus.global?.scrape_interval ?? '1m') * 1000;
    for (const labels of await targetLabels(promtool, this.files!.prometheusYml, 'uptime')) {
      const timeline = this.timelines.get(labels.region!)!;
      const ts = [...sampleTimes(this.inputs.historyStartMs, toMs, probeStep)];
      out.push({ name: 'probe_success', labels, samples: ts.map((t) => [t, timeline.stateAt(t).healthy ? 1 : 0] as const) });
    }
    return out;
  }

  /** Backfills this world's history up to `toMs`; `sharedBlocksDir` holds the common old history (copied in) unless the world has its own. */
  async backfill(toMs: number, sharedBlocksDir: string | undefined): Promise<number> {
    const tsdb = join(this.dir, 'data', 'tsdb');
    mkdirSync(tsdb, { recursive: true });
    const own = this.ownHistory || !sharedBlocksDir;
    if (!own)
      for (const block of readdirSync(sharedBlocksDir)) cpSync(join(sharedBlocksDir, block), join(tsdb, block), { recursive: true });
    const series = await this.historySeries(toMs, { metricsFromMs: own ? this.inputs.historyStartMs : this.inputs.recentFromMs });
    const result = await backfill(this.inputs.tools.promtool, tsdb, series, 1);
    return result.samples;
  }

  /** Starts the instances, Alertmanager and Prometheus (in that order, so the first scrape finds the instances). */
  async start(): Promise<void> {
    const config = this.inputs.config;
    const metricsPath = config.job(config.metricsJob).metrics_path ?? '/metrics';
    this.endpoints = await Promise.all(
      this.regions.map((region) =>
        serveInstance(
          this.timelines.get(region)!,
          instanceSeries(this.timelines.get(region)!, this.inputs.latencySlos),
          this.regionPorts.get(region)!,
          {
            metrics: metricsPath,
            health: this.inputs.healthPath,
          },
        ),
      ),
    );
    this.alertmanager = await startAlertmanager({
      binary: this.inputs.tools.alertmanager,
      configFile: this.files!.alertmanagerYml,
      name: `alertmanager-${this.name}`,
      port: this.alertmanagerPort,
      logDir: this.dir,
    });
    this.prometheus = await startPrometheus({
      binary: this.inputs.tools.prometheus,
      configFile: this.files!.prometheusYml,
      dataDir: join(this.dir, 'data'),
      retention: this.inputs.retention,
      name: `prometheus-${this.name}`,
      logDir: this.dir,
    });
    this.readyAtMs = Date.now();
  }

  /**
   * Waits until every target of `job` has been scraped since the server started. The backfilled
   * history ends when it was written, some seconds to a minute before the first live scrape; a
   * fault injected before that scrape would meet a window with one sample after the gap where a
   * server that ran all along holds one per scrape interval, and a rate over two scrapes would
   * see it a scrape late.
   */
  async firstLiveScrapes(job: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const targets = (await this.prometheus!.api.targets()).filter((t) => t.labels.job === job);
      if (targets.length > 0 && targets.every((t) => Date.parse(t.lastScrape) >= this.readyAtMs - 1000)) return;
      if (Date.now() > deadline)
        throw new Error(`${this.name}: the ${job} targets were not all scraped within ${timeoutMs / 1000} s of the start`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** Records the alerts Prometheus holds now. */
  async poll(): Promise<void> {
    if (!this.prometheus) return;
    const tMs = Date.now();
    try {
      const all = await this.prometheus.api.alerts();
      this.polls.push({ tMs, alerts: all.filter((a) => !a.labels[EVALUATED_BY]), managed: all.filter((a) => a.labels[EVALUATED_BY]) });
    } catch {
      // a missed poll only coarsens the timeline
    }
  }

  /** First poll time at or after `afterMs` where an alert matching `match` is in `state`. */
  firstSeen(match: (a: PrometheusAlert) => boolean, state: 'pending' | 'firing', afterMs = 0): number | undefined {
    return this.polls.find((p) => p.tMs >= afterMs && p.alerts.some((a) => a.state === state && match(a)))?.tMs;
  }

  /** First poll at or after `afterMs` where no alert matching `match` fires. */
  firstNotFiring(match: (a: PrometheusAlert) => boolean, afterMs: number): number | undefined {
    return this.polls.find((p) => p.tMs >= afterMs && !p.alerts.some((a) => a.state === 'firing' && match(a)))?.tMs;
  }

  /** The raw `ALERTS` samples of every path from `fromMs` until now: each pending or firing alert at each evaluation. */
  async alertSamples(fromMs: number): Promise<{ metric: Record<string, string>; values: [number, number][] }[]> {
    const now = Date.now();
    return this.prometheus!.api.queryRaw(`ALERTS[${Math.ceil((now - fromMs) / 1000)}s]`, now / 1000);
  }

  async stop(): Promise<void> {
    await Promise.all([this.prometheus?.stop(), this.alertmanager?.stop(), ...this.endpoints.map((e) => e.stop())]);
  }
}
