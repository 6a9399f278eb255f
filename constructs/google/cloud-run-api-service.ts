/**
 * The API as a Cloud Run (v2) service in one region: reachable only through the load balancer,
 * second-generation runtime, direct VPC egress for private addresses (Cloud SQL, Memorystore),
 * secrets injected from Secret Manager by reference, probes on the health endpoint.
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
}

/** Probe timing: the startup probe allows 10 + 24 × 5 s = 130 s for a cold start; liveness restarts after 3 misses 10 s apart. */
export const PROBES = {
  startup: { initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 24 },
  liveness: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
} as const;

/** A Cloud Run v2 service of the API. */
export class CloudRunApiService extends Construct {
  /** The service. */
  readonly resource: CloudRunV2Service;

  constructor(scope: Construct, id: string, props: CloudRunApiServiceProps) {
    super(scope, id);
    if (props.minInstances > props.maxInstances) {
      throw new Error(`cloud run service ${props.name}: minInstances ${props.minInstances} exceeds maxInstances ${props.maxInstances}`);
    }
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
    this.resource = new CloudRunV2Service(this, 'Resource', {
      name: props.name,
      location: props.region,
      // Only the load balancer reaches the service; its default run.app URL refuses other traffic.
      ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
      // The external load balancer forwards requests without a Google identity token, so an IAM
      // invoker check would need allUsers; ingress already limits callers to the load balancer.
      invokerIamDisabled: true,
      deletionProtection: true,
      template: {
        serviceAccount: props.serviceAccountEmail,
        executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
        maxInstanceRequestConcurrency: props.concurrency,
        scaling: { minInstanceCount: props.minInstances, maxInstanceCount: props.maxInstances },
        vpcAccess: {
          egress: 'PRIVATE_RANGES_ONLY',
          networkInterfaces: [{ network: props.network, subnetwork: props.subnetwork }],
        },
        containers: [
          {
            image: props.image,
            ports: { containerPort: props.port, name: 'http1' },
            resources: { limits: { cpu: props.cpu, memory: props.memory }, cpuIdle: true, startupCpuBoost: true },
            env,
            startupProbe: { ...PROBES.startup, httpGet },
            livenessProbe: { ...PROBES.liveness, httpGet },
          },
        ],
      },
      // gcloud and the console stamp these on deploy; they are not configuration.
      lifecycle: { ignoreChanges: ['client', 'client_version'] },
    });
  }
}
