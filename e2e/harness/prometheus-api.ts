/** Typed helpers over Prometheus' HTTP API (`/api/v1`), the parts the end-to-end run reads. */
import { fetchJson } from './http';

/** One instant-vector element. */
export interface VectorSample {
  readonly metric: Readonly<Record<string, string>>;
  /** The value as a number (Prometheus sends it as a string; NaN and ±Inf included). */
  readonly value: number;
  /** Evaluation time, Unix seconds. */
  readonly time: number;
}

/** One alert as `/api/v1/alerts` lists it. */
export interface PrometheusAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: 'pending' | 'firing' | 'inactive';
  /** RFC 3339 time the alert became active (pending). */
  readonly activeAt: string;
  readonly value: string;
}

/** One rule group as `/api/v1/rules` lists it. */
export interface RuleGroupStatus {
  readonly name: string;
  readonly file: string;
  /** Evaluation interval, seconds. */
  readonly interval: number;
  readonly lastEvaluation: string;
  readonly evaluationTime: number;
  readonly rules: readonly {
    readonly name: string;
    readonly type: 'alerting' | 'recording';
    readonly health: string;
    readonly lastError?: string;
    readonly state?: string;
  }[];
}

interface ApiEnvelope<T> {
  readonly status: 'success' | 'error';
  readonly data: T;
  readonly error?: string;
}

/** A Prometheus server's API at `baseUrl`. */
export class PrometheusApi {
  constructor(readonly baseUrl: string) {}

  private async get<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const query = new URLSearchParams(params).toString();
    const body = await fetchJson<ApiEnvelope<T>>(`${this.baseUrl}/api/v1/${path}${query ? `?${query}` : ''}`);
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error ?? 'error'}`);
    return body.data;
  }

  /** Evaluates `expr` as an instant vector at `timeSeconds` (default now). Scalars become one sample. */
  async query(expr: string, timeSeconds?: number): Promise<VectorSample[]> {
    const data = await this.get<{ resultType: string; result: unknown }>('query', {
      query: expr,
      ...(timeSeconds === undefined ? {} : { time: String(timeSeconds) }),
    });
    if (data.resultType === 'scalar') {
      const [t, v] = data.result as [number, string];
      return [{ metric: {}, value: Number(v), time: t }];
    }
    if (data.resultType !== 'vector') throw new Error(`prometheus query ${expr}: expected a vector, got ${data.resultType}`);
    return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({
      metric: r.metric,
      value: Number(r.value[1]),
      time: r.value[0],
    }));
  }

  /** The single value of `expr`, or `undefined` when the result is empty; throws on several series. */
  async queryValue(expr: string, timeSeconds?: number): Promise<number | undefined> {
    const result = await this.query(expr, timeSeconds);
    if (result.length > 1) throw new Error(`prometheus query ${expr}: expected one series, got ${result.length}`);
    return result[0]?.value;
  }

  /** Evaluates a range selector (`m[10m]`) at `timeSeconds`: per series, its raw [time, value] samples. */
  async queryRaw(expr: string, timeSeconds: number): Promise<{ metric: Record<string, string>; values: [number, number][] }[]> {
    const data = await this.get<{ resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] }>('query', {
      query: expr,
      time: String(timeSeconds),
    });
    if (data.resultType !== 'matrix') throw new Error(`prometheus query ${expr}: expected a range vector, got ${data.resultType}`);
    return data.result.map((r) => ({ metric: r.metric, values: r.values.map(([t, v]) => [t, Number(v)] as [number, number]) }));
  }

  /** Evaluates `expr` over a range: per series, its [time, value] points. */
  async queryRange(
    expr: string,
    startSeconds: number,
    endSeconds: number,
    stepSeconds: number,
  ): Promise<{ metric: Record<string, string>; points: [number, number][] }[]> {
    const data = await this.get<{ result: { metric: Record<string, string>; values: [number, string][] }[] }>('query_range', {
      query: expr,
      start: String(startSeconds),
      end: String(endSeconds),
      step: String(stepSeconds),
    });
    return data.result.map((r) => ({ metric: r.metric, points: r.values.map(([t, v]) => [t, Number(v)] as [number, number]) }));
  }

  /** Alerts currently pending or firing. */
  async alerts(): Promise<PrometheusAlert[]> {
    return (await this.get<{ alerts: PrometheusAlert[] }>('alerts')).alerts;
  }

  /** Rule groups with their health and last evaluation. */
  async ruleGroups(): Promise<RuleGroupStatus[]> {
    return (await this.get<{ groups: RuleGroupStatus[] }>('rules')).groups;
  }

  /** Scrape targets that are active, with their health and the start of their last scrape (RFC 3339; year 1 before the first). */
  async targets(): Promise<ScrapeTarget[]> {
    return (await this.get<{ activeTargets: ScrapeTarget[] }>('targets')).activeTargets;
  }

  /** Sum of `prometheus_rule_evaluation_failures_total` over every rule group (0 when healthy). */
  async ruleEvaluationFailures(): Promise<number> {
    return (await this.queryValue('sum(prometheus_rule_evaluation_failures_total)')) ?? 0;
  }
}

/** One active scrape target, as `/api/v1/targets` reports it. */
export interface ScrapeTarget {
  readonly labels: Record<string, string>;
  readonly health: string;
  readonly lastError: string;
  readonly scrapeUrl: string;
  readonly lastScrape: string;
}
