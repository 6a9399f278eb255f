/**
 * The SLO spec contract: one zod schema from which the TypeScript types and the committed
 * JSON Schema (`slos/schema.json`) are derived. SREs edit YAML files that match it.
 *
 * Shape checks only live here; checks that need the whole set (unique names, bucket
 * membership, PromQL parsing, docs agreement) are the semantic rules in `rules.ts`.
 */
import { z } from 'zod';
import { linkUrl, NO_TEMPLATE_MESSAGE, NO_TEMPLATE_RE } from './text-policy';

/** The literal `apiVersion` every native spec file carries. */
export const API_VERSION = 'slo-platform/v1';
/** The literal `kind` every native spec file carries. */
export const KIND = 'ServiceLevelObjectives';

/** SLO windows this package supports, as Prometheus durations. */
export const SUPPORTED_WINDOWS = ['7d', '28d', '30d'] as const;
/**
 * Rule evaluation intervals a spec file may state. At most 1 m, so the shortest alert window (5 m)
 * holds at least five evaluations and a `for:` of 2 m (the platform's symptom alerts) is two.
 */
export const EVALUATION_INTERVALS = ['15s', '30s', '1m'] as const;
/** The rule evaluation interval when a spec file states none: Prometheus' own default. */
export const DEFAULT_EVALUATION_INTERVAL = '1m';
/** The four alert severities of the platform, most urgent first. */
export const SEVERITIES = ['page', 'critical', 'warning', 'info'] as const;

const NAME_RE = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const LABEL_KEY_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const ALERT_NAME_RE = /^([A-Z][a-z0-9]*)+$/;

/**
 * Longest service, SLO and owner name: each becomes a label value, and Google Cloud label values
 * (Cloud Monitoring user labels) hold at most 63 characters.
 * https://cloud.google.com/resource-manager/docs/labels-overview#requirements
 */
export const MAX_NAME_LENGTH = 63;
const MAX_NAME_MESSAGE = `at most ${MAX_NAME_LENGTH} characters; it becomes a label value, and google cloud label values hold at most ${MAX_NAME_LENGTH}`;

const name = (what: string) =>
  z
    .string()
    .regex(NAME_RE, { message: 'allowed: lower-case kebab-case (a-z, 0-9, -), starting with a letter, e.g. error-rate' })
    .max(MAX_NAME_LENGTH, { message: MAX_NAME_MESSAGE })
    .describe(`${what}: lower-case kebab-case, used in record names, labels and UIDs.`);

/**
 * A label value: any text without Go template delimiters, since Prometheus and Grafana expand
 * alert labels as templates. Line breaks and control characters are allowed: the rule writer
 * escapes every one of them.
 */
export const labelValueSchema = z.string().regex(NO_TEMPLATE_RE, { message: NO_TEMPLATE_MESSAGE });

/** Prometheus label map; keys follow the Prometheus label-name syntax. */
export const labelsSchema = z
  .record(z.string().regex(LABEL_KEY_RE, { message: 'allowed: a prometheus label name, [a-zA-Z_][a-zA-Z0-9_]*' }), labelValueSchema)
  .describe('Prometheus labels added to every rule, alert and series of this scope.');

const severitySchema = z.enum(SEVERITIES).describe('One of the four platform severities.');

/** Ratio SLI: bad (or good) events over all events, as PromQL with a `{{.window}}` placeholder. */
export const ratioSliSchema = z
  .strictObject({
    errorQuery: z.string().min(1).optional().describe('PromQL rate of bad events; `{{.window}}` is replaced by each rule window.'),
    goodQuery: z.string().min(1).optional().describe('PromQL rate of good events (give this or errorQuery, not both).'),
    totalQuery: z.string().min(1).describe('PromQL rate of all events, with `{{.window}}`.'),
  })
  .describe('Ratio SLI: bad or good events over total events.');

/** Latency SLI: a Prometheus histogram and a threshold that is one of its buckets. */
export const latencySliSchema = z
  .strictObject({
    histogram: z
      .string()
      .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, { message: 'allowed: a prometheus metric name, [a-zA-Z_:][a-zA-Z0-9_:]*' })
      .describe('Histogram base name, without `_bucket`/`_count` (e.g. `http_request_duration_seconds`).'),
    selector: z.string().default('').describe('Label matchers without braces, e.g. `job="api", route_class="light"`.'),
    thresholdSeconds: z.number().positive().describe('Latency threshold in seconds; must be a declared bucket.'),
    buckets: z.array(z.number().positive()).min(1).describe('The histogram bucket boundaries (`le`) the service exports, in seconds.'),
  })
  .describe('Latency SLI: share of requests faster than the threshold.');

/** Cloud Monitoring request-based SLI, so the same SLO becomes a `google_monitoring_slo`. */
export const cloudMonitoringSliSchema = z
  .strictObject({
    goodTotalRatio: z
      .strictObject({
        goodFilter: z
          .string()
          .min(1)
          .optional()
          .describe('Monitoring filter selecting good requests; may use {{.cloudRunServices}} and {{.urlMap}}.'),
        badFilter: z
          .string()
          .min(1)
          .optional()
          .describe('Monitoring filter selecting bad requests; may use {{.cloudRunServices}} and {{.urlMap}}.'),
        totalFilter: z.string().min(1).describe('Monitoring filter selecting all requests; may use {{.cloudRunServices}} and {{.urlMap}}.'),
      })
      .optional()
      .describe('Request-based good/total ratio (give goodFilter or badFilter).'),
    distributionCut: z
      .strictObject({
        distributionFilter: z
          .string()
          .min(1)
          .describe('Monitoring filter of a distribution metric; may use {{.cloudRunServices}} and {{.urlMap}}.'),
        rangeMax: z.number().positive().describe("Good requests are those at or below this value, in the metric's unit."),
        unit: z.enum(['ms', 's']).default('ms').describe('Unit of the distribution metric (Cloud Run and LB latencies are ms).'),
      })
      .optional()
      .describe('Request-based distribution cut: requests under the latency threshold.'),
  })
  .describe('Google Cloud Monitoring form of the SLI (Cloud Run or load-balancer metrics).');

export const sliSchema = z
  .strictObject({
    ratio: ratioSliSchema.optional(),
    latency: latencySliSchema.optional(),
    cloudMonitoring: cloudMonitoringSliSchema.optional(),
    expectedEventsPerHour: z
      .number()
      .positive()
      .optional()
      .describe(
        'Events the SLI counts in a typical hour (requests, probe results). When given, `slo validate` rejects a page that one bad event would fire, and `slo explain` shows how many bad events each alert needs.',
      ),
  })
  .describe('The service level indicator: exactly one of ratio or latency, plus an optional Cloud Monitoring form.');

const burnAlertSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Whether this alert is generated.'),
    severity: severitySchema.optional(),
    labels: labelsSchema.default({}).describe('Extra labels for notification routing.'),
  })
  .describe('One class of burn-rate alert.');

export const alertingSchema = z
  .strictObject({
    name: z
      .string()
      .regex(ALERT_NAME_RE, { message: 'allowed: a CamelCase alert name, e.g. ApiErrorBudgetBurn' })
      .optional()
      .describe('Alert name; defaults to the CamelCase of service and SLO name.'),
    runbookUrl: linkUrl('Runbook link (http or https); required when any alert pages.').optional(),
    labels: labelsSchema.default({}).describe('Routing labels on every alert of this SLO.'),
    page: burnAlertSchema
      .default({ enabled: true, labels: {} })
      .describe('Fast burn: 2 % of the budget in 1 h (5 m short window) or 5 % in 6 h (30 m). Default severity `page`.'),
    ticket: burnAlertSchema
      .default({ enabled: true, labels: {} })
      .describe('Slow burn: 10 % of the budget in 3 d (6 h short window). Default severity `warning`.'),
    noData: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Whether the no-data alert is generated.'),
        severity: severitySchema.optional(),
        labels: labelsSchema.default({}).describe('Extra labels for notification routing.'),
      })
      .default({ enabled: true, labels: {} })
      .describe(
        "No data: the SLI's total events are absent or zero for its fastest alert's short window (and as long again), so every burn-rate alert is blind. Default severity: the ticket's.",
      ),
    budgetConsumed: z
      .strictObject({
        thresholdsPercent: z
          .array(z.number().gt(0).lt(100))
          .default([50, 75, 90])
          .describe('Shares of the error budget (percent) at which an `info` alert fires.'),
        severity: severitySchema.default('info'),
      })
      .default({ thresholdsPercent: [50, 75, 90], severity: 'info' })
      .describe('Alerts when a share of the error budget has been spent over the SLO window.'),
  })
  .describe('Which alerts this SLO produces and how they are routed.');

export const sloSchema = z
  .strictObject({
    name: name('SLO name'),
    description: z.string().min(1).describe('What the SLO promises, in one sentence.'),
    objective: z
      .number()
      .gt(0, { message: 'a percentage greater than 0 and less than 100' })
      .lt(100, { message: 'a percentage greater than 0 and less than 100' })
      .describe('Target share of good events, in percent (0 < x < 100), e.g. 99.9.'),
    window: z.enum(SUPPORTED_WINDOWS).describe('Rolling SLO window.'),
    labels: labelsSchema.default({}),
    sli: sliSchema,
    alerting: alertingSchema.default({
      labels: {},
      page: { enabled: true, labels: {} },
      ticket: { enabled: true, labels: {} },
      noData: { enabled: true, labels: {} },
      budgetConsumed: { thresholdsPercent: [50, 75, 90], severity: 'info' },
    }),
  })
  .describe('One service level objective.');

export const specFileSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Optional JSON Schema pointer for editors.'),
    apiVersion: z.literal(API_VERSION).describe('Spec format version.'),
    kind: z.literal(KIND).describe('Spec kind.'),
    service: name('service'),
    owner: labelValueSchema.min(1).max(MAX_NAME_LENGTH, { message: MAX_NAME_MESSAGE }).describe('Owning team, added as the `team` label.'),
    labels: labelsSchema.default({}),
    evaluationInterval: z
      .enum(EVALUATION_INTERVALS)
      .default(DEFAULT_EVALUATION_INTERVAL)
      .describe(
        'How often Prometheus evaluates this service\'s rule groups: every generated group states it as `interval`, and the promtool scenarios and `slo explain` use it (docs/alerting.md, "Evaluation interval").',
      ),
    slos: z.array(sloSchema).min(1).describe('The SLOs of this service.'),
  })
  .describe('A file of SLOs for one service (slos/*.yaml).');

/** A parsed native spec file, with defaults applied. */
export type SpecFile = z.output<typeof specFileSchema>;
/** One SLO of a spec file, with defaults applied. */
export type SloSpec = SpecFile['slos'][number];
export type Severity = (typeof SEVERITIES)[number];
export type SloWindow = (typeof SUPPORTED_WINDOWS)[number];
