/**
 * The API as a Cloud Run (v2) service in one region: invoker IAM always checked (the invokers are
 * granted by the edge stack), ingress as the edge access mode needs, second-generation runtime, direct VPC egress for private addresses (Cloud SQL, Memorystore),
 * secrets injected from Secret Manager by reference, probes on the health endpoint, and, when
 * configured, the Managed Service for Prometheus collector as a sidecar (docs/managed-prometheus.md).
 */
import { Construct } from '../framework';
import { CloudRunV2Service, type CloudRunV2ServiceTemplateContainersEnv } from './bindings';
import { parseSecretRef } from './secret-ref';

/** An environment variable filled from Secret Manager. */
export interface SecretEnvProps {
  /**
   * Variable name.
   */
  readonly env: string;
  /**
   * Secret version reference `projects/<project>/secrets/<name>/versions/<version>`.
   */
  readonly secretRef: string;
}

/** An environment variable filled from a secret created in the same deployment (an id known only at apply). */
export interface DerivedSecretEnvProps {
  /**
   * Variable name.
   */
  readonly env: string;
  /**
   * Secret resource id (`projects/<project>/secrets/<name>`), usually a reference.
   */
  readonly secretId: string;
  /**
   * Secret version, usually a reference to the version resource so the revision follows rotations.
   */
  readonly version: string;
}

/**
 * The Managed Service for Prometheus collector that runs beside the API container
 * (https://cloud.google.com/stackdriver/docs/managed-prometheus/cloudrun-sidecar).
 */
export interface MetricsCollectorProps {
  /**
   * The collector's image, pinned by tag or digest.
   */
  readonly image: string;
  /**
   * CPU limit of the collector container, e.g. `1`.
   */
  readonly cpu: string;
  /**
   * Memory limit of the collector container, e.g. `512Mi`.
   */
  readonly memory: string;
  /**
   * Secret Manager secret id (`projects/<project>/secrets/<name>`, usually a reference) holding the
   * collector's `RunMonitoring` configuration.
   */
  readonly configSecretId: string;
  /**
   * Version of that secret, usually a reference to the version resource, so a changed
   * configuration rolls out a new revision.
   */
  readonly configSecretVersion: string;
  /**
   * Directory the collector reads its configuration from.
   */
  readonly configDir: string;
  /**
   * File name of the configuration inside `configDir`.
   */
  readonly configFile: string;
}

/** Container names of the service: the collector starts after the API (container dependencies). */
export const CONTAINER_NAMES = Object.freeze({ api: 'api', collector: 'collector' });

/** Name of the volume that carries the collector configuration. */
export const COLLECTOR_CONFIG_VOLUME = 'collector-config';

/** Properties of {@link CloudRunApiService}. */
export interface CloudRunApiServiceProps {
  /**
   * Service name.
   */
  readonly name: string;
  /**
   * Region of the service.
   */
  readonly region: string;
  /**
   * Container image, by digest or tag.
   */
  readonly image: string;
  /**
   * CPU limit per instance, e.g. `2`.
   */
  readonly cpu: string;
  /**
   * Memory limit per instance, e.g. `1Gi`.
   */
  readonly memory: string;
  /**
   * Instances kept warm (no cold start for the first requests).
   */
  readonly minInstances: number;
  /**
   * Instance ceiling of the region.
   */
  readonly maxInstances: number;
  /**
   * Concurrent requests per instance.
   */
  readonly concurrency: number;
  /**
   * Port the container listens on.
   */
  readonly port: number;
  /**
   * Path of the health endpoint, probed at startup and for liveness.
   */
  readonly healthPath: string;
  /**
   * E-mail of the runtime service account.
   */
  readonly serviceAccountEmail: string;
  /**
   * VPC id for direct VPC egress.
   */
  readonly network: string;
  /**
   * Subnet id in this region for direct VPC egress.
   */
  readonly subnetwork: string;
  /**
   * Variables filled from Secret Manager.
   *
   * @default - none
   */
  readonly secrets?: readonly SecretEnvProps[];
  /**
   * Variables filled from secrets this deployment creates itself (e.g. the Redis AUTH string).
   *
   * @default - none
   */
  readonly derivedSecrets?: readonly DerivedSecretEnvProps[];
  /**
   * Plain (non-secret) variables, e.g. the Redis host of the region.
   *
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Cloud KMS key (`projects/…/cryptoKeys/…`, same region) that encrypts the container image copy
   * Cloud Run keeps. The Cloud Run service agent needs `cryptoKeyEncrypterDecrypter` on it.
   *
   * @default - Google-managed encryption
   */
  readonly encryptionKey?: string;
  /**
   * Deploy only images the project's Binary Authorization policy admits
   * (`binary_authorization.use_default`).
   *
   * @default false - no Binary Authorization check
   */
  readonly binaryAuthorization?: boolean;
  /**
   * Who may send requests to the service at all (`ingress`).
   *
   * `INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER` refuses the internet at the `run.app` URL but admits
   * load balancers and callers inside the project's VPC networks; `INGRESS_TRAFFIC_ALL` also admits
   * the internet (uptime checkers among it), leaving invoker IAM as the only guard of that URL.
   *
   * @default 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER' - load balancers and the project's VPC networks only
   */
  readonly ingress?: 'INGRESS_TRAFFIC_ALL' | 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER';
  /**
   * The Managed Service for Prometheus collector sidecar that scrapes the API's metrics.
   *
   * With it, CPU is always allocated (`cpu_idle: false`): Google recommends that for services
   * running the sidecar, since with CPU allocated only during requests some scrapes fail when the
   * service gets few requests, and the collector's shutdown scrape needs CPU too.
   *
   * @default - no collector; CPU allocated only during requests
   */
  readonly metricsCollector?: MetricsCollectorProps;
}

/** Probe timing: the startup probe allows 10 + 24 × 5 s = 130 s for a cold start; liveness restarts after 3 misses 10 s apart. */
export const PROBES = {
  startup: { initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 24 },
  liveness: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
} as const;

/** Memory in MiB of a Kubernetes-style quantity (`512Mi`, `1Gi`, `2G`), or `undefined` when unreadable. */
function memoryMiB(memory: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Mi|Gi|M|G)$/.exec(memory);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2];
  if (unit === 'Mi') return n;
  if (unit === 'Gi') return n * 1024;
  if (unit === 'M') return (n * 1e6) / 2 ** 20;
  return (n * 1e9) / 2 ** 20;
}

/** vCPUs of a CPU limit (`2`, `0.5`, `1000m`), or `undefined` when unreadable. */
function cpuCount(cpu: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(cpu);
  if (!m) return undefined;
  return m[2] === 'm' ? Number(m[1]) / 1000 : Number(m[1]);
}

/**
 * Least memory Cloud Run accepts beside a CPU limit ("Configure CPU limits": 4 vCPU need at least
 * 2 GiB, 6 and 8 vCPU at least 4 GiB), and least CPU beside a memory limit ("Configure memory
 * limits": above 4 GiB needs 2 vCPU, above 8 GiB 4, above 16 GiB 6, above 24 GiB 8; 32 GiB at most).
 */
const MIN_MEMORY_MIB_BY_CPU: Readonly<Record<number, number>> = { 4: 2048, 6: 4096, 8: 4096 };
const MIN_CPU_BY_MEMORY_MIB: readonly (readonly [number, number])[] = [
  [24 * 1024, 8],
  [16 * 1024, 6],
  [8 * 1024, 4],
  [4 * 1024, 2],
];

/**
 * Problems Cloud Run would report for the CPU, memory and concurrency of a second-generation
 * service (empty when it accepts them). Whole vCPUs are 1, 2, 4, 6 or 8; a fraction of one vCPU
 * only serves one request at a time; the second-generation environment needs at least 512 MiB
 * ("Execution environments"); concurrency is 1–1000 (`max_instance_request_concurrency`).
 */
export function cloudRunResourceProblems(cpu: string, memory: string, concurrency: number): string[] {
  const problems: string[] = [];
  const cpus = cpuCount(cpu);
  const mib = memoryMiB(memory);
  if (cpus === undefined) problems.push(`cpu ${cpu} is not a number of vCPUs (e.g. 1, 2, 0.5, 500m)`);
  else if (cpus >= 1 && ![1, 2, 4, 6, 8].includes(cpus)) problems.push(`cpu ${cpu}: whole vCPUs must be 1, 2, 4, 6 or 8`);
  else if (cpus < 1 && concurrency !== 1) problems.push(`cpu ${cpu}: less than one vCPU needs concurrency 1, got ${concurrency}`);
  if (mib === undefined) problems.push(`memory ${memory} is not a quantity such as 512Mi or 1Gi`);
  else {
    if (mib < 512) problems.push(`memory ${memory}: the second-generation environment needs at least 512Mi`);
    if (mib > 32 * 1024) problems.push(`memory ${memory}: at most 32Gi`);
    const minMemory = cpus === undefined ? undefined : MIN_MEMORY_MIB_BY_CPU[cpus];
    if (minMemory !== undefined && mib < minMemory) problems.push(`memory ${memory}: ${cpu} vCPU need at least ${minMemory}Mi`);
    const minCpu = MIN_CPU_BY_MEMORY_MIB.find(([above]) => mib > above)?.[1];
    if (cpus !== undefined && minCpu !== undefined && cpus < minCpu)
      problems.push(`memory ${memory} needs at least ${minCpu} vCPU, got ${cpu}`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000)
    problems.push(`concurrency must be 1–1000, got ${concurrency}`);
  return problems;
}

/** Problems of the collector's settings (empty when Cloud Run accepts them). */
function collectorProblems(c: MetricsCollectorProps): string[] {
  const problems: string[] = [];
  if (cpuCount(c.cpu) === undefined) problems.push(`cpu ${c.cpu} is not a number of vCPUs (e.g. 1, 0.5, 500m)`);
  if (memoryMiB(c.memory) === undefined) problems.push(`memory ${c.memory} is not a quantity such as 256Mi or 1Gi`);
  if (!c.configDir.startsWith('/')) problems.push(`config directory ${c.configDir} must be absolute`);
  if (!/^[A-Za-z0-9._-]+$/.test(c.configFile)) problems.push(`config file ${c.configFile} must be a file name`);
  return problems;
}

/** A Cloud Run v2 service of the API. */
export class CloudRunApiService extends Construct {
  /** The service. */
  readonly resource: CloudRunV2Service;

  constructor(scope: Construct, id: string, props: CloudRunApiServiceProps) {
    super(scope, id);
    if (props.minInstances > props.maxInstances) {
      throw new Error(`cloud run service ${props.name}: minInstances ${props.minInstances} exceeds maxInstances ${props.maxInstances}`);
    }
    const resourceProblems = cloudRunResourceProblems(props.cpu, props.memory, props.concurrency);
    if (resourceProblems.length > 0) throw new Error(`cloud run service ${props.name}: ${resourceProblems.join('; ')}`);
    const env: CloudRunV2ServiceTemplateContainersEnv[] = [
      ...Object.entries(props.environment ?? {}).map(([name, value]) => ({ name, value })),
      ...(props.secrets ?? []).map((s) => {
        const ref = parseSecretRef(s.secretRef);
        return { name: s.env, valueSource: { secretKeyRef: { secret: ref.secretId, version: ref.version } } };
      }),
      ...(props.derivedSecrets ?? []).map((s) => ({
        name: s.env,
        valueSource: { secretKeyRef: { secret: s.secretId, version: s.version } },
      })),
    ];
    const httpGet = { path: props.healthPath, port: props.port };
    const collector = props.metricsCollector;
    if (collector) {
      const problems = collectorProblems(collector);
      if (problems.length > 0) throw new Error(`cloud run service ${props.name}: metrics collector ${problems.join('; ')}`);
    }
    // One setting for the instance: always-allocated CPU when the collector runs (see metricsCollector).
    const cpuIdle = collector === undefined;
    this.resource = new CloudRunV2Service(this, 'Resource', {
      name: props.name,
      location: props.region,
      // Neither setting keeps callers from bypassing Cloud Armor on its own: "internal and Cloud
      // Load Balancing" still admits the project's VPC networks, "all" the internet ("Restrict
      // network ingress for Cloud Run"). The invoker IAM check is what decides, against the
      // invokers the edge stack grants for the environment's edge access mode.
      ingress: props.ingress ?? 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
      invokerIamDisabled: false,
      binaryAuthorization: props.binaryAuthorization ? { useDefault: true } : undefined,
      deletionProtection: true,
      template: {
        serviceAccount: props.serviceAccountEmail,
        executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
        encryptionKey: props.encryptionKey,
        maxInstanceRequestConcurrency: props.concurrency,
        scaling: { minInstanceCount: props.minInstances, maxInstanceCount: props.maxInstances },
        vpcAccess: {
          egress: 'PRIVATE_RANGES_ONLY',
          networkInterfaces: [{ network: props.network, subnetwork: props.subnetwork }],
        },
        containers: [
          {
            name: collector ? CONTAINER_NAMES.api : undefined,
            image: props.image,
            ports: { containerPort: props.port, name: 'http1' },
            resources: { limits: { cpu: props.cpu, memory: props.memory }, cpuIdle, startupCpuBoost: true },
            env,
            startupProbe: { ...PROBES.startup, httpGet },
            livenessProbe: { ...PROBES.liveness, httpGet },
          },
          ...(collector
            ? [
                {
                  name: CONTAINER_NAMES.collector,
                  image: collector.image,
                  // Starts once the API passes its startup probe, so the first scrape finds the endpoint.
                  dependsOn: [CONTAINER_NAMES.api],
                  resources: { limits: { cpu: collector.cpu, memory: collector.memory }, cpuIdle },
                  volumeMounts: [{ name: COLLECTOR_CONFIG_VOLUME, mountPath: collector.configDir }],
                },
              ]
            : []),
        ],
        volumes: collector
          ? [
              {
                name: COLLECTOR_CONFIG_VOLUME,
                secret: {
                  secret: collector.configSecretId,
                  items: [{ path: collector.configFile, version: collector.configSecretVersion }],
                },
              },
            ]
          : undefined,
      },
      // gcloud and the console stamp these on deploy; they are not configuration.
      lifecycle: { ignoreChanges: ['client', 'client_version'] },
    });
  }
}
