/**
 * The Google constructs' own input checks and pure helpers: secret reference parsing, outlier
 * detection per region count, Cloud Armor rule order, and the constructor errors for bad input.
 */
import { CloudRunApiService, type CloudRunApiServiceProps } from '../../../constructs/google/cloud-run-api-service';
import { DerivedSecret } from '../../../constructs/google/derived-secret';
import { edgeSecurityRules, DEFAULT_RULE_PRIORITY } from '../../../constructs/google/edge-security-policy';
import { GlobalApiLoadBalancer, outlierDetection } from '../../../constructs/google/global-api-load-balancer';
import { PlatformNetwork } from '../../../constructs/google/platform-network';
import { PostgresInstance, type PostgresInstanceProps } from '../../../constructs/google/postgres-instance';
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

describe('constructor input checks', () => {
  test('rejects a Postgres instance that is neither a primary nor a replica', () => {
    expect(() => new PostgresInstance(stack(), 'pg', POSTGRES)).toThrow(
      /set exactly one of backup \(a primary\) and masterInstanceName \(a replica\)/,
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

  test('rejects a load balancer without regions', () => {
    const n = {
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
    expect(
      () => new GlobalApiLoadBalancer(stack(), 'lb', { names: n, domain: 'api.example.com', regions: [], securityPolicy: 'x' }),
    ).toThrow(/no regions to route to/);
  });
});
