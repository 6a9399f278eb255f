/**
 * The Google constructs' own input checks and pure helpers: secret reference parsing, outlier
 * detection per region count, Cloud Armor rule order, and the constructor errors for bad input.
 */
import {
  CloudRunApiService,
  cloudRunResourceProblems,
  PROBES,
  type CloudRunApiServiceProps,
} from '../../../constructs/google/cloud-run-api-service';
import { DerivedSecret } from '../../../constructs/google/derived-secret';
import { edgeSecurityRules, DEFAULT_RULE_PRIORITY } from '../../../constructs/google/edge-security-policy';
import {
  GlobalApiLoadBalancer,
  managedCertificateDomainProblems,
  outlierDetection,
} from '../../../constructs/google/global-api-load-balancer';
import { PlatformNetwork } from '../../../constructs/google/platform-network';
import { PostgresInstance, postgresTierProblems, type PostgresInstanceProps } from '../../../constructs/google/postgres-instance';
import { RedisHaInstance } from '../../../constructs/google/redis-ha-instance';
import { RuntimeServiceAccount } from '../../../constructs/google/runtime-service-account';
import { parseSecretRef } from '../../../constructs/google/secret-ref';
import { Testing, TerraformStack } from '../../../constructs/framework';

const stack = (): TerraformStack => new TerraformStack(Testing.app(), 'test');

const POSTGRES: PostgresInstanceProps = {
  name: 'pg',
  region: 'europe-west1',
  databaseVersion: 'POSTGRES_16',
  edition: 'ENTERPRISE',
  tier: 'db-custom-2-7680',
  diskSizeGb: 50,
  maxConnections: 200,
  privateNetwork: 'projects/p/global/networks/vpc',
  allocatedIpRange: 'psa',
  maintenanceWindow: { day: 7, hourUtc: 2 },
};

const RUN: CloudRunApiServiceProps = {
  name: 'api',
  region: 'europe-west1',
  image: 'img',
  cpu: '1',
  memory: '512Mi',
  minInstances: 1,
  maxInstances: 10,
  concurrency: 80,
  port: 8080,
  healthPath: '/health',
  serviceAccountEmail: 'sa@p.iam.gserviceaccount.com',
  network: 'vpc',
  subnetwork: 'subnet',
};

describe('parseSecretRef', () => {
  test.each([
    [
      'projects/my-project/secrets/db-url/versions/latest',
      { project: 'my-project', name: 'db-url', version: 'latest', secretId: 'projects/my-project/secrets/db-url' },
    ],
    [
      'projects/my-project/secrets/SIGNING_KEY/versions/3',
      { project: 'my-project', name: 'SIGNING_KEY', version: '3', secretId: 'projects/my-project/secrets/SIGNING_KEY' },
    ],
  ])('splits %s into project, name, version and secret id', (ref, parts) => {
    expect(parseSecretRef(ref)).toEqual(parts);
  });

  test.each(['hunter2', 'projects/my-project/secrets/db-url', 'projects/my-project/secrets/db-url/versions/0'])(
    'rejects %s, which is not a secret version reference',
    (ref) => {
      expect(() => parseSecretRef(ref)).toThrow(/is not projects\/<project>\/secrets\/<name>\/versions\/<version>/);
    },
  );
});

describe('outlierDetection', () => {
  test.each([
    [1, 0],
    [2, 50],
    [3, 66],
    [4, 75],
  ])('with %p regions lets at most %p %% of them be ejected, so one region always serves', (regions, percent) => {
    expect(outlierDetection(regions).maxEjectionPercent).toBe(percent);
  });
});

describe('edgeSecurityRules', () => {
  test('orders every deny rule before the throttle rule and the default allow last', () => {
    // when
    const rules = edgeSecurityRules({ name: 'edge', requestsPerMinutePerClient: 600 });
    // then
    const priorities = rules.map((r) => r.priority!);
    expect([...priorities].sort((a, b) => a - b)).toEqual(priorities);
    expect(rules.at(-2)?.action).toBe('throttle');
    expect(rules.at(-1)).toMatchObject({ priority: DEFAULT_RULE_PRIORITY, action: 'allow' });
    expect(new Set(priorities).size).toBe(priorities.length);
  });

  test('rejects a non-positive per-client limit', () => {
    expect(() => edgeSecurityRules({ name: 'edge', requestsPerMinutePerClient: 0 })).toThrow(
      /requestsPerMinutePerClient must be a positive integer, got 0/,
    );
  });
});

describe('postgresTierProblems', () => {
  // Cloud SQL for PostgreSQL machine series: Enterprise Plus runs db-perf-optimized-N-*, Enterprise
  // runs db-custom-<vCPU>-<MiB> (1 or even vCPUs ≤ 96, memory a multiple of 256 MiB, 0.9–6.5 GB per vCPU) or shared core
  test.each<['ENTERPRISE' | 'ENTERPRISE_PLUS', string]>([
    ['ENTERPRISE', 'db-custom-2-7680'],
    ['ENTERPRISE', 'db-custom-1-3840'],
    ['ENTERPRISE', 'db-g1-small'],
    ['ENTERPRISE_PLUS', 'db-perf-optimized-N-8'],
  ])('accepts %s with %s', (edition, tier) => {
    expect(postgresTierProblems(edition, tier)).toEqual([]);
  });

  test.each<['ENTERPRISE' | 'ENTERPRISE_PLUS', string, string]>([
    ['ENTERPRISE_PLUS', 'db-custom-2-7680', 'is not an Enterprise Plus tier'],
    ['ENTERPRISE', 'db-perf-optimized-N-8', 'is not an Enterprise tier'],
    ['ENTERPRISE', 'db-custom-3-7680', 'vCPUs must be 1 or an even number up to 96'],
    ['ENTERPRISE', 'db-custom-2-7000', 'memory must be a multiple of 256 MiB'],
    ['ENTERPRISE', 'db-custom-2-16384', 'memory must be 0.9–6.5 GB per vCPU, got 8.00'],
  ])('rejects %s with %s', (edition, tier, message) => {
    expect(postgresTierProblems(edition, tier)).toEqual([expect.stringContaining(message)]);
  });
});

describe('cloudRunResourceProblems', () => {
  test.each<[string, string, number]>([
    ['1', '512Mi', 80],
    ['2', '1Gi', 80],
    ['4', '2Gi', 250],
    ['0.5', '512Mi', 1],
    ['8', '32Gi', 1000],
  ])('accepts cpu %s with memory %s at concurrency %p', (cpu, memory, concurrency) => {
    expect(cloudRunResourceProblems(cpu, memory, concurrency)).toEqual([]);
  });

  test.each<[string, string, number, string]>([
    // Cloud Run execution environments: the second generation needs at least 512 MiB
    ['1', '256Mi', 80, 'the second-generation environment needs at least 512Mi'],
    // Cloud Run CPU limits: 4 vCPU need at least 2 GiB
    ['4', '1Gi', 80, '4 vCPU need at least 2048Mi'],
    // Cloud Run memory limits: above 4 GiB needs at least 2 vCPU
    ['1', '8Gi', 80, 'needs at least 2 vCPU'],
    ['3', '2Gi', 80, 'whole vCPUs must be 1, 2, 4, 6 or 8'],
    ['0.5', '512Mi', 80, 'less than one vCPU needs concurrency 1'],
    // max_instance_request_concurrency: at most 1000
    ['1', '512Mi', 1001, 'concurrency must be 1–1000'],
    ['two', '512Mi', 80, 'is not a number of vCPUs'],
  ])('rejects cpu %s with memory %s at concurrency %p', (cpu, memory, concurrency, message) => {
    expect(cloudRunResourceProblems(cpu, memory, concurrency)).toEqual([expect.stringContaining(message)]);
  });
});

describe('PROBES', () => {
  test('stay within the limits the Cloud Run v2 provider documents for probes', () => {
    // provider doc comments: initial delay and period at most 240 s for a startup probe and 3600 s
    // for liveness; "timeoutSeconds … Must be smaller than periodSeconds"
    expect(PROBES.startup.initialDelaySeconds).toBeLessThanOrEqual(240);
    expect(PROBES.startup.periodSeconds).toBeLessThanOrEqual(240);
    expect(PROBES.liveness.initialDelaySeconds).toBeLessThanOrEqual(3600);
    expect(PROBES.liveness.periodSeconds).toBeLessThanOrEqual(3600);
    for (const p of [PROBES.startup, PROBES.liveness]) expect(p.timeoutSeconds).toBeLessThan(p.periodSeconds);
  });
});

describe('managedCertificateDomainProblems', () => {
  test('accepts the domain and its regional hosts', () => {
    expect(managedCertificateDomainProblems(['api.example.com', 'europe-west1.api.example.com'])).toEqual([]);
  });

  test.each<[string, string[], string]>([
    // Google-managed SSL certificates: up to 100 non-wildcard domains
    ['more than 100 domains', Array.from({ length: 101 }, (_, i) => `r${i}.api.example.com`), 'at most 100 domains, got 101'],
    ['a wildcard', ['*.api.example.com'], 'managed certificates do not cover wildcards'],
    ['a repeated domain', ['api.example.com', 'api.example.com'], 'certificate domains repeat'],
    ['a label longer than 63 characters', [`${'a'.repeat(64)}.example.com`], 'is not a valid DNS name'],
  ])('rejects %s', (_name, domains, message) => {
    expect(managedCertificateDomainProblems(domains)).toEqual([expect.stringContaining(message)]);
  });
});

describe('constructor input checks', () => {
  test('rejects a Postgres instance that is neither a primary nor a replica', () => {
    expect(() => new PostgresInstance(stack(), 'pg', POSTGRES)).toThrow(
      /set exactly one of backup \(a primary\) and masterInstanceName \(a replica\)/,
    );
  });

  test('rejects IAM database users on a replica and an e-mail that is not a service account', () => {
    // given a replica with an IAM user, and a person's e-mail
    const replica = {
      ...POSTGRES,
      masterInstanceName: 'primary',
      iamServiceAccountUsers: ['api-run@acme-prod.iam.gserviceaccount.com', 'ops@acme.io'],
    };
    // then both are named
    expect(() => new PostgresInstance(stack(), 'pg', replica)).toThrow(
      'postgres instance pg: iamServiceAccountUsers are created on the primary only (users replicate to replicas); iam database user ops@acme.io is not a service account e-mail <id>@<project>.iam.gserviceaccount.com',
    );
  });

  test('rejects a Postgres instance that is both a primary and a replica', () => {
    const both = {
      ...POSTGRES,
      masterInstanceName: 'other',
      backup: { startTimeUtc: '09:00', retainedBackups: 30, transactionLogRetentionDays: 7 },
    };
    expect(() => new PostgresInstance(stack(), 'pg', both)).toThrow(/set exactly one of backup/);
  });

  test('rejects a database version that is not POSTGRES_<major>', () => {
    expect(
      () => new PostgresInstance(stack(), 'pg', { ...POSTGRES, masterInstanceName: 'pg-primary', databaseVersion: 'MYSQL_8_0' }),
    ).toThrow(/database version MYSQL_8_0 is not POSTGRES_<major>/);
  });

  test('rejects more days of WAL than an Enterprise primary keeps (provider doc: 1-7, Enterprise Plus 1 to 35)', () => {
    const backup = { startTimeUtc: '09:00', retainedBackups: 30, transactionLogRetentionDays: 8 };
    expect(() => new PostgresInstance(stack(), 'pg', { ...POSTGRES, backup })).toThrow(
      /transactionLogRetentionDays must be 1–7 for ENTERPRISE, got 8/,
    );
  });

  test('accepts 35 days of WAL on an Enterprise Plus primary with a performance-optimized tier', () => {
    const backup = { startTimeUtc: '09:00', retainedBackups: 30, transactionLogRetentionDays: 35 };
    const plus = { ...POSTGRES, edition: 'ENTERPRISE_PLUS' as const, tier: 'db-perf-optimized-N-4', backup };
    expect(() => new PostgresInstance(stack(), 'pg', plus)).not.toThrow();
  });

  test('rejects a tier the edition cannot run', () => {
    expect(
      () => new PostgresInstance(stack(), 'pg', { ...POSTGRES, masterInstanceName: 'pg-primary', edition: 'ENTERPRISE_PLUS' }),
    ).toThrow(/tier db-custom-2-7680 is not an Enterprise Plus tier/);
  });

  test('rejects a backup start that is not HH:MM UTC', () => {
    const backup = { startTimeUtc: '24:00', retainedBackups: 30, transactionLogRetentionDays: 7 };
    expect(() => new PostgresInstance(stack(), 'pg', { ...POSTGRES, backup })).toThrow(/backup start 24:00 is not HH:MM/);
  });

  test('rejects a Redis instance larger than the 300 GB Memorystore for Redis allows', () => {
    const redis = {
      name: 'redis',
      region: 'europe-west1',
      memorySizeGb: 301,
      redisVersion: 'REDIS_7_2',
      authorizedNetwork: 'vpc',
      reservedIpRange: 'psa',
      rdbSnapshotPeriod: 'ONE_HOUR' as const,
      maintenanceWindow: { day: 'TUESDAY', hourUtc: 3 },
    };
    expect(() => new RedisHaInstance(stack(), 'redis', redis)).toThrow(/memorySizeGb must be 1–300, got 301/);
  });

  test('rejects a Cloud Run service with less memory than the second-generation environment needs', () => {
    expect(() => new CloudRunApiService(stack(), 'run', { ...RUN, memory: '256Mi' })).toThrow(/needs at least 512Mi/);
  });

  test('rejects a Cloud Run service whose minimum instances exceed the maximum', () => {
    expect(() => new CloudRunApiService(stack(), 'run', { ...RUN, minInstances: 11 })).toThrow(/minInstances 11 exceeds maxInstances 10/);
  });

  test('rejects a Cloud Run secret that is a literal rather than a reference', () => {
    expect(() => new CloudRunApiService(stack(), 'run', { ...RUN, secrets: [{ env: 'KEY', secretRef: 'plain-text-value' }] })).toThrow(
      /is not projects/,
    );
  });

  test('rejects a service account id that Google would refuse', () => {
    expect(() => new RuntimeServiceAccount(stack(), 'sa', { project: 'p', accountId: 'Bad_Id' })).toThrow(/must be 6-30 characters/);
  });

  test('rejects a network with two subnets in one region', () => {
    const subnets = [
      { region: 'europe-west1', name: 'a', cidr: '10.0.0.0/20' },
      { region: 'europe-west1', name: 'b', cidr: '10.1.0.0/20' },
    ];
    expect(() => new PlatformNetwork(stack(), 'net', { name: 'vpc', subnets, privateServicesRangeName: 'psa' })).toThrow(
      /a region has two subnets/,
    );
  });

  test('rejects a derived secret whose value is a literal rather than a reference', () => {
    expect(
      () => new DerivedSecret(stack(), 'auth', { project: 'p', secretId: 'redis-auth', region: 'europe-west1', value: 'hunter2' }),
    ).toThrow(/value must be a reference to another resource's attribute, not a literal/);
  });

  const LB_NAMES = {
    backendService: 'b',
    urlMap: 'u',
    certificate: 'c',
    sslPolicy: 's',
    httpsProxy: 'h',
    address: 'a',
    forwardingRule: 'f',
    redirectUrlMap: 'r',
    httpProxy: 'p',
    httpForwardingRule: 'q',
  };
  const IAP = { serviceAgent: 'serviceAccount:service-1@gcp-sa-iap.iam.gserviceaccount.com', accessors: [] };
  const LB_REGION = {
    region: 'europe-west1',
    cloudRunService: 'svc',
    negName: 'neg',
    regionalBackendServiceName: 'rb',
    host: 'eu.api.example.com',
  };
  /** The props of a load balancer with one region, changed by `patch`. */
  const lbProps = (patch: Partial<ConstructorParameters<typeof GlobalApiLoadBalancer>[2]> = {}) => ({
    names: LB_NAMES,
    domain: 'api.example.com',
    regions: [LB_REGION],
    securityPolicy: 'x',
    project: 'p',
    ...patch,
  });

  test('rejects a load balancer without regions', () => {
    expect(() => new GlobalApiLoadBalancer(stack(), 'lb', lbProps({ regions: [], iap: IAP }))).toThrow(/no regions to route to/);
  });

  test('warns that IAP admits nobody when no accessor is configured', () => {
    // given a load balancer without accessors
    const lb = new GlobalApiLoadBalancer(stack(), 'lb', lbProps({ iap: IAP }));
    // then it is created, with a warning
    const warnings = lb.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toEqual(['load balancer u: IAP admits nobody (no accessors); every request through the load balancer is refused']);
  });

  test('rejects IAP accessors that are not IAM members, allUsers among them', () => {
    // given a public member and a bare e-mail
    const iap = { ...IAP, accessors: ['allUsers', 'ops@example.com', 'group:ops@example.com'] };
    // then both are refused, by name, and the group is accepted
    expect(() => new GlobalApiLoadBalancer(stack(), 'lb', lbProps({ iap }))).toThrow(
      'load balancer u: IAP accessors allUsers, ops@example.com are not IAM members',
    );
  });

  test('rejects a load balancer without IAP that grants nobody the invoker role, since Cloud Run would refuse every request', () => {
    // given a public edge (no IAP) that forgets its invokers, then it is refused
    expect(() => new GlobalApiLoadBalancer(stack(), 'lb', lbProps())).toThrow(
      'load balancer u: without IAP the load balancer forwards requests without an identity, and no invoker is granted, so Cloud Run would refuse every request; allowed: iap, or invokers such as allUsers',
    );
  });
});
