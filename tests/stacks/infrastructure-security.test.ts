/**
 * The security controls of docs/infrastructure.md "Security controls", one named test each, on the
 * synthesized Terraform JSON of the bundled example (optional controls off) and of the
 * production-shaped example (every optional control on). The table in the docs lists these test
 * names; tests/stacks/infrastructure-docs.test.ts keeps the two in step.
 */
import { readFileSync, rmSync } from 'node:fs';
import { at, resourcesOf, synthesizeInfrastructure, type SynthesizedInfrastructure, type TfJson } from '../constructs/google/tf-json';
import { Testing } from '../../constructs/framework';
import { loadEnvironmentOrThrow } from '../../environments/load';
import { SERVICE_AGENT_DOMAINS } from '../../constructs/google/service-agents';
import { EDGE_ACCESS } from '../../environments/edge-access';
import { CMEK_KEYS, names, primaryRegion, securityNames } from '../../environments/naming';
import type { EnvironmentConfig } from '../../environments/schema';
import { addStateBootstrapStack } from '../../stacks/state';

interface Synthesized {
  readonly env: EnvironmentConfig;
  readonly synth: SynthesizedInfrastructure;
}

const ENVIRONMENTS = ['example', 'production-example'] as const;
const synthesized = new Map<string, Synthesized>();
const of = (file: string): Synthesized => synthesized.get(file)!;
const stacksOf = (file: string): TfJson[] => Object.values(of(file).synth.stacks);
const stack = (file: string, suffix: string): TfJson => of(file).synth.stacks[`${of(file).env.name}-${suffix}`]!;
const regionsOf = (file: string): string[] => of(file).env.gcp.regions.map((r) => r.name);
const everywhere = (file: string, type: string) => stacksOf(file).flatMap((s) => resourcesOf(s, type));

beforeAll(() => {
  // given both bundled environments, each synthesized once
  for (const file of ENVIRONMENTS) {
    const env = loadEnvironmentOrThrow(file);
    synthesized.set(file, { env, synth: synthesizeInfrastructure(env) });
  }
});
afterAll(() => {
  for (const { synth } of synthesized.values()) rmSync(synth.outdir, { recursive: true, force: true });
});

describe('production-shaped example', () => {
  test('is a production environment that passes every production rule, with a state bucket, CMEK and Binary Authorization on', () => {
    // then: loading it ran the placeholder, digest and secret-version checks
    const { env } = of('production-example');
    expect(env).toMatchObject({ production: true, security: { cmek: { enabled: true }, binaryAuthorization: true } });
    expect(env.gcp.stateBucket).toBeDefined();
    expect(env.service.image).toMatch(/@sha256:[0-9a-f]{64}$/);
  });
});

/** Every run.invoker grant of an environment, as [region, service, member], sorted. */
function invokerGrants(file: string): string[][] {
  const grants = everywhere(file, 'google_cloud_run_v2_service_iam_member');
  for (const g of grants) expect(g.role).toBe('roles/run.invoker');
  return grants.map((g) => [String(g.location), String(g.name), String(g.member)]).sort();
}
/** Every IAM member granted anything in an environment's stacks. */
const membersOf = (file: string): unknown[] =>
  stacksOf(file).flatMap((s) => Object.values(s.resource ?? {}).flatMap((byId) => Object.values(byId).map((r) => r.member)));
/** The IAM member of a service agent, its project number read from the `google_project` data source. */
const agentMember = (domain: string) =>
  new RegExp(`^serviceAccount:service-\\$\\{data\\.google_project\\.[\\w-]+\\.number\\}@${domain.replace(/\./g, '\\.')}$`);

describe('edge access iap (production-example): the edge is the only way in', () => {
  const file = 'production-example';

  test('IAP authenticates every request on every backend service', () => {
    expect(of(file).env.edge.access).toBe('iap');
    const backends = resourcesOf(stack(file, 'edge'), 'google_compute_backend_service');
    expect(backends).toHaveLength(regionsOf(file).length + 1);
    for (const b of backends)
      expect(b).toMatchObject({ iap: { enabled: true }, security_policy: expect.stringMatching(/^\$\{google_compute_security_policy\./) });
  });

  test('with IAP, Cloud Run admits every network so the uptime checkers reach its run.app URL, and checks invoker IAM on every request', () => {
    for (const region of regionsOf(file)) {
      const [run] = resourcesOf(stack(file, region), 'google_cloud_run_v2_service');
      expect(run).toMatchObject({ ingress: EDGE_ACCESS.iap.ingress, invoker_iam_disabled: false });
    }
    expect(EDGE_ACCESS.iap.ingress).toBe('INGRESS_TRAFFIC_ALL');
  });

  test('with IAP, only the IAP and Monitoring service agents may invoke Cloud Run, in every region, and nothing public is granted', () => {
    // then: per region one grant to each agent; IAP's waits for the backend services that turn IAP on
    const { env } = of(file);
    const grants = invokerGrants(file);
    expect(grants.map(([region, service]) => [region, service])).toEqual(
      regionsOf(file)
        .flatMap((r) => EDGE_ACCESS.iap.invokers.map(() => [r, names.cloudRunService(env, r)]))
        .sort(),
    );
    for (const region of regionsOf(file)) {
      const members = grants.filter(([r]) => r === region).map(([, , m]) => m);
      expect(members.map((m) => m.slice(m.indexOf('@') + 1)).sort()).toEqual(
        [SERVICE_AGENT_DOMAINS.iap, SERVICE_AGENT_DOMAINS.monitoring].sort(),
      );
      expect(members.filter((m) => agentMember(SERVICE_AGENT_DOMAINS.iap).test(m))).toHaveLength(1);
      expect(members.filter((m) => agentMember(SERVICE_AGENT_DOMAINS.monitoring).test(m))).toHaveLength(1);
    }
    for (const g of everywhere(file, 'google_cloud_run_v2_service_iam_member').filter((g) =>
      String(g.member).includes(SERVICE_AGENT_DOMAINS.iap),
    ))
      expect(g.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^google_compute_backend_service\./)]));
    expect(membersOf(file).filter((m) => m === 'allUsers' || m === 'allAuthenticatedUsers')).toEqual([]);
  });

  test('IAP admits exactly the configured accessors on every backend service', () => {
    const { env } = of(file);
    expect(env.security.iapAccessors.length).toBeGreaterThan(0);
    const grants = resourcesOf(stack(file, 'edge'), 'google_iap_web_backend_service_iam_member');
    const backends = [names.backendService(env), ...regionsOf(file).map((r) => names.regionalBackendService(env, r))];
    expect(grants.every((g) => g.role === 'roles/iap.httpsResourceAccessor')).toBe(true);
    expect(grants.map((g) => g.member).sort()).toEqual(backends.flatMap(() => env.security.iapAccessors).sort());
    const backendIds = Object.keys(stack(file, 'edge').resource?.google_compute_backend_service ?? {});
    expect(new Set(grants.map((g) => g.web_backend_service))).toEqual(
      new Set(backendIds.map((id) => `\${google_compute_backend_service.${id}.name}`)),
    );
  });
});

describe('edge access public (example): Cloud Armor guards the only way in from the internet', () => {
  const file = 'example';

  test('with a public edge, no backend service has IAP and Cloud Armor guards every one', () => {
    expect(of(file).env.edge.access).toBe('public');
    const backends = resourcesOf(stack(file, 'edge'), 'google_compute_backend_service');
    expect(backends).toHaveLength(regionsOf(file).length + 1);
    for (const b of backends)
      expect(b).toMatchObject({ iap: { enabled: false }, security_policy: expect.stringMatching(/^\$\{google_compute_security_policy\./) });
    expect(resourcesOf(stack(file, 'edge'), 'google_iap_web_backend_service_iam_member')).toEqual([]);
  });

  test('with a public edge, Cloud Run refuses the internet at its run.app URL and checks invoker IAM on every request', () => {
    for (const region of regionsOf(file)) {
      const [run] = resourcesOf(stack(file, region), 'google_cloud_run_v2_service');
      expect(run).toMatchObject({ ingress: EDGE_ACCESS.public.ingress, invoker_iam_disabled: false });
    }
    expect(EDGE_ACCESS.public.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER');
  });

  test('with a public edge, allUsers is the only Cloud Run invoker, in every region', () => {
    const { env } = of(file);
    expect(invokerGrants(file)).toEqual(
      regionsOf(file)
        .map((r) => [r, names.cloudRunService(env, r), 'allUsers'])
        .sort(),
    );
    expect(membersOf(file).filter((m) => typeof m === 'string' && /@gcp-sa-(iap|monitoring-notification)\./.test(m))).toEqual([]);
  });
});

describe.each(ENVIRONMENTS)('%s: data stores', (file) => {
  test('Cloud SQL turns on IAM database authentication on the primary and every replica', () => {
    for (const region of regionsOf(file)) {
      const [sql] = resourcesOf(stack(file, region), 'google_sql_database_instance');
      expect(at(sql, 'settings.database_flags')).toContainEqual({ name: 'cloudsql.iam_authentication', value: 'on' });
    }
  });

  test('the API logs in to the primary as an IAM database user of its own runtime account', () => {
    const { env } = of(file);
    const account = `${names.serviceAccount(env)}@${env.gcp.project}.iam`;
    const users = stacksOf(file).flatMap((s) => resourcesOf(s, 'google_sql_user'));
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ name: account, type: 'CLOUD_IAM_SERVICE_ACCOUNT' });
    expect(resourcesOf(stack(file, primaryRegion(of(file).env).name), 'google_sql_user')).toHaveLength(1);
    // the runtime account's project roles (its member is a reference to the account's e-mail)
    const roles = resourcesOf(stack(file, 'network'), 'google_project_iam_member').filter((m) =>
      /^serviceAccount:\$\{google_service_account\.RuntimeServiceAccount_/.test(String(m.member)),
    );
    expect(roles.map((r) => r.role)).toContain('roles/cloudsql.instanceUser');
  });

  test('Data Access audit logs record admin reads, data reads and data writes of every service that holds or guards data', () => {
    const { env } = of(file);
    const configs = resourcesOf(stack(file, 'network'), 'google_project_iam_audit_config');
    const expected = ['cloudsql', 'redis', 'run', 'secretmanager', ...(env.security.cmek.enabled ? ['cloudkms'] : [])];
    expect(configs.map((c) => c.service).sort()).toEqual(expected.map((s) => `${s}.googleapis.com`).sort());
    for (const c of configs) {
      expect(c.project).toBe(env.gcp.project);
      expect(c.audit_log_config).toEqual([{ log_type: 'ADMIN_READ' }, { log_type: 'DATA_READ' }, { log_type: 'DATA_WRITE' }]);
    }
  });
});

describe('customer-managed encryption keys', () => {
  const file = 'production-example';

  test('one key ring per region, a key per consumer rotated at most every 90 days and never destroyed (CKV_GCP_43, CKV_GCP_82)', () => {
    const { env } = of(file);
    const network = stack(file, 'network');
    expect(
      resourcesOf(network, 'google_kms_key_ring')
        .map((r) => [r.location, r.name])
        .sort(),
    ).toEqual(
      regionsOf(file)
        .map((r) => [r, securityNames.keyRing(env)])
        .sort(),
    );
    const keys = resourcesOf(network, 'google_kms_crypto_key');
    expect(keys).toHaveLength(regionsOf(file).length * CMEK_KEYS.length);
    for (const k of keys) {
      expect(k).toMatchObject({ purpose: 'ENCRYPT_DECRYPT', lifecycle: { prevent_destroy: true } });
      expect(Number(/^(\d+)s$/.exec(String(k.rotation_period))?.[1])).toBe(env.security.cmek.rotationPeriodDays * 86_400);
      expect(env.security.cmek.rotationPeriodDays).toBeLessThanOrEqual(90);
    }
  });

  test('each service agent may use its own key only, with cryptoKeyEncrypterDecrypter', () => {
    const network = stack(file, 'network');
    const keyIds = Object.entries(network.resource?.google_kms_crypto_key ?? {}).map(([id, k]) => [id, k.name] as const);
    const grants = resourcesOf(network, 'google_kms_crypto_key_iam_member');
    expect(grants).toHaveLength(keyIds.length);
    const domains = { cloudsql: 'gcp-sa-cloud-sql', redis: 'cloud-redis', run: 'serverless-robot-prod', secrets: 'gcp-sa-secretmanager' };
    for (const [id, name] of keyIds) {
      const onKey = grants.filter((g) => g.crypto_key_id === `\${google_kms_crypto_key.${id}.id}`);
      expect(onKey).toHaveLength(1);
      expect(onKey[0]).toMatchObject({ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter' });
      expect(onKey[0]!.member).toContain(`@${domains[name as keyof typeof domains]}.iam.gserviceaccount.com`);
    }
  });

  test("Cloud SQL, Redis, Cloud Run and the Redis AUTH secret encrypt with their own region's key", () => {
    const { env } = of(file);
    for (const region of regionsOf(file)) {
      const s = stack(file, region);
      const key = (k: (typeof CMEK_KEYS)[number]['name']) => securityNames.cmekKey(env, region, k);
      expect(resourcesOf(s, 'google_sql_database_instance')[0]!.encryption_key_name).toBe(key('cloudsql'));
      expect(resourcesOf(s, 'google_redis_instance')[0]!.customer_managed_key).toBe(key('redis'));
      expect(at(resourcesOf(s, 'google_cloud_run_v2_service')[0], 'template.encryption_key')).toBe(key('run'));
      expect(at(resourcesOf(s, 'google_secret_manager_secret')[0], 'replication.user_managed.replicas')).toEqual([
        { location: region, customer_managed_encryption: { kms_key_name: key('secrets') } },
      ]);
      expect(key('cloudsql')).toContain(`/locations/${region}/`);
    }
  });

  test('leaves every resource on Google-managed encryption when CMEK is off', () => {
    const example = 'example';
    expect(everywhere(example, 'google_kms_crypto_key')).toEqual([]);
    for (const region of regionsOf(example)) {
      const s = stack(example, region);
      expect(resourcesOf(s, 'google_sql_database_instance')[0]!.encryption_key_name).toBeUndefined();
      expect(resourcesOf(s, 'google_redis_instance')[0]!.customer_managed_key).toBeUndefined();
      expect(at(resourcesOf(s, 'google_cloud_run_v2_service')[0], 'template.encryption_key')).toBeUndefined();
    }
  });
});

describe('Binary Authorization', () => {
  test("Cloud Run deploys only images the project's Binary Authorization policy admits when it is on", () => {
    for (const region of regionsOf('production-example')) {
      const [run] = resourcesOf(stack('production-example', region), 'google_cloud_run_v2_service');
      expect(run!.binary_authorization).toEqual({ use_default: true });
    }
    for (const region of regionsOf('example')) {
      const [run] = resourcesOf(stack('example', region), 'google_cloud_run_v2_service');
      expect(run!.binary_authorization).toBeUndefined();
    }
  });

  test('enables the APIs of the controls that are on, and only those', () => {
    const apis = (file: string) => resourcesOf(stack(file, 'network'), 'google_project_service').map((s) => s.service);
    expect(apis('production-example')).toEqual(
      expect.arrayContaining(['iap.googleapis.com', 'cloudkms.googleapis.com', 'binaryauthorization.googleapis.com']),
    );
    expect(apis('example')).not.toContain('iap.googleapis.com');
    expect(apis('example')).not.toContain('cloudkms.googleapis.com');
    expect(apis('example')).not.toContain('binaryauthorization.googleapis.com');
  });
});

describe('Terraform state bucket', () => {
  const file = 'production-example';
  const bucket = () => resourcesOf(stack(file, 'state'), 'google_storage_bucket');

  test('the bootstrap stack keeps its own state locally and every other stack keeps its state in the bucket', () => {
    const { env, synth } = of(file);
    for (const [name, s] of Object.entries(synth.stacks)) {
      if (name === securityNames.stateStack(env)) {
        expect(s.terraform?.backend).toEqual({ local: { path: `../../../terraform.${name}.tfstate` } });
      } else {
        expect(s.terraform?.backend).toEqual({ gcs: { bucket: env.gcp.stateBucket, prefix: `${env.gcp.statePrefix}/${name}` } });
      }
    }
  });

  test('the state bucket is private: uniform access and public access prevention enforced (CKV_GCP_29, CKV_GCP_114)', () => {
    const { env } = of(file);
    expect(bucket()).toHaveLength(1);
    expect(bucket()[0]).toMatchObject({
      name: env.gcp.stateBucket,
      location: securityNames.stateBucketLocation(env),
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
    });
  });

  test('the state bucket keeps history: versioning, soft delete and a bounded number of noncurrent versions, no retention lock (CKV_GCP_78)', () => {
    const { env } = of(file);
    const [b] = bucket();
    expect(b).toMatchObject({
      versioning: { enabled: true },
      soft_delete_policy: { retention_duration_seconds: env.security.stateBucket.softDeleteDays * 86_400 },
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    // the lifecycle only ever deletes noncurrent versions; the live state object is never touched
    expect(b!.lifecycle_rule).toEqual([
      {
        condition: { with_state: 'ARCHIVED', num_newer_versions: env.security.stateBucket.noncurrentVersionsKept },
        action: { type: 'Delete' },
      },
    ]);
    // a retention policy would forbid Terraform to overwrite its state and delete its lock
    expect(b!.retention_policy).toBeUndefined();
  });

  test('the state bucket encrypts with a key in its own location that only the Cloud Storage agent may use, once granted', () => {
    const { env } = of(file);
    const s = stack(file, 'state');
    const [ring] = resourcesOf(s, 'google_kms_key_ring');
    expect(ring).toMatchObject({ location: securityNames.stateBucketLocation(env), name: securityNames.stateKeyRing(env) });
    const [grant] = resourcesOf(s, 'google_kms_crypto_key_iam_member');
    expect(grant!.member).toMatch(/@gs-project-accounts\.iam\.gserviceaccount\.com$/);
    expect(at(bucket()[0], 'encryption.default_kms_key_name')).toMatch(/^\$\{google_kms_crypto_key\./);
    expect(bucket()[0]!.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^google_kms_crypto_key_iam_member\./)]));
    // the stack deploys first, so it enables the Cloud KMS API its key ring waits for
    expect(resourcesOf(s, 'google_project_service').map((a) => a.service)).toContain('cloudkms.googleapis.com');
    expect(ring!.depends_on).toEqual([expect.stringMatching(/^google_project_service\.Apis_cloudkmsgoogleapiscom_/)]);
    expect(resourcesOf(s, 'google_project_iam_audit_config').map((c) => c.service)).toEqual(['storage.googleapis.com']);
  });

  test('rejects a multi-region state bucket location when CMEK is on, because its key ring needs a region', () => {
    // given the production example with its bucket in the EU multi-region
    const { env } = of(file);
    const multi = { ...env, security: { ...env.security, stateBucket: { ...env.security.stateBucket, location: 'EU' } } };
    // then
    expect(() => addStateBootstrapStack(Testing.app(), multi)).toThrow(
      'environment tallyhook-prod: security.stateBucket.location EU is a multi-region; with security.cmek.enabled the state bucket needs a region, where its key ring lives',
    );
  });

  test('an environment without a state bucket has no bootstrap stack and local state', () => {
    const { env, synth } = of('example');
    expect(env.gcp.stateBucket).toBeUndefined();
    expect(Object.keys(synth.stacks)).not.toContain(securityNames.stateStack(env));
  });
});

describe('docs/infrastructure.md', () => {
  /** Test names in the security controls table, by the file the row names (this one by default). */
  function documentedTests(): { file: string; name: string }[] {
    const doc = readFileSync('docs/infrastructure.md', 'utf8');
    const block = doc.split('<!-- security-controls:begin -->')[1]?.split('<!-- security-controls:end -->')[0] ?? '';
    return block
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .slice(2)
      .map((l) => l.split('|').map((c) => c.trim()))
      .map((cells) => ({
        file: cells[1]!.includes('`load.test.ts`') ? 'tests/environments/load.test.ts' : 'tests/stacks/infrastructure-security.test.ts',
        name: cells[2]!,
      }));
  }
  const testNames = (file: string): string[] =>
    [...readFileSync(file, 'utf8').matchAll(/^\s*test\(\s*(['"`])(.*?)\1,/gm)].map((m) => m[2]!.replace(/\\'/g, "'"));

  test('lists every control test of this file, and each listed test exists', () => {
    // given the table and the tests
    const listed = documentedTests();
    const here = testNames('tests/stacks/infrastructure-security.test.ts').filter((n) => !n.startsWith('lists every control test'));
    // then: both ways
    expect(
      listed
        .filter((r) => r.file.endsWith('infrastructure-security.test.ts'))
        .map((r) => r.name)
        .sort(),
    ).toEqual([...new Set(here)].sort());
    for (const row of listed) expect(testNames(row.file)).toContain(row.name);
  });
});
