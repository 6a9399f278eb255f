/**
 * Plain data describing the Cloud Monitoring side of an environment: notification channels,
 * alert policies, uptime checks, custom services and SLOs. The renderers in this folder compute
 * it from the SLO catalog and the environment config; constructs/google/monitoring maps it onto
 * Terraform resources without doing any arithmetic of their own.
 */
import type { Severity } from '../../slos/schema';

/** A Secret Manager secret version, split out of its `projects/<p>/secrets/<name>/versions/<v>` reference. */
export interface SecretVersionRef {
  /** The reference exactly as configured. */
  readonly reference: string;
  readonly project: string;
  /** Secret name (the `secret_id`). */
  readonly secret: string;
  /** Version number or `latest`. */
  readonly version: string;
}

/** One notification channel. Credentials are only ever secret references. */
export interface ChannelSpec {
  /** Stable key, also the construct id. */
  readonly key: string;
  /** Severity whose alerts this channel receives. */
  readonly severity: Severity;
  readonly type: 'pagerduty' | 'slack' | 'email';
  readonly displayName: string;
  /** Non-secret channel labels (`channel_name`, `email_address`). */
  readonly labels: Readonly<Record<string, string>>;
  /** Secret channel labels by Terraform attribute (`service_key`, `auth_token`), as secret references. */
  readonly sensitiveLabels: Readonly<Partial<Record<'service_key' | 'auth_token', SecretVersionRef>>>;
}

/** Cloud Monitoring's own severity levels of an alert policy. */
export type PolicySeverity = 'CRITICAL' | 'ERROR' | 'WARNING';

/** One aggregation step of a threshold condition. */
export interface Aggregation {
  readonly alignmentPeriodSeconds: number;
  /** `ALIGN_*`. */
  readonly perSeriesAligner: string;
  /** `REDUCE_*`; absent keeps one series per monitored resource. */
  readonly crossSeriesReducer?: string;
  readonly groupByFields?: readonly string[];
}

/**
 * A metric-threshold condition. `filter` may hold `{{uptimeCheckId:<key>}}` and
 * `{{sloName:<key>}}` placeholders for values that only exist once Terraform applies; see refs.ts.
 */
export interface ThresholdCondition {
  readonly kind: 'threshold';
  readonly displayName: string;
  readonly filter: string;
  readonly comparison: 'COMPARISON_GT' | 'COMPARISON_GE' | 'COMPARISON_LT' | 'COMPARISON_LE';
  readonly thresholdValue: number;
  readonly durationSeconds: number;
  readonly aggregations: readonly Aggregation[];
  /** Denominator of a ratio condition. */
  readonly denominator?: { readonly filter: string; readonly aggregations: readonly Aggregation[] };
  /** Number of series that must violate the predicate; absent means any one. */
  readonly triggerCount?: number;
  /** `EVALUATION_MISSING_DATA_*`; absent keeps the API default. */
  readonly evaluationMissingData?: string;
}

/** A condition that fires when a metric stops arriving. */
export interface AbsentCondition {
  readonly kind: 'absent';
  readonly displayName: string;
  readonly filter: string;
  readonly durationSeconds: number;
  readonly aggregations: readonly Aggregation[];
}

/**
 * A PromQL condition (`condition_prometheus_query_language`): one Prometheus alerting rule, its
 * recorded series inlined (alerts/prometheus/inline.ts), evaluated by Cloud Monitoring.
 */
export interface PromqlCondition {
  readonly kind: 'promql';
  readonly displayName: string;
  /** The alert's full expression (the rule's `expr`). */
  readonly query: string;
  /** How long the expression must hold before the alert fires (the rule's `for`); 0 fires on the first match. */
  readonly durationSeconds: number;
  /** How often Cloud Monitoring evaluates it: the rule group's interval (the spec's `evaluationInterval`). */
  readonly evaluationIntervalSeconds: number;
  /** Labels set on every alert (the rule's labels, plus the series labels of the records it read). */
  readonly labels: Readonly<Record<string, string>>;
  /** The rule group it comes from. */
  readonly ruleGroup: string;
  /** The alert name. */
  readonly alertRule: string;
}

/** One condition of a policy. */
export type ConditionSpec = ThresholdCondition | AbsentCondition | PromqlCondition;

/**
 * What a policy watches, for grouping in docs and tests. `slo-promql` and `symptom-promql` are the
 * rule files' own alerts evaluated by Cloud Monitoring (`sloEvaluation` managed or both).
 */
export type PolicyArea = 'redis' | 'sql' | 'cloud-run' | 'load-balancer' | 'uptime' | 'slo-burn-rate' | 'slo-promql' | 'symptom-promql';

/**
 * An alert policy before the cross-cutting documentation transform (documentation.ts) adds the
 * runbook link, labels and channels.
 */
export interface PolicyDraft {
  /** Stable key, also the construct id. */
  readonly key: string;
  readonly area: PolicyArea;
  readonly displayName: string;
  readonly severity: Severity;
  readonly combiner: 'OR' | 'AND';
  readonly conditions: readonly ConditionSpec[];
  /** Heading in docs/runbooks/cloud-monitoring.md this policy links to. */
  readonly runbookAnchor: string;
  /** One-paragraph summary of what fired. */
  readonly summary: string;
  /** What the responder does first, as markdown list items (without the leading dash). */
  readonly firstSteps: readonly string[];
  /** How the threshold was derived, in words, for the documentation and the docs page. */
  readonly thresholdNote: string;
  /** Extra user labels (region, slo, window). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Further links for the documentation (an SLO's own runbook). */
  readonly links?: readonly { readonly displayName: string; readonly url: string }[];
  /**
   * The runbook, when the policy has its own (a rule file alert's `runbook_url`).
   *
   * @default - `runbookAnchor` in docs/runbooks/cloud-monitoring.md
   */
  readonly runbookUrl?: string;
}

/** A finished alert policy. */
export interface PolicySpec extends Omit<PolicyDraft, 'labels'> {
  readonly policySeverity: PolicySeverity;
  /** User labels: `severity` plus the draft's own. */
  readonly userLabels: Readonly<Record<string, string>>;
  /** Keys of the channels (ChannelSpec.key) this policy notifies. */
  readonly channelKeys: readonly string[];
  /** Markdown documentation content. */
  readonly documentation: string;
  /** Full runbook URL. */
  readonly runbookUrl: string;
}

/**
 * What an uptime check probes (environments/edge-access.ts decides which, per edge access mode):
 * a host, without credentials (the region's host on the load balancer), or one region's Cloud Run
 * service at its own URL, known only once the service exists, with an OIDC token of the Monitoring
 * service agent.
 */
export type UptimeTarget =
  { readonly kind: 'host'; readonly host: string } | { readonly kind: 'cloudRun'; readonly service: string; readonly location: string };

/** An HTTPS uptime check of one region's health endpoint. */
export interface UptimeCheckSpec {
  readonly key: string;
  readonly region: string;
  readonly displayName: string;
  readonly project: string;
  readonly target: UptimeTarget;
  readonly path: string;
  readonly port: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly selectedRegions: readonly string[];
}

/** A Cloud Monitoring custom service that groups the SLOs of one platform service. */
export interface ServiceSpec {
  readonly key: string;
  /** `service_id`. */
  readonly serviceId: string;
  readonly displayName: string;
  /** The catalog service. */
  readonly service: string;
}

/** A request-based Cloud Monitoring SLO. */
export interface CloudMonitoringSloSpec {
  readonly key: string;
  /** Key of the ServiceSpec it belongs to. */
  readonly serviceKey: string;
  /** `slo_id`. */
  readonly sloId: string;
  /** The catalog SLO id (`service/name`). */
  readonly sloRef: string;
  readonly displayName: string;
  /** Goal as a ratio (the spec's objective). */
  readonly goal: number;
  readonly rollingPeriodDays: number;
  readonly sli:
    | { readonly kind: 'goodTotalRatio'; readonly goodFilter?: string; readonly badFilter?: string; readonly totalFilter: string }
    | { readonly kind: 'distributionCut'; readonly distributionFilter: string; readonly rangeMax: number };
  readonly userLabels: Readonly<Record<string, string>>;
}

/** Everything the monitoring stack creates for one environment. */
export interface MonitoringPlan {
  readonly channels: readonly ChannelSpec[];
  readonly uptimeChecks: readonly UptimeCheckSpec[];
  readonly services: readonly ServiceSpec[];
  readonly slos: readonly CloudMonitoringSloSpec[];
  readonly policies: readonly PolicySpec[];
  /** Valid but suspicious input, for synth warnings (an SLI filter naming a service this environment lacks). */
  readonly warnings: readonly string[];
  /** Severities that had no channel of their own and were routed to another severity's channels. */
  readonly routingFallbacks: readonly { readonly severity: Severity; readonly routedTo: Severity }[];
}
