/**
 * The global external Application Load Balancer of the API: one serverless NEG per region, a
 * global backend service over all of them (requests go to the nearest healthy region; outlier
 * detection ejects a region that keeps failing), one backend service per region reachable through
 * `<region>.<domain>` (so probes can test each region on its own), a Google-managed certificate,
 * a modern TLS policy, Cloud Armor, optionally IAP, the Cloud Run invoker grants, and a port-80
 * listener that only redirects to HTTPS.
 */
import { IAP_MEMBER_RE } from '../../environments/schema';
import { Annotations, Construct } from '../framework';
import {
  CloudRunV2ServiceIamMember,
  ComputeBackendService,
  type ComputeBackendServiceOutlierDetection,
  ComputeGlobalAddress,
  ComputeGlobalForwardingRule,
  ComputeManagedSslCertificate,
  ComputeRegionNetworkEndpointGroup,
  ComputeSslPolicy,
  ComputeTargetHttpProxy,
  ComputeTargetHttpsProxy,
  ComputeUrlMap,
  IapWebBackendServiceIamMember,
} from './bindings';

/** One region behind the load balancer. */
export interface LoadBalancedRegionProps {
  /**
   * Google Cloud region.
   */
  readonly region: string;
  /**
   * Name of the Cloud Run service in that region.
   */
  readonly cloudRunService: string;
  /**
   * Name of the region's serverless NEG.
   */
  readonly negName: string;
  /**
   * Name of the backend service that serves only this region.
   */
  readonly regionalBackendServiceName: string;
  /**
   * Hostname routed to this region only, e.g. `europe-west1.api.example.com`.
   */
  readonly host: string;
}

/** Names of the global resources of {@link GlobalApiLoadBalancer}. */
export interface LoadBalancerNames {
  /** Global backend service over every region. */
  readonly backendService: string;
  /** URL map of the HTTPS listener. */
  readonly urlMap: string;
  /** Managed certificate. */
  readonly certificate: string;
  /** SSL policy. */
  readonly sslPolicy: string;
  /** Target HTTPS proxy. */
  readonly httpsProxy: string;
  /** Global IP address. */
  readonly address: string;
  /** Forwarding rule of port 443. */
  readonly forwardingRule: string;
  /** URL map of the port-80 redirect. */
  readonly redirectUrlMap: string;
  /** Target HTTP proxy of the redirect. */
  readonly httpProxy: string;
  /** Forwarding rule of port 80. */
  readonly httpForwardingRule: string;
}

/**
 * Identity-Aware Proxy on the backend services: the only way a request through this load balancer
 * carries a Google identity that Cloud Run's invoker check accepts.
 */
export interface LoadBalancerIapProps {
  /**
   * IAM member of the project's IAP service agent
   * (`serviceAccount:service-<number>@gcp-sa-iap.iam.gserviceaccount.com`). It alone is granted
   * `roles/run.invoker` on each region's service, so nothing but IAP can invoke them.
   */
  readonly serviceAgent: string;
  /**
   * IAM members (`group:…`, `serviceAccount:…`, `domain:…`) that IAP lets through, granted
   * `roles/iap.httpsResourceAccessor` on every backend service.
   */
  readonly accessors: readonly string[];
}

/** Properties of {@link GlobalApiLoadBalancer}. */
export interface GlobalApiLoadBalancerProps {
  /**
   * Resource names.
   */
  readonly names: LoadBalancerNames;
  /**
   * Public hostname of the API; requests for any other host also go to the global backend.
   */
  readonly domain: string;
  /**
   * Regions served, each with its Cloud Run service.
   */
  readonly regions: readonly LoadBalancedRegionProps[];
  /**
   * Id of the Cloud Armor policy attached to every backend service.
   */
  readonly securityPolicy: string;
  /**
   * Project of the Cloud Run services (the invoker grants are made there).
   */
  readonly project: string;
  /**
   * IAP on every backend service, with the IAP service agent granted `roles/run.invoker` on each
   * region's service (construct id `IapInvoker-<region>`).
   *
   * @default - IAP off (`iap.enabled = false`): the load balancer forwards requests without an
   * identity, so Cloud Run must admit them through `invokers` (e.g. `allUsers`)
   */
  readonly iap?: LoadBalancerIapProps;
  /**
   * Further IAM members granted `roles/run.invoker` on each region's service, by a stable key (the
   * construct id is `Invoker-<key>-<region>`): the Monitoring service agent the uptime checks
   * authenticate as, or `allUsers` when the edge is public.
   *
   * @default - no invoker besides the IAP service agent
   */
  readonly invokers?: Readonly<Record<string, string>>;
}

/**
 * Outlier detection of the global backend service over `regionCount` serverless NEGs. Each NEG
 * is one endpoint, so ejecting it moves its region's traffic to the others. Up to all but one
 * region may be ejected: the last region keeps serving rather than nothing.
 *
 * Valid here: the Compute API reference of `BackendService.outlierDetection` lists "Serverless
 * NEGs, that resolve to Cloud Run, App Engine, or Cloud Functions Services" among the endpoints it
 * applies to, on global backend services with scheme `EXTERNAL_MANAGED`. Each Google Front End
 * proxy ejects on its own, so a failing region drains over seconds, not at once. Only the
 * consecutive-error fields are set:
 * success-rate detection needs `successRateMinimumHosts` (default 5) endpoints, more than the
 * regions there are, so it would never act.
 */
export function outlierDetection(regionCount: number): ComputeBackendServiceOutlierDetection {
  return {
    consecutiveErrors: 5,
    enforcingConsecutiveErrors: 100,
    consecutiveGatewayFailure: 3,
    enforcingConsecutiveGatewayFailure: 100,
    interval: { seconds: 10 },
    baseEjectionTime: { seconds: 30 },
    maxEjectionPercent: Math.floor((100 * (regionCount - 1)) / regionCount),
  };
}

/**
 * Most domains one Google-managed certificate may name ("Google-managed SSL certificates": up to
 * 100 non-wildcard domains per certificate).
 */
export const MAX_MANAGED_CERTIFICATE_DOMAINS = 100;

/**
 * Problems Google would report for the domains of a managed certificate: more than
 * {@link MAX_MANAGED_CERTIFICATE_DOMAINS}, a wildcard (managed certificates do not issue them), a
 * duplicate, or a name longer than DNS allows (253 characters, 63 per label).
 */
export function managedCertificateDomainProblems(domains: readonly string[]): string[] {
  const problems: string[] = [];
  if (domains.length > MAX_MANAGED_CERTIFICATE_DOMAINS) {
    problems.push(`a managed certificate names at most ${MAX_MANAGED_CERTIFICATE_DOMAINS} domains, got ${domains.length}`);
  }
  if (new Set(domains).size !== domains.length) problems.push(`certificate domains repeat: ${domains.join(', ')}`);
  for (const d of domains) {
    if (d.includes('*')) problems.push(`domain ${d}: managed certificates do not cover wildcards`);
    if (d.length > 253 || d.split('.').some((label) => label.length === 0 || label.length > 63)) {
      problems.push(`domain ${d} is not a valid DNS name (253 characters, labels of 1–63)`);
    }
  }
  return problems;
}

const IAP_MEMBER_HINT = 'user:, group:, serviceAccount:, domain:, principal:// or principalSet://';

/** A global external Application Load Balancer over per-region Cloud Run services. */
export class GlobalApiLoadBalancer extends Construct {
  /** The global backend service. */
  readonly backendService: ComputeBackendService;
  /** Backend services serving one region each, by region. */
  readonly regionalBackendServices: ReadonlyMap<string, ComputeBackendService>;
  /** Serverless NEGs by region. */
  readonly negs: ReadonlyMap<string, ComputeRegionNetworkEndpointGroup>;
  /** URL map of the HTTPS listener. */
  readonly urlMap: ComputeUrlMap;
  /** The managed certificate. */
  readonly certificate: ComputeManagedSslCertificate;
  /** The global IP address. */
  readonly address: ComputeGlobalAddress;
  /** Every `roles/run.invoker` grant on the regions' Cloud Run services (IAP's agent and `invokers`). */
  readonly invokerGrants: readonly CloudRunV2ServiceIamMember[];

  constructor(scope: Construct, id: string, props: GlobalApiLoadBalancerProps) {
    super(scope, id);
    if (props.regions.length === 0) throw new Error(`load balancer ${props.names.urlMap}: no regions to route to`);
    const accessors = props.iap?.accessors ?? [];
    if (props.iap && accessors.length === 0) {
      Annotations.of(this).addWarning(
        `load balancer ${props.names.urlMap}: IAP admits nobody (no accessors); every request through the load balancer is refused`,
      );
    }
    if (!props.iap && Object.keys(props.invokers ?? {}).length === 0) {
      throw new Error(
        `load balancer ${props.names.urlMap}: without IAP the load balancer forwards requests without an identity, and no invoker is granted, so Cloud Run would refuse every request; allowed: iap, or invokers such as allUsers`,
      );
    }
    const badMembers = accessors.filter((m) => !IAP_MEMBER_RE.test(m));
    if (badMembers.length > 0) {
      throw new Error(
        `load balancer ${props.names.urlMap}: IAP accessors ${badMembers.join(', ')} are not IAM members; allowed: ${IAP_MEMBER_HINT}`,
      );
    }
    const domains = [props.domain, ...props.regions.map((r) => r.host)];
    const domainProblems = managedCertificateDomainProblems(domains);
    if (domainProblems.length > 0) throw new Error(`load balancer ${props.names.urlMap}: ${domainProblems.join('; ')}`);
    const n = props.names;
    const logConfig = { enable: true, sampleRate: 1 };
    // Cloud Run's "internal and Cloud Load Balancing" ingress also admits callers inside the
    // project's VPC networks, which never pass Cloud Armor. Invoker IAM closes that path when IAP
    // is on: IAP authenticates each request at the edge, then invokes Cloud Run as its service
    // agent, a principal granted run.invoker ("Enable IAP for Cloud Run", backend-service method).
    // Off, it is written as `enabled = false` so that turning it off disables it in place.
    const iap = { enabled: props.iap !== undefined };
    this.negs = new Map(
      props.regions.map((r) => [
        r.region,
        new ComputeRegionNetworkEndpointGroup(this, `Neg-${r.region}`, {
          name: r.negName,
          region: r.region,
          networkEndpointType: 'SERVERLESS',
          cloudRun: { service: r.cloudRunService },
        }),
      ]),
    );
    const negOf = (region: string) => this.negs.get(region)!;
    this.backendService = new ComputeBackendService(this, 'BackendService', {
      name: n.backendService,
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      protocol: 'HTTPS',
      backend: props.regions.map((r) => ({ group: negOf(r.region).id })),
      outlierDetection: outlierDetection(props.regions.length),
      securityPolicy: props.securityPolicy,
      logConfig,
      iap,
    });
    // One backend each: nowhere to eject to, so no outlier detection; a failing region shows as
    // failing on its own host, which is what the per-region uptime checks want to see.
    this.regionalBackendServices = new Map(
      props.regions.map((r) => [
        r.region,
        new ComputeBackendService(this, `RegionalBackendService-${r.region}`, {
          name: r.regionalBackendServiceName,
          loadBalancingScheme: 'EXTERNAL_MANAGED',
          protocol: 'HTTPS',
          backend: [{ group: negOf(r.region).id }],
          securityPolicy: props.securityPolicy,
          logConfig,
          iap,
        }),
      ]),
    );
    const backendServices = [this.backendService, ...this.regionalBackendServices.values()];
    for (const backend of backendServices) {
      for (const [i, member] of accessors.entries()) {
        new IapWebBackendServiceIamMember(this, `IapAccessor-${backend.node.id}-${i}`, {
          project: props.project,
          webBackendService: backend.name,
          role: 'roles/iap.httpsResourceAccessor',
          member,
        });
      }
    }
    const invoker = (id: string, r: LoadBalancedRegionProps, member: string, dependsOn?: ComputeBackendService[]) =>
      new CloudRunV2ServiceIamMember(this, id, {
        project: props.project,
        location: r.region,
        name: r.cloudRunService,
        role: 'roles/run.invoker',
        member,
        dependsOn,
      });
    this.invokerGrants = props.regions.flatMap((r) => [
      // The IAP service agent exists once IAP is on for a backend service, so its grant waits for them.
      ...(props.iap ? [invoker(`IapInvoker-${r.region}`, r, props.iap.serviceAgent, backendServices)] : []),
      ...Object.entries(props.invokers ?? {}).map(([key, member]) => invoker(`Invoker-${key}-${r.region}`, r, member)),
    ]);
    this.urlMap = new ComputeUrlMap(this, 'UrlMap', {
      name: n.urlMap,
      defaultService: this.backendService.id,
      hostRule: props.regions.map((r) => ({ hosts: [r.host], pathMatcher: `region-${r.region}` })),
      pathMatcher: props.regions.map((r) => ({
        name: `region-${r.region}`,
        defaultService: this.regionalBackendServices.get(r.region)!.id,
      })),
    });
    this.certificate = new ComputeManagedSslCertificate(this, 'Certificate', {
      name: n.certificate,
      managed: { domains },
      // Domains cannot change in place: the new certificate must exist before the proxy drops the old.
      lifecycle: { createBeforeDestroy: true },
    });
    const sslPolicy = new ComputeSslPolicy(this, 'SslPolicy', { name: n.sslPolicy, profile: 'MODERN', minTlsVersion: 'TLS_1_2' });
    const httpsProxy = new ComputeTargetHttpsProxy(this, 'HttpsProxy', {
      name: n.httpsProxy,
      urlMap: this.urlMap.id,
      sslCertificates: [this.certificate.id],
      sslPolicy: sslPolicy.id,
    });
    this.address = new ComputeGlobalAddress(this, 'Address', { name: n.address, ipVersion: 'IPV4', addressType: 'EXTERNAL' });
    new ComputeGlobalForwardingRule(this, 'HttpsForwardingRule', {
      name: n.forwardingRule,
      target: httpsProxy.id,
      ipAddress: this.address.id,
      ipProtocol: 'TCP',
      portRange: '443',
      loadBalancingScheme: 'EXTERNAL_MANAGED',
    });
    const redirectMap = new ComputeUrlMap(this, 'RedirectUrlMap', {
      name: n.redirectUrlMap,
      defaultUrlRedirect: { httpsRedirect: true, stripQuery: false, redirectResponseCode: 'MOVED_PERMANENTLY_DEFAULT' },
    });
    const httpProxy = new ComputeTargetHttpProxy(this, 'HttpProxy', { name: n.httpProxy, urlMap: redirectMap.id });
    new ComputeGlobalForwardingRule(this, 'HttpForwardingRule', {
      name: n.httpForwardingRule,
      target: httpProxy.id,
      ipAddress: this.address.id,
      ipProtocol: 'TCP',
      portRange: '80',
      loadBalancingScheme: 'EXTERNAL_MANAGED',
    });
  }
}
