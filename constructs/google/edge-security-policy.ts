/**
 * The Cloud Armor policy in front of the API backends. Rules are evaluated by priority and the
 * first match decides, so the deny rules (Log4Shell canary, preconfigured WAF) come before the
 * rate-based rule: a conforming request is allowed by the throttle rule and would skip any rule
 * after it.
 */
import { Construct } from '../framework';
import { ComputeSecurityPolicy, type ComputeSecurityPolicyRule } from './bindings';

/** Properties of {@link EdgeSecurityPolicy}. */
export interface EdgeSecurityPolicyProps {
  /**
   * Policy name.
   */
  readonly name: string;
  /**
   * Requests one client IP may send per minute before Cloud Armor answers 429. A coarse backstop
   * against floods far above any legitimate client; the platform's own per-workspace limit is
   * enforced by the service.
   */
  readonly requestsPerMinutePerClient: number;
}

/**
 * Preconfigured WAF rule sets (ModSecurity CRS 3.3) denied at sensitivity 1, the level Google
 * recommends to start from because it has the fewest false positives. Names are Cloud Armor's
 * `<set>-v33-stable` expressions ("Tune preconfigured WAF rules").
 *
 * `methodenforcement-v33-stable` is deliberately absent: its only sensitivity-1 signature
 * (CRS 911100) denies every method outside GET, HEAD, POST and OPTIONS, which would answer 403 to
 * the API's PUT, PATCH and DELETE at the edge.
 */
export const WAF_RULE_SETS: readonly string[] = [
  'sqli-v33-stable',
  'xss-v33-stable',
  'lfi-v33-stable',
  'rfi-v33-stable',
  'rce-v33-stable',
  'scannerdetection-v33-stable',
  'protocolattack-v33-stable',
  'sessionfixation-v33-stable',
];

/** Priority of the default rule: the lowest there is. */
export const DEFAULT_RULE_PRIORITY = 2147483647;

/** Priorities of the rule groups; gaps leave room for rules added in between. */
export const RULE_PRIORITIES = { cveCanary: 1000, waf: 2000, rateLimit: 3000 } as const;

/** The rules of the policy, in priority order. */
export function edgeSecurityRules(props: EdgeSecurityPolicyProps): ComputeSecurityPolicyRule[] {
  if (!Number.isInteger(props.requestsPerMinutePerClient) || props.requestsPerMinutePerClient < 1) {
    throw new Error(
      `edge security policy ${props.name}: requestsPerMinutePerClient must be a positive integer, got ${props.requestsPerMinutePerClient}`,
    );
  }
  return [
    {
      // Log4j / CVE-2021-44228 probes (checkov CKV_GCP_73: deny, not in preview).
      priority: RULE_PRIORITIES.cveCanary,
      action: 'deny(403)',
      preview: false,
      description: 'deny Log4j CVE-2021-44228 / CVE-2021-45046 probes',
      match: { expr: { expression: "evaluatePreconfiguredWaf('cve-canary', {'sensitivity': 1})" } },
    },
    ...WAF_RULE_SETS.map((set, i) => ({
      priority: RULE_PRIORITIES.waf + i * 10,
      action: 'deny(403)',
      preview: false,
      description: `deny ${set.replace(/-v33-stable$/, '')} attacks`,
      match: { expr: { expression: `evaluatePreconfiguredWaf('${set}', {'sensitivity': 1})` } },
    })),
    {
      priority: RULE_PRIORITIES.rateLimit,
      action: 'throttle',
      preview: false,
      description: `per-client backstop: at most ${props.requestsPerMinutePerClient} requests per minute per IP, then 429`,
      match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } },
      rateLimitOptions: {
        conformAction: 'allow',
        exceedAction: 'deny(429)',
        enforceOnKey: 'IP',
        rateLimitThreshold: { count: props.requestsPerMinutePerClient, intervalSec: 60 },
      },
    },
    {
      priority: DEFAULT_RULE_PRIORITY,
      action: 'allow',
      preview: false,
      description: 'default: allow',
      match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } },
    },
  ];
}

/** A Cloud Armor backend security policy with WAF, rate limiting and adaptive protection. */
export class EdgeSecurityPolicy extends Construct {
  /** The policy. */
  readonly resource: ComputeSecurityPolicy;

  constructor(scope: Construct, id: string, props: EdgeSecurityPolicyProps) {
    super(scope, id);
    this.resource = new ComputeSecurityPolicy(this, 'Resource', {
      name: props.name,
      type: 'CLOUD_ARMOR',
      description: 'API edge: WAF, Log4j canary, per-client rate limit',
      rule: edgeSecurityRules(props),
      // Adaptive protection learns the normal traffic and proposes rules for layer-7 floods.
      adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: true, ruleVisibility: 'STANDARD' } },
      // Parse JSON bodies so WAF rules inspect fields, not the raw body (fewer false positives).
      advancedOptionsConfig: { jsonParsing: 'STANDARD', logLevel: 'NORMAL' },
    });
  }
}
