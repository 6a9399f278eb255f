/**
 * Synthetic history for the rule-cost bench: 30 days of scrapes of two services, as a
 * Prometheus would have stored them. `checkout` exports a request counter per route, status code
 * and instance (`http_requests_total`); `search` exports a classic latency histogram per route and
 * instance (`http_request_duration_seconds_{bucket,count,sum}`). Traffic follows the day (a night
 * trough a fifth of the afternoon peak) and the week (quieter weekends); every instance restarts a
 * few times (its counters start again from zero); a few incidents raise the 5xx share or slow
 * requests down. Everything is seeded, so a scale gives the same samples on every run, and the
 * exact error ratio of any window is counted from the same events the counters carry.
 */
import type { BackfillSeries } from '../../../e2e/harness';

/** How much data: series count and scrape step. */
export interface TrafficScale {
  readonly routes: number;
  readonly instances: number;
  /** Scrape interval, seconds. */
  readonly stepSeconds: number;
  /** Days of history before the end. */
  readonly days: number;
}

/** The scales the bench offers: `default` finishes the whole bench in minutes, `large` is ten times the series. */
export const SCALES: Readonly<Record<'default' | 'large', TrafficScale>> = Object.freeze({
  default: { routes: 4, instances: 3, stepSeconds: 60, days: 30 },
  large: { routes: 10, instances: 12, stepSeconds: 60, days: 30 },
});

/** Status codes of the request counter and their share of normal traffic (the 5xx share grows in incidents). */
const CODES = [
  { code: '200', share: 0.9745 },
  { code: '404', share: 0.025 },
  { code: '500', share: 0.0003 },
  { code: '503', share: 0.0002 },
] as const;

/** Histogram buckets (`le`, seconds) of the latency histogram, `+Inf` added. */
export const LATENCY_BUCKETS: readonly number[] = Object.freeze([0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);

/** Metric names and the selectors of each service, shared by our specs and Sloth's. */
export const METRICS = Object.freeze({
  requests: 'http_requests_total',
  histogram: 'http_request_duration_seconds',
  ratioJob: 'checkout',
  latencyJob: 'search',
  /** The latency SLI's threshold: one of the buckets. */
  thresholdSeconds: 0.25,
});

/** Extra time generated before the window, so the first rates of the window have samples behind them. */
const LEAD_SECONDS = 3600;

const DAY = 86400;

/** A period of a changed error share or latency, in seconds before the end of the data. */
interface Incident {
  readonly service: 'checkout' | 'search';
  readonly startsBeforeEndSeconds: number;
  readonly durationSeconds: number;
  /** Affects one route (its index modulo the routes) or all (undefined). */
  readonly route?: number;
  /** Affects one instance (index modulo the instances) or all (undefined). */
  readonly instance?: number;
  /** checkout: the 5xx share while it lasts; search: the factor on every latency. */
  readonly severity: number;
}

/** The incidents of the month: an outage-like 5xx burst, a slow burn on one route, a bad instance; two slowdowns. */
const INCIDENTS: readonly Incident[] = [
  { service: 'checkout', startsBeforeEndSeconds: 25 * DAY + 3600 * 14, durationSeconds: 40 * 60, severity: 0.08 },
  { service: 'checkout', startsBeforeEndSeconds: 12 * DAY + 3600 * 9, durationSeconds: 3 * 3600, route: 1, severity: 0.015 },
  { service: 'checkout', startsBeforeEndSeconds: 2 * DAY + 3600 * 20, durationSeconds: 15 * 60, instance: 0, severity: 0.3 },
  { service: 'search', startsBeforeEndSeconds: 18 * DAY + 3600 * 16, durationSeconds: 90 * 60, severity: 4 },
  { service: 'search', startsBeforeEndSeconds: 6 * DAY + 3600 * 11, durationSeconds: 20 * 60, route: 2, severity: 10 },
];

/** mulberry32: a small seeded generator, so the same scale gives the same samples. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Share of a day's peak traffic at `t` (Unix seconds): a trough at 04:00 UTC, the peak at 16:00, weekends at 70 %. */
function traffic(t: number): number {
  const hour = (t % DAY) / 3600;
  const daily = 0.2 + 0.8 * (0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 4)) / 24));
  const weekday = new Date(t * 1000).getUTCDay();
  return daily * (weekday === 0 || weekday === 6 ? 0.7 : 1);
}

/** Standard normal CDF (Abramowitz–Stegun 26.2.17, error < 1e-7). */
function normalCdf(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const d = 0.3989422804014327 * Math.exp((-z * z) / 2);
  const p = d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z > 0 ? 1 - p : p;
}

/** One route of one instance of a service: its labels and its requests per scrape. */
interface Target {
  readonly service: 'checkout' | 'search';
  readonly route: number;
  readonly instance: number;
  readonly labels: Readonly<Record<string, string>>;
}

/** The data set: its time span, its series and the exact counts of any window. */
export class SyntheticTraffic {
  /** Last sample time, Unix seconds; the bench evaluates every rule here. */
  readonly endSeconds: number;
  readonly startSeconds: number;
  private readonly targets: readonly Target[];

  constructor(readonly scale: TrafficScale) {
    // A fixed end (a Tuesday noon, UTC), so every run writes the same samples.
    this.endSeconds = Date.UTC(2026, 9, 27, 12) / 1000;
    this.startSeconds = this.endSeconds - scale.days * DAY - LEAD_SECONDS;
    const targets: Target[] = [];
    for (const service of ['checkout', 'search'] as const)
      for (let instance = 0; instance < scale.instances; instance++)
        for (let route = 0; route < scale.routes; route++)
          targets.push({
            service,
            route,
            instance,
            labels: { job: service, instance: `${service}-${instance}:8080`, route: `/api/${service}/r${route}` },
          });
    this.targets = targets;
  }

  /** Sample times, Unix seconds, oldest first. */
  times(): Float64Array {
    const step = this.scale.stepSeconds;
    const first = Math.ceil(this.startSeconds / step) * step;
    const n = Math.floor((this.endSeconds - first) / step) + 1;
    return Float64Array.from({ length: n }, (_, i) => first + i * step);
  }

  /** Restart times of an instance (Unix seconds): two to four in the month, none in the last day. */
  private restarts(service: string, instance: number): number[] {
    const rnd = random(hash(`restart/${service}/${instance}`));
    const count = 2 + Math.floor(rnd() * 3);
    return Array.from({ length: count }, () => this.endSeconds - DAY - rnd() * (this.scale.days - 1) * DAY).sort((a, b) => a - b);
  }

  private incidents(target: Target, t: number): Incident | undefined {
    return INCIDENTS.find(
      (i) =>
        i.service === target.service &&
        (i.route === undefined || i.route % this.scale.routes === target.route) &&
        (i.instance === undefined || i.instance % this.scale.instances === target.instance) &&
        t > this.endSeconds - i.startsBeforeEndSeconds &&
        t <= this.endSeconds - i.startsBeforeEndSeconds + i.durationSeconds,
    );
  }

  /**
   * The events of one target between scrapes: for each sample time, the requests since the
   * previous scrape, split into `columns` (checkout: one per status code; search: one per
   * bucket, cumulative, then the sum of latencies), and whether the instance restarted.
   */
  private events(target: Target, times: Float64Array): { columns: Float64Array[]; restart: Uint8Array } {
    const rnd = random(hash(`events/${target.service}/${target.instance}/${target.route}`));
    const peak = 4 + 36 * random(hash(`peak/${target.service}/${target.route}`))();
    const restarts = this.restarts(target.service, target.instance);
    const width = target.service === 'checkout' ? CODES.length : LATENCY_BUCKETS.length + 2;
    const columns = Array.from({ length: width }, () => new Float64Array(times.length));
    const restart = new Uint8Array(times.length);
    let nextRestart = 0;
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!;
      while (nextRestart < restarts.length && restarts[nextRestart]! <= t) {
        restart[i] = 1;
        nextRestart++;
      }
      const expected = peak * traffic(t) * this.scale.stepSeconds * (0.9 + 0.2 * rnd());
      const requests = Math.floor(expected + rnd());
      const incident = this.incidents(target, t);
      if (target.service === 'checkout') {
        const serverErrors = incident ? incident.severity : CODES[2].share + CODES[3].share;
        const shares = [1 - CODES[1].share - serverErrors, CODES[1].share, serverErrors * 0.6, serverErrors * 0.4];
        // Each code but the first is drawn from its share; 200 takes the rest.
        let rest = requests;
        for (let c = 1; c < shares.length; c++) {
          const n = Math.min(rest, Math.floor(requests * shares[c]! + rnd()));
          columns[c]![i] = n;
          rest -= n;
        }
        columns[0]![i] = rest;
      } else {
        // Log-normal latencies: median 40 ms, σ 0.7 (about 0.5 % above 250 ms), scaled in incidents.
        const median = 0.04 * (incident ? incident.severity : 1);
        const sigma = 0.7;
        const u = rnd();
        LATENCY_BUCKETS.forEach((le, b) => {
          columns[b]![i] = Math.floor(requests * normalCdf(Math.log(le / median) / sigma) + u);
        });
        columns[LATENCY_BUCKETS.length]![i] = requests;
        columns[LATENCY_BUCKETS.length + 1]![i] = Math.round(requests * median * Math.exp((sigma * sigma) / 2) * 1000) / 1000;
      }
    }
    return { columns, restart };
  }

  /** Every series, target by target (each computed once, then dropped), samples as counters with resets. */
  *series(): Generator<BackfillSeries> {
    const times = this.times();
    for (const target of this.targets) {
      const { columns, restart } = this.events(target, times);
      for (const { name, labels, column } of this.seriesOf(target))
        yield { name, labels, samples: counterSamples(times, columns[column]!, restart) };
    }
  }

  /** The series of one target and the column of `events` each carries (the +Inf bucket and `_count` share one). */
  private seriesOf(target: Target): { name: string; labels: Record<string, string>; column: number }[] {
    if (target.service === 'checkout')
      return CODES.map((c, column) => ({ name: METRICS.requests, labels: { ...target.labels, code: c.code }, column }));
    const all = LATENCY_BUCKETS.length;
    return [
      ...LATENCY_BUCKETS.map((le, column) => ({
        name: `${METRICS.histogram}_bucket`,
        labels: { ...target.labels, le: String(le) },
        column,
      })),
      { name: `${METRICS.histogram}_bucket`, labels: { ...target.labels, le: '+Inf' }, column: all },
      { name: `${METRICS.histogram}_count`, labels: target.labels, column: all },
      { name: `${METRICS.histogram}_sum`, labels: target.labels, column: all + 1 },
    ];
  }

  /** Number of series `series()` yields. */
  seriesCount(): number {
    return this.targets.reduce((n, t) => n + this.seriesOf(t).length, 0);
  }

  /**
   * The exact events of `service` in the window (end − windowSeconds, end]: bad (checkout: 5xx
   * answers; search: requests slower than the threshold) and all, counted from the generated
   * increments, so counter resets are no approximation.
   */
  exactCounts(service: 'checkout' | 'search', windowSeconds: number): { bad: number; total: number } {
    const times = this.times();
    const from = this.endSeconds - windowSeconds;
    const threshold = LATENCY_BUCKETS.indexOf(METRICS.thresholdSeconds);
    let bad = 0;
    let total = 0;
    for (const target of this.targets.filter((t) => t.service === service)) {
      const { columns } = this.events(target, times);
      for (let i = 0; i < times.length; i++) {
        if (times[i]! <= from) continue;
        if (service === 'checkout') {
          bad += columns[2]![i]! + columns[3]![i]!;
          total += columns[0]![i]! + columns[1]![i]! + columns[2]![i]! + columns[3]![i]!;
        } else {
          bad += columns[LATENCY_BUCKETS.length]![i]! - columns[threshold]![i]!;
          total += columns[LATENCY_BUCKETS.length]![i]!;
        }
      }
    }
    return { bad, total };
  }
}

/** Counter samples from per-scrape increments: a running sum that starts again from the increment at each restart. */
function* counterSamples(times: Float64Array, increments: Float64Array, restart: Uint8Array): Generator<readonly [number, number]> {
  let value = 0;
  for (let i = 0; i < times.length; i++) {
    value = restart[i] ? increments[i]! : value + increments[i]!;
    // Sums of latencies carry float noise; three decimals are what an exporter prints.
    yield [times[i]! * 1000, Math.round(value * 1000) / 1000];
  }
}
