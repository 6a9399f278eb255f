/**
 * The infrastructure stacks of one environment, regions from its config only:
 *
 * - `<env>-network`: APIs, the VPC with a subnet per region, private services access, and the
 *   API's runtime service account (global resources, one per environment);
 * - `<env>-<region>`, one per region: Cloud SQL (the primary in the primary region, a
 *   cross-region replica elsewhere), Memorystore for Redis and the Cloud Run service with the
 *   Managed Service for Prometheus collector beside the API (its RunMonitoring config in a secret);
 * - `<env>-edge`: the global external Application Load Balancer and its Cloud Armor policy.
 *
 * Stacks address each other's resources by the names in environments/naming.ts rather than by
 * cross-stack references, so every stack plans on its own; stack dependencies order the deploys.
 */
import { addGoogleProvider } from '../constructs/google/google-provider';
import { CloudRunApiService } from '../constructs/google/cloud-run-api-service';
import { ConfigSecret } from '../constructs/google/config-secret';
import { DataAccessAuditLogs } from '../constructs/google/data-access-audit-logs';
import { DerivedSecret } from '../constructs/google/derived-secret';
import { EdgeSecurityPolicy } from '../constructs/google/edge-security-policy';
import { GlobalApiLoadBalancer } from '../constructs/google/global-api-load-balancer';
import { PlatformNetwork } from '../constructs/google/platform-network';
import { PostgresInstance } from '../constructs/google/postgres-instance';
import { RedisHaInstance } from '../constructs/google/redis-ha-instance';
import { RegionalKeyRing } from '../constructs/google/regional-key-ring';
import { PLATFORM_APIS, RequiredApis } from '../constructs/google/required-apis';
import { RuntimeServiceAccount } from '../constructs/google/runtime-service-account';
import { ServiceAgents } from '../constructs/google/service-agents';
import { type App, type Construct, TerraformStack, Token } from '../constructs/framework';
import { addStateBackend } from '../constructs/state-backend';
import { type CloudRunInvoker, edgeAccess } from '../environments/edge-access';
import { CMEK_KEYS, nameProblems, names, primaryRegion, resourceIds, securityNames } from '../environments/naming';
import type { EnvironmentConfig, RegionConfig } from '../environments/schema';
import { RUN_MONITORING_DIR, RUN_MONITORING_FILE, runMonitoringConfig, runMonitoringYaml } from '../layers/platform/run-monitoring';
import type { EnvironmentInputs } from './app';

/** Stack names of an environment's infrastructure. */
export const infrastructureStackNames = {
  network: (env: EnvironmentConfig) => `${env.name}-network`,
  region: (env: EnvironmentConfig, region: string) => `${env.name}-${region}`,
  edge: (env: EnvironmentConfig) => `${env.name}-edge`,
} as const;

/** The stacks {@link addInfrastructureStacks} adds. */
export interface InfrastructureStacks {
  /** Network, APIs and runtime identity. */
  readonly network: TerraformStack;
  /** Data and services, by region name. */
  readonly regions: ReadonlyMap<string, TerraformStack>;
  /** Load balancer and Cloud Armor. */
  readonly edge: TerraformStack;
}

/** A stack with the environment's Google provider and state backend. */
function googleStack(app: App, env: EnvironmentConfig, name: string, region: string): TerraformStack {
  const stack = new TerraformStack(app, name);
  addGoogleProvider(stack, env, region);
  addStateBackend(stack, env, name);
  return stack;
}

/**
 * The APIs an environment needs: the platform's, IAP when it guards the edge (`edge.access: iap`),
 * Cloud KMS and Binary Authorization when those controls are on, and Cloud Scheduler when Grafana
 * reads Cloud Monitoring (`grafana.prometheusSource: managed`).
 */
export function environmentApis(env: EnvironmentConfig): string[] {
  return [
    ...PLATFORM_APIS,
    ...(edgeAccess(env).iap ? ['iap.googleapis.com'] : []),
    ...(env.security.cmek.enabled ? ['cloudkms.googleapis.com'] : []),
    ...(env.security.binaryAuthorization ? ['binaryauthorization.googleapis.com'] : []),
    // Cloud Scheduler starts the Grafana data source syncer (docs/managed-prometheus.md).
    ...(env.grafana.prometheusSource === 'managed' ? ['cloudscheduler.googleapis.com'] : []),
  ];
}

/**
 * Services whose Data Access audit logs are on: everything the stacks create that holds or guards
 * data. IAP's own Data Access log (one entry per API request) is left off; see docs/infrastructure.md.
 */
export function auditedServices(env: EnvironmentConfig): string[] {
  return [
    'cloudsql.googleapis.com',
    'redis.googleapis.com',
    'run.googleapis.com',
    'secretmanager.googleapis.com',
    ...(env.security.cmek.enabled ? ['cloudkms.googleapis.com'] : []),
  ];
}

/** The security controls of the network stack: CMEK key rings per region and Data Access audit logs. */
function addProjectSecurity(scope: Construct, env: EnvironmentConfig, apis: RequiredApis): void {
  if (env.security.cmek.enabled) {
    const agents = new ServiceAgents(scope, 'ServiceAgents', { project: env.gcp.project });
    for (const region of env.gcp.regions) {
      new RegionalKeyRing(scope, `Cmek-${region.name}`, {
        project: env.gcp.project,
        name: securityNames.keyRing(env),
        location: region.name,
        rotationPeriodDays: env.security.cmek.rotationPeriodDays,
        keys: CMEK_KEYS.map((k) => ({ name: k.name, encrypters: [agents.member(k.agent)] })),
        dependsOn: [apis.services.get('cloudkms.googleapis.com')!],
      });
    }
  }
  if (env.security.dataAccessLogs) {
    new DataAccessAuditLogs(scope, 'DataAccessAuditLogs', { project: env.gcp.project, services: auditedServices(env) });
  }
}

function addNetwork(scope: Construct, env: EnvironmentConfig): void {
  const apis = new RequiredApis(scope, 'Apis', { project: env.gcp.project, services: environmentApis(env) });
  new PlatformNetwork(scope, 'Network', {
    name: names.network(env),
    subnets: env.gcp.regions.map((r) => ({ region: r.name, name: names.subnet(env, r.name), cidr: r.subnetCidr })),
    privateServicesRangeName: names.privateServicesRange(env),
    privateServicesPrefixLength: env.gcp.privateServicesPrefixLength,
    dependsOn: [...apis.services.values()],
  });
  new RuntimeServiceAccount(scope, 'RuntimeServiceAccount', {
    project: env.gcp.project,
    accountId: names.serviceAccount(env),
    secretRefs: env.service.secrets.map((s) => s.secret),
  });
  addProjectSecurity(scope, env, apis);
}

function addRegion(scope: Construct, env: EnvironmentConfig, region: RegionConfig): void {
  const isPrimary = region === primaryRegion(env);
  const db = env.database;
  // Customer-managed keys of this region (created by the network stack), when CMEK is on.
  const key = (name: (typeof CMEK_KEYS)[number]['name']) =>
    env.security.cmek.enabled ? securityNames.cmekKey(env, region.name, name) : undefined;
  new PostgresInstance(scope, 'Postgres', {
    name: isPrimary ? names.sqlPrimary(env) : names.sqlReplica(env, region.name),
    region: region.name,
    databaseVersion: db.version,
    edition: db.edition,
    tier: db.tier,
    diskSizeGb: db.diskSizeGb,
    maxConnections: db.maxConnections,
    privateNetwork: resourceIds.network(env),
    allocatedIpRange: names.privateServicesRange(env),
    maintenanceWindow: { day: db.maintenanceDay, hourUtc: db.maintenanceHourUtc },
    encryptionKeyName: key('cloudsql'),
    ...(isPrimary
      ? {
          backup: {
            startTimeUtc: db.backupStartTime,
            retainedBackups: db.backupRetentionDays,
            transactionLogRetentionDays: db.transactionLogRetentionDays,
          },
          // The API logs in with its own identity (IAM database authentication), not a password.
          iamServiceAccountUsers: [resourceIds.serviceAccountEmail(env)],
        }
      : { masterInstanceName: names.sqlPrimary(env) }),
  });
  const redis = new RedisHaInstance(scope, 'Redis', {
    name: names.redis(env, region.name),
    region: region.name,
    memorySizeGb: env.redis.memorySizeGb,
    redisVersion: env.redis.version,
    authorizedNetwork: resourceIds.network(env),
    reservedIpRange: names.privateServicesRange(env),
    rdbSnapshotPeriod: env.redis.rdbSnapshotPeriod,
    maintenanceWindow: { day: env.redis.maintenanceDay, hourUtc: env.redis.maintenanceHourUtc },
    customerManagedKey: key('redis'),
  });
  // Memorystore generates the AUTH string; the service reads it from Secret Manager like any secret.
  const redisAuth = new DerivedSecret(scope, 'RedisAuthSecret', {
    project: env.gcp.project,
    secretId: names.redisAuthSecret(env, region.name),
    region: region.name,
    value: redis.resource.authString,
    accessors: [`serviceAccount:${resourceIds.serviceAccountEmail(env)}`],
    kmsKeyName: key('secrets'),
  });
  // The Managed Service for Prometheus collector's configuration, mounted into its container.
  const collectorConfig = new ConfigSecret(scope, 'CollectorConfig', {
    project: env.gcp.project,
    secretId: names.collectorConfigSecret(env, region.name),
    region: region.name,
    text: runMonitoringYaml(runMonitoringConfig(env, region.name)),
    accessors: [`serviceAccount:${resourceIds.serviceAccountEmail(env)}`],
    kmsKeyName: key('secrets'),
  });
  const svc = env.service;
  const gmp = env.managedPrometheus;
  new CloudRunApiService(scope, 'Service', {
    name: names.cloudRunService(env, region.name),
    region: region.name,
    image: svc.image,
    cpu: svc.cpu,
    memory: svc.memory,
    minInstances: svc.minInstances,
    maxInstances: svc.maxInstances,
    concurrency: svc.concurrency,
    port: svc.port,
    healthPath: svc.healthPath,
    ingress: edgeAccess(env).ingress,
    encryptionKey: key('run'),
    binaryAuthorization: env.security.binaryAuthorization,
    serviceAccountEmail: resourceIds.serviceAccountEmail(env),
    network: resourceIds.network(env),
    subnetwork: resourceIds.subnet(env, region.name),
    secrets: svc.secrets.map((s) => ({ env: s.env, secretRef: s.secret })),
    derivedSecrets: [{ env: 'REDIS_AUTH', secretId: redisAuth.resource.id, version: redisAuth.version.version }],
    metricsCollector: {
      image: gmp.collectorImage,
      cpu: gmp.collectorCpu,
      memory: gmp.collectorMemory,
      configSecretId: collectorConfig.resource.id,
      configSecretVersion: collectorConfig.version.version,
      configDir: RUN_MONITORING_DIR,
      configFile: RUN_MONITORING_FILE,
    },
    environment: {
      PLATFORM_ENV: env.name,
      PLATFORM_REGION: region.name,
      REDIS_HOST: redis.resource.host,
      REDIS_PORT: Token.asString(redis.resource.port),
      REDIS_TLS: 'true',
      // The server CA is public; clients pin it to verify the TLS connection.
      REDIS_CA_CERT: redis.resource.serverCaCerts.get(0).cert,
    },
  });
}

function addEdge(scope: Construct, env: EnvironmentConfig): void {
  const policy = new EdgeSecurityPolicy(scope, 'SecurityPolicy', {
    name: names.securityPolicy(env),
    requestsPerMinutePerClient: env.rateLimit.edgeRequestsPerMinutePerClient,
  });
  const agents = new ServiceAgents(scope, 'ServiceAgents', { project: env.gcp.project });
  const access = edgeAccess(env);
  // The IAP service agent's grant comes with IAP itself; the others by key (their construct ids).
  const others: Record<Exclude<CloudRunInvoker, 'iapServiceAgent'>, () => string> = {
    monitoringServiceAgent: () => agents.member('monitoring'),
    allUsers: () => 'allUsers',
  };
  const invokers = Object.fromEntries(
    access.invokers.filter((i): i is keyof typeof others => i !== 'iapServiceAgent').map((i) => [i, others[i]()]),
  );
  new GlobalApiLoadBalancer(scope, 'LoadBalancer', {
    domain: env.domain,
    securityPolicy: policy.resource.id,
    project: env.gcp.project,
    iap: access.iap ? { serviceAgent: agents.member('iap'), accessors: env.security.iapAccessors } : undefined,
    invokers,
    regions: env.gcp.regions.map((r) => ({
      region: r.name,
      cloudRunService: names.cloudRunService(env, r.name),
      negName: names.neg(env, r.name),
      regionalBackendServiceName: names.regionalBackendService(env, r.name),
      host: names.regionalHost(env, r.name),
    })),
    names: {
      backendService: names.backendService(env),
      urlMap: names.urlMap(env),
      certificate: names.managedCertificate(env),
      sslPolicy: names.sslPolicy(env),
      httpsProxy: names.httpsProxy(env),
      address: names.globalAddress(env),
      forwardingRule: names.forwardingRule(env),
      redirectUrlMap: names.redirectUrlMap(env),
      httpProxy: names.httpProxy(env),
      httpForwardingRule: names.httpForwardingRule(env),
    },
  });
}

/**
 * Adds the network, per-region and edge stacks of `inputs.env` to `app`. Adding a region to the
 * config adds its stack (Cloud SQL replica, Redis, Cloud Run), its subnet, NEG, regional backend
 * and host, with no code change.
 */
export function addInfrastructureStacks(app: App, inputs: EnvironmentInputs): InfrastructureStacks {
  const { env } = inputs;
  // Names are the contract between these stacks and the monitoring stack; refuse any the APIs would.
  const problems = nameProblems(env);
  if (problems.length > 0) throw new Error(`environment ${env.name}: ${problems.join('; ')}`);
  const primary = primaryRegion(env);
  const network = googleStack(app, env, infrastructureStackNames.network(env), primary.name);
  addNetwork(network, env);
  const regions = new Map<string, TerraformStack>();
  for (const region of [primary, ...env.gcp.regions.filter((r) => r !== primary)]) {
    const stack = googleStack(app, env, infrastructureStackNames.region(env, region.name), region.name);
    addRegion(stack, env, region);
    stack.addDependency(network);
    // A replica is created from its primary, so secondary regions deploy after the primary's.
    if (region !== primary) stack.addDependency(regions.get(primary.name)!);
    regions.set(region.name, stack);
  }
  const edge = googleStack(app, env, infrastructureStackNames.edge(env), primary.name);
  addEdge(edge, env);
  for (const stack of regions.values()) edge.addDependency(stack);
  return { network, regions, edge };
}
