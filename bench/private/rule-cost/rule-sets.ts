/**
 * The rules the rule-cost bench evaluates, per SLO: ours, rendered from native specs by the same
 * code `slo generate` uses (`serviceRuleFile`), and Sloth's, built from a Sloth `prometheus/v1`
 * spec of the same SLI by Sloth's documented rule shape (`tests/slos/sloth-reference.ts`). Both
 * SLOs read the synthetic data of `traffic.ts`: a ratio SLI over the request counter and a latency
 * SLI over the histogram, each over a 30-day window.
 */
import { isAlertingRule } from '../../../alerts/prometheus/rules';
import { serviceRuleFile } from '../../../alerts/prometheus/artifacts';
import { buildCatalog } from '../../../slos/catalog';
import { errorRatioRecord } from '../../../slos/conventions';
import { parseDuration } from '../../../slos/duration';
import { serviceEvaluationInterval, slosOfService } from '../../../slos/model';
import { slothShapedRules, promDuration } from '../../../tests/slos/sloth-reference';
import { LATENCY_BUCKETS, METRICS } from './traffic';

/** One rule as the bench evaluates it. */
export interface BenchRule {
  readonly kind: 'record' | 'alert';
  /** Recorded series name or alert name. */
  readonly name: string;
  readonly expr: string;
  /** Labels the rule adds (a recording rule's series carry them). */
  readonly labels: Readonly<Record<string, string>>;
}

/** The rules of one SLO in one shape, in evaluation order. */
export interface RuleSet {
  readonly shape: 'ours' | 'sloth';
  /** `checkout/availability`, `search/latency`. */
  readonly slo: string;
  /** The service whose data the SLO reads (`traffic.ts`). */
  readonly service: 'checkout' | 'search';
  /** Evaluation interval of its rule groups, seconds. */
  readonly intervalSeconds: number;
  readonly rules: readonly BenchRule[];
  /** The rule whose value is the error ratio over the whole SLO window. */
  readonly wholeWindowRecord: BenchRule;
  readonly windowSeconds: number;
}

/** Each SLO of the bench: a name, its objective and its SLI in our spec format and in Sloth's events form. */
const SLOS = [
  {
    service: 'checkout',
    name: 'availability',
    objective: 99.9,
    description: 'Checkout requests answered without a server error (5xx).',
    ours: `      ratio:
        errorQuery: sum(rate(${METRICS.requests}{job="${METRICS.ratioJob}", code=~"5.."}[{{.window}}]))
        totalQuery: sum(rate(${METRICS.requests}{job="${METRICS.ratioJob}"}[{{.window}}]))`,
    sloth: {
      error_query: `sum(rate(${METRICS.requests}{job="${METRICS.ratioJob}", code=~"5.."}[{{.window}}]))`,
      total_query: `sum(rate(${METRICS.requests}{job="${METRICS.ratioJob}"}[{{.window}}]))`,
    },
  },
  {
    service: 'search',
    name: 'latency',
    objective: 99,
    description: `Search requests answered within ${METRICS.thresholdSeconds * 1000} ms.`,
    ours: `      latency:
        histogram: ${METRICS.histogram}
        selector: job="${METRICS.latencyJob}"
        thresholdSeconds: ${METRICS.thresholdSeconds}
        buckets: [${LATENCY_BUCKETS.join(', ')}]`,
    // Sloth's documented latency SLI (its kubernetes-apiserver example): count − good bucket over count.
    sloth: {
      error_query: `(sum(rate(${METRICS.histogram}_count{job="${METRICS.latencyJob}"}[{{.window}}])) - sum(rate(${METRICS.histogram}_bucket{job="${METRICS.latencyJob}", le="${METRICS.thresholdSeconds}"}[{{.window}}])))`,
      total_query: `sum(rate(${METRICS.histogram}_count{job="${METRICS.latencyJob}"}[{{.window}}]))`,
    },
  },
] as const;

/** The SLO window of both SLOs, the period Sloth's default catalogue serves. */
const WINDOW = '30d';

/** Our rules for each SLO, from a native spec through the generator of `slo generate`. */
function ourRuleSets(): RuleSet[] {
  const files = SLOS.map((s) => ({
    file: `${s.service}.yaml`,
    text: `apiVersion: slo-platform/v1
kind: ServiceLevelObjectives
service: ${s.service}
owner: shop
slos:
  - name: ${s.name}
    description: ${s.description}
    objective: ${s.objective}
    window: ${WINDOW}
    sli:
${s.ours}
    alerting:
      runbookUrl: https://runbooks.example.org/${s.service}#${s.name}
`,
  }));
  const { catalog, problems } = buildCatalog(files);
  if (!catalog) throw new Error(`rule-cost specs are invalid: ${problems.map((p) => p.message).join('; ')}`);
  return SLOS.map((s) => {
    const [slo] = slosOfService(catalog, s.service);
    const rules: BenchRule[] = serviceRuleFile(catalog, s.service).groups.flatMap((g) =>
      g.rules.map((r) =>
        isAlertingRule(r)
          ? { kind: 'alert' as const, name: r.alert, expr: r.expr, labels: r.labels }
          : { kind: 'record' as const, name: r.record, expr: r.expr, labels: r.labels },
      ),
    );
    const whole = rules.find((r) => r.kind === 'record' && r.name === errorRatioRecord(slo!.window));
    if (!whole) throw new Error(`no rule records ${errorRatioRecord(slo!.window)} for ${s.service}/${s.name}`);
    return {
      shape: 'ours',
      slo: `${s.service}/${s.name}`,
      service: s.service,
      intervalSeconds: parseDuration(serviceEvaluationInterval(slosOfService(catalog, s.service))),
      rules,
      wholeWindowRecord: whole,
      windowSeconds: parseDuration(WINDOW),
    };
  });
}

/** Sloth's rules for each SLO, by its documented shape for a 30-day period. */
function slothRuleSets(): RuleSet[] {
  return SLOS.map((s) => {
    const spec = `version: prometheus/v1
service: ${s.service}
labels:
  owner: shop
slos:
  - name: ${s.name}
    objective: ${s.objective}
    description: ${JSON.stringify(s.description)}
    sli:
      events:
        error_query: ${JSON.stringify(s.sloth.error_query)}
        total_query: ${JSON.stringify(s.sloth.total_query)}
    alerting:
      name: ${s.service[0]!.toUpperCase()}${s.service.slice(1)}${s.name[0]!.toUpperCase()}${s.name.slice(1)}Burn
      page_alert:
        labels:
          severity: page
      ticket_alert:
        labels:
          severity: ticket
`;
    const rules: BenchRule[] = slothShapedRules(spec, WINDOW).groups.flatMap((g) =>
      g.rules.map((r) =>
        r.alert !== undefined
          ? { kind: 'alert' as const, name: r.alert, expr: r.expr, labels: r.labels ?? {} }
          : { kind: 'record' as const, name: r.record!, expr: r.expr, labels: r.labels ?? {} },
      ),
    );
    const record = `slo:sli_error:ratio_rate${promDuration(parseDuration(WINDOW))}`;
    const whole = rules.find((r) => r.kind === 'record' && r.name === record);
    if (!whole) throw new Error(`Sloth's shape records no ${record} for ${s.service}/${s.name}`);
    return {
      shape: 'sloth',
      slo: `${s.service}/${s.name}`,
      service: s.service,
      // Sloth's groups state no interval: Prometheus's global evaluation_interval, 1m by default.
      intervalSeconds: 60,
      rules,
      wholeWindowRecord: whole,
      windowSeconds: parseDuration(WINDOW),
    };
  });
}

/** Every rule set of the bench: ours and Sloth's for each SLO. */
export function ruleSets(): RuleSet[] {
  return [...ourRuleSets(), ...slothRuleSets()];
}
