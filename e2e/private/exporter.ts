/**
 * A synthetic exporter of the platform's metrics: one HTTP endpoint per region (one "instance"
 * each) serving `/metrics` and the health endpoint the uptime job probes. Every value is a pure
 * function of time and of the world's timeline of states, so the backfilled history and the live
 * scrapes describe one continuous run: counters are integrals of piecewise-constant rates,
 * floored to whole events (as real counters move), so they never go down.
 */
import { createServer, type Server } from 'node:http';
import type { LatencySlo } from '../../slos/model';
import { DEPENDENCY, PLATFORM_METRICS as M, RATE_LIMITED_CODE } from '../../layers/platform/platform-metrics';

/** What one instance does during a phase. Rates are per second. */
export interface InstanceState {
  readonly requestsPerSecond: number;
  /** Share of requests answered 5xx. */
  readonly errorRatio: number;
  /** Share of requests answered 429. */
  readonly rateLimitedRatio: number;
  /** Share of each latency SLI's events slower than its threshold, by SLO id. */
  readonly slowRatio: number;
  /** Events per second of each latency SLI (per SLO id). */
  readonly operationsPerSecond: number;
  readonly redisUp: boolean;
  readonly postgresUp: boolean;
  readonly replicationLagSeconds: number;
  /** Unix seconds the process started; a change is a restart. */
  readonly processStartSeconds: number;
  readonly revokedKeyUsesPerSecond: number;
  readonly keyRotationStartedSeconds: number;
  readonly keyRotationCompletedSeconds: number;
  /** The health endpoint answers 200 (else 503). */
  readonly healthy: boolean;
  /** The metrics endpoint answers (else the scrape fails: an exporter that stopped). */
  readonly exporting: boolean;
}

/** A change of state from `fromMs` on, for the instances of `regions` (all when absent). */
export interface Phase {
  readonly fromMs: number;
  readonly regions?: readonly string[];
  readonly state: Partial<InstanceState>;
}

/** One metric series as the exporter serves it (without the target labels Prometheus adds). */
export interface ExportedSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** True when a generated rule reads it; only those are backfilled. */
  readonly readByRules: boolean;
  value(tMs: number): number;
}

/** Equality matchers of a selector (`job="api", route_class="light"`), `job` left out: the scrape sets it. */
export function selectorLabels(selector: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const m of selector.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"([^"]*)"/g)) if (m[1] !== 'job') labels[m[1]!] = m[2]!;
  return labels;
}

/** The timeline of one instance: a base state and the phases that change it, in time order. */
export class InstanceTimeline {
  private readonly phases: { fromMs: number; state: InstanceState }[];

  constructor(
    readonly region: string,
    base: InstanceState,
    originMs: number,
  ) {
    this.phases = [{ fromMs: originMs, state: base }];
  }

  /** Applies `patch` from `fromMs` on (not before the last change). */
  change(fromMs: number, patch: Partial<InstanceState>): void {
    const last = this.phases[this.phases.length - 1]!;
    if (fromMs < last.fromMs) throw new Error(`phases of ${this.region} must be added in time order`);
    this.phases.push({ fromMs, state: { ...this.stateAt(fromMs), ...patch } });
  }

  /** The state at `tMs`. */
  stateAt(tMs: number): InstanceState {
    return this.phases[Math.max(0, this.phaseIndex(tMs))]!.state;
  }

  private readonly cumulative = new Map<(s: InstanceState) => number, number[]>();

  /** ∫ rate(state) dt from the origin to `tMs`, in events (prefix sums per rate, so many phases stay cheap). */
  integral(tMs: number, rate: (s: InstanceState) => number): number {
    let cum = this.cumulative.get(rate);
    if (!cum || cum.length !== this.phases.length) {
      cum = [0];
      for (let i = 1; i < this.phases.length; i++) {
        cum.push(cum[i - 1]! + (rate(this.phases[i - 1]!.state) * (this.phases[i]!.fromMs - this.phases[i - 1]!.fromMs)) / 1000);
      }
      this.cumulative.set(rate, cum);
    }
    const i = this.phaseIndex(tMs);
    if (i < 0) return 0;
    return cum[i]! + (rate(this.phases[i]!.state) * (tMs - this.phases[i]!.fromMs)) / 1000;
  }

  /** Index of the phase in force at `tMs` (-1 before the origin). */
  private phaseIndex(tMs: number): number {
    let lo = 0;
    let hi = this.phases.length - 1;
    if (tMs < this.phases[0]!.fromMs) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.phases[mid]!.fromMs <= tMs) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Every series one instance exports, for the latency SLIs of `latencySlos`. */
export function instanceSeries(timeline: InstanceTimeline, latencySlos: readonly LatencySlo[]): ExportedSeries[] {
  const series: ExportedSeries[] = [];
  const counter = (name: string, labels: Record<string, string>, readByRules: boolean, rate: (s: InstanceState) => number) => {
    series.push({ name, labels, readByRules, value: (t) => Math.floor(timeline.integral(t, rate)) });
  };
  const gauge = (name: string, labels: Record<string, string>, value: (s: InstanceState) => number) =>
    series.push({ name, labels, readByRules: true, value: (t) => value(timeline.stateAt(t)) });

  const ok = (s: InstanceState) => 1 - s.errorRatio - s.rateLimitedRatio;
  counter(M.httpRequests, { code: '200' }, true, (s) => s.requestsPerSecond * Math.max(0, ok(s)));
  counter(M.httpRequests, { code: '500' }, true, (s) => s.requestsPerSecond * s.errorRatio);
  counter(M.httpRequests, { code: RATE_LIMITED_CODE }, true, (s) => s.requestsPerSecond * s.rateLimitedRatio);

  // One histogram per latency SLI: fast events just under the threshold, slow ones just over it.
  const seen = new Set<string>();
  for (const slo of latencySlos) {
    const { histogram, buckets, thresholdSeconds } = slo.sli;
    const labels = selectorLabels(slo.sli.selector);
    const key = `${histogram}${JSON.stringify(labels)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const total = (s: InstanceState) => s.operationsPerSecond;
    const fast = (s: InstanceState) => s.operationsPerSecond * (1 - s.slowRatio);
    for (const le of buckets) {
      const rate = le < thresholdSeconds ? (s: InstanceState) => fast(s) / 2 : le === thresholdSeconds ? fast : total;
      counter(`${histogram}_bucket`, { ...labels, le: String(le) }, le === thresholdSeconds, rate);
    }
    counter(`${histogram}_bucket`, { ...labels, le: '+Inf' }, false, total);
    counter(`${histogram}_count`, labels, true, total);
    counter(`${histogram}_sum`, labels, false, (s) => thresholdSeconds * s.operationsPerSecond);
  }

  gauge(M.dependencyUp, { dependency: DEPENDENCY.redis }, (s) => (s.redisUp ? 1 : 0));
  gauge(M.dependencyUp, { dependency: DEPENDENCY.postgres }, (s) => (s.postgresUp ? 1 : 0));
  gauge(M.redisPoolInUse, {}, () => 10);
  gauge(M.redisPoolMax, {}, () => 100);
  gauge(M.replicationLag, {}, (s) => s.replicationLagSeconds);
  gauge(M.processStart, {}, (s) => s.processStartSeconds);
  counter(M.revokedKeyUses, {}, true, (s) => s.revokedKeyUsesPerSecond);
  gauge(M.keyRotationStarted, {}, (s) => s.keyRotationStartedSeconds);
  gauge(M.keyRotationCompleted, {}, (s) => s.keyRotationCompletedSeconds);
  return series;
}

/** Prometheus text exposition of `series` at `tMs` (no timestamps: the scrape time is the sample time). */
export function exposition(series: readonly ExportedSeries[], tMs: number): string {
  const lines: string[] = [];
  for (const s of series) {
    const labels = Object.entries(s.labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    lines.push(`${s.name}${labels ? `{${labels}}` : ''} ${s.value(tMs)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One instance's HTTP endpoint: `/metrics` and the health path. */
export interface InstanceEndpoint {
  readonly region: string;
  readonly port: number;
  readonly timeline: InstanceTimeline;
  readonly series: readonly ExportedSeries[];
  stop(): Promise<void>;
}

/** Serves one instance on 127.0.0.1:`port`: `metricsPath` and `healthPath`. */
export function serveInstance(
  timeline: InstanceTimeline,
  series: readonly ExportedSeries[],
  port: number,
  paths: { metrics: string; health: string },
): Promise<InstanceEndpoint> {
  const server: Server = createServer((req, res) => {
    const now = Date.now();
    const state = timeline.stateAt(now);
    const path = (req.url ?? '/').split('?')[0];
    if (path === paths.health) {
      res.writeHead(state.healthy ? 200 : 503, { 'content-type': 'text/plain' }).end(state.healthy ? 'ok\n' : 'unavailable\n');
    } else if (path === paths.metrics && state.exporting) {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition(series, now));
    } else if (path === paths.metrics) {
      // An exporter that stopped: the connection is dropped, as when the process is gone.
      req.socket.destroy();
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({
        region: timeline.region,
        port,
        timeline,
        series,
        stop: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      }),
    );
  });
}
