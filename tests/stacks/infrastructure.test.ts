/**
 * The infrastructure stacks of the example environment, asserted on the synthesized Terraform
 * JSON: every control per region, and the controls checkov's GCP checks look for (IDs in the test
 * names). The app is synthesized once for the whole file.
 */
import { rmSync } from 'node:fs';
import {
  at,
  onlyResource,
  resourcesOf,
  synthesizeInfrastructure,
  type SynthesizedInfrastructure,
  type TfJson,
} from '../constructs/google/tf-json';
import { loadEnvironmentOrThrow } from '../../environments/load';
import { certificateDomains, names, primaryRegion, secondaryRegions } from '../../environments/naming';
import type { EnvironmentConfig } from '../../environments/schema';
import { parse } from 'yaml';
import { COLLECTOR_CONFIG_VOLUME, CONTAINER_NAMES } from '../../constructs/google/cloud-run-api-service';
import { platformSlos } from '../../environments/platform-slos';
import { apiScrapeIntervalSeconds, platformMetricsContract } from '../../layers/platform/metrics-contract';
import { REGION_LABEL } from '../../layers/platform/queries';
import {
  PROTECTED_LABELS,
  RUN_MONITORING_DIR,
  RUN_MONITORING_FILE,
  type RunMonitoring,
  runMonitoringConfig,
  runMonitoringYaml,
} from '../../layers/platform/run-monitoring';
import { formatDuration } from '../../slos/duration';
import { loadCatalog } from '../../slos/load';

let env: EnvironmentConfig;
let synth: SynthesizedInfrastructure;
let network: TfJson;
let edge: TfJson;
const regionStack = (region: string): TfJson => synth.stacks[`${env.name}-${region}`]!;
const primary = (): string => primaryRegion(env).name;
const regionNames = (): string[] => env.gcp.regions.map((r) => r.name);
/** The resources of `type` a construct made, by the prefix of their Terraform ids (the construct path). */
const constructResources = (stack: TfJson, type: string, idPrefix: string): Record<string, unknown>[] =>
  Object.entries(stack.resource?.[type] ?? {})
    .filter(([id]) => id.startsWith(idPrefix))
    .map(([, r]) => r);

beforeAll(() => {
  // given the example environment, synthesized once
  env = loadEnvironmentOrThrow('example');
  synth = synthesizeInfrastructure(env);
  network = synth.stacks['example-network']!;
  edge = synth.stacks['example-edge']!;
});
afterAll(() => rmSync(synth.outdir, { recursive: true, force: true }));

describe('stack layout', () => {
  test('synthesizes a network stack, one stack per configured region and an edge stack', () => {
    // then
    expect(Object.keys(synth.stacks).sort()).toEqual(
      ['example-network', 'example-edge', ...regionNames().map((r) => `example-${r}`)].sort(),
    );
  });

  test('uses the local state backend with one state file per stack when no bucket is configured', () => {
    // then
    for (const [name, stack] of Object.entries(synth.stacks)) {
      expect(stack.terraform?.backend).toEqual({ local: { path: `../../../terraform.${name}.tfstate` } });
    }
  });

  test('pins every provider to the environment project with the environment labels', () => {
    for (const stack of Object.values(synth.stacks)) {
      const [google] = (stack.provider as { google: Record<string, unknown>[] }).google;
      expect(google).toMatchObject({ project: env.gcp.project, default_labels: { environment: env.name } });
    }
  });
});

describe('network', () => {
  test('matches the reviewed snapshot of the whole network stack', () => {
    // then: a change here replaces or edits shared infrastructure, so it is reviewed as a whole
    expect(network).toMatchSnapshot();
  });

  test('creates a custom-mode VPC without auto subnets', () => {
    expect(onlyResource(network, 'google_compute_network')).toMatchObject({ name: names.network(env), auto_create_subnetworks: false });
  });

  test('creates one subnet per region with its configured range', () => {
    const subnets = resourcesOf(network, 'google_compute_subnetwork');
    expect(subnets.map((s) => [s.region, s.ip_cidr_range, s.name]).sort()).toEqual(
      env.gcp.regions.map((r) => [r.name, r.subnetCidr, names.subnet(env, r.name)]).sort(),
    );
  });

  test('enables flow logs and private Google access on every subnet (CKV_GCP_26, CKV_GCP_74, CKV_GCP_76)', () => {
    for (const s of resourcesOf(network, 'google_compute_subnetwork')) {
      expect(s.log_config).toMatchObject({ metadata: 'INCLUDE_ALL_METADATA' });
      expect(s.private_ip_google_access).toBe(true);
      expect(s.private_ipv6_google_access).toBe('ENABLE_OUTBOUND_VM_ACCESS_TO_GOOGLE');
    }
  });

  test('reserves a private services range and peers it with servicenetworking for Cloud SQL and Memorystore', () => {
    const range = onlyResource(network, 'google_compute_global_address');
    expect(range).toMatchObject({
      name: names.privateServicesRange(env),
      purpose: 'VPC_PEERING',
      address_type: 'INTERNAL',
      prefix_length: 16,
    });
    expect(onlyResource(network, 'google_service_networking_connection')).toMatchObject({
      service: 'servicenetworking.googleapis.com',
      reserved_peering_ranges: [expect.stringContaining('google_compute_global_address.')],
    });
  });

  test('creates the runtime service account with secretAccessor on exactly the referenced secrets', () => {
    expect(onlyResource(network, 'google_service_account')).toMatchObject({ account_id: names.serviceAccount(env) });
    const accessors = resourcesOf(network, 'google_secret_manager_secret_iam_member');
    const expected = [...new Set(env.service.secrets.map((s) => s.secret.replace(/\/versions\/[^/]+$/, '')))].sort();
    expect(accessors.map((a) => a.secret_id).sort()).toEqual(expected);
    expect(new Set(accessors.map((a) => a.role))).toEqual(new Set(['roles/secretmanager.secretAccessor']));
  });

  test('grants the runtime account no broad project role (no owner, editor or secret accessor on the project)', () => {
    const roles = resourcesOf(network, 'google_project_iam_member').map((m) => m.role);
    expect(roles).toContain('roles/cloudsql.client');
    expect(roles).not.toEqual(expect.arrayContaining(['roles/owner']));
    expect(roles.filter((r) => /owner|editor|secretAccessor/.test(String(r)))).toEqual([]);
  });
});

describe('Cloud SQL for PostgreSQL', () => {
  const sqlOf = (region: string) => onlyResource(regionStack(region), 'google_sql_database_instance');

  test('places the primary in the primary region with regional HA and deletion protection at both levels', () => {
    const sql = sqlOf(primary());
    expect(sql).toMatchObject({
      name: names.sqlPrimary(env),
      region: primary(),
      database_version: env.database.version,
      deletion_protection: true,
      instance_type: 'CLOUD_SQL_INSTANCE',
      settings: { availability_type: 'REGIONAL', deletion_protection_enabled: true, edition: env.database.edition },
    });
    expect(sql.master_instance_name).toBeUndefined();
  });

  test('backs the primary up daily at the configured UTC time, keeps the configured count, with PITR (CKV_GCP_14)', () => {
    expect(at(sqlOf(primary()), 'settings.backup_configuration')).toEqual({
      enabled: true,
      start_time: env.database.backupStartTime,
      point_in_time_recovery_enabled: true,
      transaction_log_retention_days: env.database.transactionLogRetentionDays,
      backup_retention_settings: { retained_backups: env.database.backupRetentionDays, retention_unit: 'COUNT' },
    });
  });

  test('creates a cross-region read replica of the primary in every secondary region, same version and edition', () => {
    for (const r of secondaryRegions(env)) {
      expect(sqlOf(r.name)).toMatchObject({
        name: names.sqlReplica(env, r.name),
        region: r.name,
        master_instance_name: names.sqlPrimary(env),
        instance_type: 'READ_REPLICA_INSTANCE',
        database_version: env.database.version,
        deletion_protection: true,
        settings: { edition: env.database.edition, tier: env.database.tier, deletion_protection_enabled: true },
      });
    }
  });

  test('gives replicas no backup configuration, because Cloud SQL does not back up read replicas', () => {
    // gcp.md §1: "Replicas: no backup_configuration"; CKV_GCP_14 skips replicas
    for (const r of secondaryRegions(env)) {
      expect(at(sqlOf(r.name), 'settings.backup_configuration')).toBeUndefined();
      expect(at(sqlOf(r.name), 'settings.retain_backups_on_delete')).toBeUndefined();
    }
  });

  test('sets the maintenance window on the primary only, because read replicas do not take one', () => {
    // then the primary has the configured window (day 1–7 from Monday, hour 0–23 UTC: provider doc of maintenance_window)
    expect(at(sqlOf(primary()), 'settings.maintenance_window')).toEqual({
      day: env.database.maintenanceDay,
      hour: env.database.maintenanceHourUtc,
      update_track: 'stable',
    });
    // and no replica has one (Cloud SQL instance settings: read replicas do not support the maintenance window setting)
    for (const r of secondaryRegions(env)) expect(at(sqlOf(r.name), 'settings.maintenance_window')).toBeUndefined();
  });

  test('gives every instance a private IP only: no public IPv4, no authorized networks (CKV_GCP_60, CKV_GCP_11)', () => {
    for (const region of regionNames()) {
      const ip = at(sqlOf(region), 'settings.ip_configuration') as Record<string, unknown>;
      expect(ip).toMatchObject({
        ipv4_enabled: false,
        private_network: `projects/${env.gcp.project}/global/networks/${names.network(env)}`,
        allocated_ip_range: names.privateServicesRange(env),
      });
      expect(ip.authorized_networks).toBeUndefined();
    }
  });

  test('requires TLS with trusted client certificates on every instance (CKV_GCP_6)', () => {
    for (const region of regionNames()) {
      expect(at(sqlOf(region), 'settings.ip_configuration.ssl_mode')).toBe('TRUSTED_CLIENT_CERTIFICATE_REQUIRED');
    }
  });

  test('turns on query insights on every instance', () => {
    for (const region of regionNames()) expect(at(sqlOf(region), 'settings.insights_config.query_insights_enabled')).toBe(true);
  });

  test.each([
    ['CKV_GCP_51', 'log_checkpoints', 'on'],
    ['CKV_GCP_52', 'log_connections', 'on'],
    ['CKV_GCP_53', 'log_disconnections', 'on'],
    ['CKV_GCP_54', 'log_lock_waits', 'on'],
    ['CKV_GCP_55', 'log_min_messages', 'warning'],
    ['CKV_GCP_56', 'log_temp_files', '0'],
    ['CKV_GCP_57', 'log_min_duration_statement', '-1'],
    ['CKV_GCP_108', 'log_hostname', 'on'],
    ['CKV_GCP_109', 'log_min_error_statement', 'error'],
    ['CKV_GCP_110', 'cloudsql.enable_pgaudit', 'on'],
    ['CKV_GCP_111', 'log_statement', 'ddl'],
    ['CKV2_GCP_13', 'log_duration', 'on'],
    ['CIS 6.2.1', 'log_error_verbosity', 'default'],
  ])('sets the database flag for %s (%s = %s) on every instance', (_check, flag, value) => {
    for (const region of regionNames()) {
      const flags = at(sqlOf(region), 'settings.database_flags') as { name: string; value: string }[];
      expect(flags).toContainEqual({ name: flag, value });
    }
  });

  test('never turns on the statistics flags (CKV2_GCP_14, CKV2_GCP_15, CKV2_GCP_16, CKV2_GCP_17)', () => {
    for (const region of regionNames()) {
      const flags = at(sqlOf(region), 'settings.database_flags') as { name: string; value: string }[];
      const stats = flags.filter((f) => /^log_(executor|parser|planner|statement)_stats$/.test(f.name) && f.value === 'on');
      expect(stats).toEqual([]);
    }
  });

  test('sets max_connections from the config on the primary and every replica', () => {
    for (const region of regionNames()) {
      const flags = at(sqlOf(region), 'settings.database_flags') as { name: string; value: string }[];
      expect(flags).toContainEqual({ name: 'max_connections', value: String(env.database.maxConnections) });
    }
  });
});

describe('Memorystore for Redis', () => {
  test('creates a Standard-tier instance in every region through private services access', () => {
    for (const region of regionNames()) {
      expect(onlyResource(regionStack(region), 'google_redis_instance')).toMatchObject({
        name: names.redis(env, region),
        region,
        tier: 'STANDARD_HA',
        memory_size_gb: env.redis.memorySizeGb,
        connect_mode: 'PRIVATE_SERVICE_ACCESS',
        reserved_ip_range: names.privateServicesRange(env),
      });
    }
  });

  test('requires AUTH (CKV_GCP_95) and TLS (CKV_GCP_97) on every instance', () => {
    for (const region of regionNames()) {
      expect(onlyResource(regionStack(region), 'google_redis_instance')).toMatchObject({
        auth_enabled: true,
        transit_encryption_mode: 'SERVER_AUTHENTICATION',
      });
    }
  });

  test('keeps RDB persistence and a weekly maintenance window, and refuses destroy, on every instance', () => {
    for (const region of regionNames()) {
      const redis = onlyResource(regionStack(region), 'google_redis_instance');
      expect(redis.persistence_config).toEqual({ persistence_mode: 'RDB', rdb_snapshot_period: env.redis.rdbSnapshotPeriod });
      expect(at(redis, 'maintenance_policy.weekly_maintenance_window')).toEqual([
        { day: env.redis.maintenanceDay, start_time: { hours: env.redis.maintenanceHourUtc, minutes: 0 } },
      ]);
      expect(redis.lifecycle).toEqual({ prevent_destroy: true });
    }
  });
});

describe('Redis AUTH string', () => {
  test('is copied from each instance into a secret of its own region, readable only by the runtime account', () => {
    for (const region of regionNames()) {
      // given the region's stack and the resources of its Redis AUTH secret
      const stack = regionStack(region);
      const redisId = Object.keys(stack.resource!.google_redis_instance!)[0]!;
      const redisAuth = (type: string) => constructResources(stack, type, 'RedisAuthSecret_');
      // then
      expect(redisAuth('google_secret_manager_secret')).toEqual([
        expect.objectContaining({
          secret_id: names.redisAuthSecret(env, region),
          replication: { user_managed: { replicas: [{ location: region }] } },
        }),
      ]);
      expect(redisAuth('google_secret_manager_secret_version').map((v) => v.secret_data)).toEqual([
        `\${google_redis_instance.${redisId}.auth_string}`,
      ]);
      expect(redisAuth('google_secret_manager_secret_iam_member')).toEqual([
        expect.objectContaining({
          role: 'roles/secretmanager.secretAccessor',
          member: `serviceAccount:${names.serviceAccount(env)}@${env.gcp.project}.iam.gserviceaccount.com`,
        }),
      ]);
    }
  });

  test('reaches the service as REDIS_AUTH by reference to the secret version', () => {
    for (const region of regionNames()) {
      const run = onlyResource(regionStack(region), 'google_cloud_run_v2_service');
      const vars = (at(run, 'template.containers') as { env: { name: string; value_source?: unknown }[] }[])[0]!.env;
      expect(vars.find((v) => v.name === 'REDIS_AUTH')?.value_source).toEqual({
        secret_key_ref: {
          secret: expect.stringMatching(/^\$\{google_secret_manager_secret\..+\.id\}$/),
          version: expect.stringMatching(/^\$\{google_secret_manager_secret_version\..+\.version\}$/),
        },
      });
    }
  });
});

describe('Cloud Run', () => {
  const runOf = (region: string) => onlyResource(regionStack(region), 'google_cloud_run_v2_service');
  const containerOf = (region: string) => (at(runOf(region), 'template.containers') as Record<string, unknown>[])[0]!;

  test('runs the configured image and resources in every region', () => {
    const s = env.service;
    for (const region of regionNames()) {
      expect(runOf(region)).toMatchObject({
        name: names.cloudRunService(env, region),
        location: region,
        template: {
          max_instance_request_concurrency: s.concurrency,
          scaling: { min_instance_count: s.minInstances, max_instance_count: s.maxInstances },
          execution_environment: 'EXECUTION_ENVIRONMENT_GEN2',
          service_account: `${names.serviceAccount(env)}@${env.gcp.project}.iam.gserviceaccount.com`,
        },
      });
      expect(containerOf(region)).toMatchObject({
        image: s.image,
        ports: { container_port: s.port },
        resources: { limits: { cpu: s.cpu, memory: s.memory } },
      });
    }
  });

  test('probes the health endpoint at startup and for liveness', () => {
    for (const region of regionNames()) {
      const c = containerOf(region);
      expect(at(c, 'startup_probe.http_get')).toEqual({ path: env.service.healthPath, port: env.service.port });
      expect(at(c, 'liveness_probe.http_get')).toEqual({ path: env.service.healthPath, port: env.service.port });
    }
  });

  test('refuses the internet at its run.app URL and checks invoker IAM on every request', () => {
    for (const region of regionNames()) {
      expect(runOf(region)).toMatchObject({ ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER', invoker_iam_disabled: false });
    }
  });

  test('egresses to private ranges through the region subnet (direct VPC egress)', () => {
    for (const region of regionNames()) {
      expect(at(runOf(region), 'template.vpc_access')).toEqual({
        egress: 'PRIVATE_RANGES_ONLY',
        network_interfaces: [
          {
            network: `projects/${env.gcp.project}/global/networks/${names.network(env)}`,
            subnetwork: `projects/${env.gcp.project}/regions/${region}/subnetworks/${names.subnet(env, region)}`,
          },
        ],
      });
    }
  });

  test('fills every configured secret from Secret Manager by reference (secret and version parsed)', () => {
    for (const region of regionNames()) {
      const vars = containerOf(region).env as { name: string; value?: string; value_source?: unknown }[];
      for (const s of env.service.secrets) {
        const [, project, , name, , version] = s.secret.split('/');
        expect(vars).toContainEqual({
          name: s.env,
          value_source: { secret_key_ref: { secret: `projects/${project}/secrets/${name}`, version } },
        });
      }
    }
  });
});

describe('global external Application Load Balancer', () => {
  test('creates a serverless NEG for the Cloud Run service of every region', () => {
    const negs = resourcesOf(edge, 'google_compute_region_network_endpoint_group');
    expect(negs.map((n) => [n.name, n.region, n.network_endpoint_type, n.cloud_run]).sort()).toEqual(
      regionNames()
        .map((r) => [names.neg(env, r), r, 'SERVERLESS', { service: names.cloudRunService(env, r) }])
        .sort(),
    );
  });

  const backends = () => resourcesOf(edge, 'google_compute_backend_service');
  const globalBackend = () => backends().find((b) => b.name === names.backendService(env))!;

  test('puts every NEG behind one global EXTERNAL_MANAGED backend service with outlier detection, Cloud Armor and logging', () => {
    const b = globalBackend();
    expect(b).toMatchObject({ load_balancing_scheme: 'EXTERNAL_MANAGED', log_config: { enable: true, sample_rate: 1 } });
    expect(b.backend).toHaveLength(env.gcp.regions.length);
    expect(b.health_checks).toBeUndefined();
    expect(b.security_policy).toMatch(/^\$\{google_compute_security_policy\..+\.id\}$/);
    expect(b.outlier_detection).toMatchObject({ consecutive_errors: 5, consecutive_gateway_failure: 3, max_ejection_percent: 66 });
  });

  test('adds a backend service per region serving that region only, each with Cloud Armor', () => {
    for (const r of regionNames()) {
      const b = backends().find((x) => x.name === names.regionalBackendService(env, r));
      expect(b).toMatchObject({
        load_balancing_scheme: 'EXTERNAL_MANAGED',
        backend: [{ group: expect.stringContaining('google_compute_region_network_endpoint_group.') }],
      });
      expect(b?.security_policy).toBeDefined();
    }
  });

  test('routes each regional host to its regional backend and everything else to the global backend', () => {
    const map = resourcesOf(edge, 'google_compute_url_map').find((m) => m.name === names.urlMap(env))!;
    expect(map.default_service).toMatch(/google_compute_backend_service\.LoadBalancer_BackendService_/);
    const rules = map.host_rule as { hosts: string[]; path_matcher: string }[];
    const matchers = map.path_matcher as { name: string; default_service: string }[];
    expect(rules.map((h) => h.hosts)).toEqual(regionNames().map((r) => [names.regionalHost(env, r)]));
    for (const [i, r] of regionNames().entries()) {
      const m = matchers.find((x) => x.name === rules[i]!.path_matcher)!;
      const regional = Object.entries(edge.resource!.google_compute_backend_service!).find(
        ([, b]) => b.name === names.regionalBackendService(env, r),
      )!;
      expect(m.default_service).toBe(`\${google_compute_backend_service.${regional[0]}.id}`);
    }
  });

  test('requests a managed certificate for the domain and every regional host', () => {
    const cert = onlyResource(edge, 'google_compute_managed_ssl_certificate');
    expect(at(cert, 'managed.domains')).toEqual(certificateDomains(env));
    expect(cert.lifecycle).toEqual({ create_before_destroy: true });
  });

  test('negotiates TLS 1.2 or later with the MODERN profile (CKV_GCP_4)', () => {
    expect(onlyResource(edge, 'google_compute_ssl_policy')).toMatchObject({ profile: 'MODERN', min_tls_version: 'TLS_1_2' });
    expect(onlyResource(edge, 'google_compute_target_https_proxy').ssl_policy).toMatch(/google_compute_ssl_policy/);
  });

  test('listens on 443 with EXTERNAL_MANAGED forwarding, not the classic EXTERNAL scheme (CKV2_GCP_38)', () => {
    const rules = resourcesOf(edge, 'google_compute_global_forwarding_rule');
    expect(rules.find((r) => r.port_range === '443')).toMatchObject({
      name: names.forwardingRule(env),
      load_balancing_scheme: 'EXTERNAL_MANAGED',
    });
    for (const r of rules) expect(r.load_balancing_scheme).toBe('EXTERNAL_MANAGED');
  });

  test('redirects plain HTTP on port 80 to HTTPS', () => {
    const redirect = resourcesOf(edge, 'google_compute_url_map').find((m) => m.name === names.redirectUrlMap(env));
    expect(redirect?.default_url_redirect).toMatchObject({ https_redirect: true });
    expect(resourcesOf(edge, 'google_compute_global_forwarding_rule').find((r) => r.port_range === '80')?.target).toMatch(
      /google_compute_target_http_proxy/,
    );
  });
});

describe('Cloud Armor', () => {
  const rulesOf = () => onlyResource(edge, 'google_compute_security_policy').rule as Record<string, unknown>[];

  test('denies Log4j probes with the cve-canary rule, not in preview (CKV_GCP_73)', () => {
    const canary = rulesOf().find((r) => String(at(r, 'match.expr.expression')).includes('cve-canary'));
    expect(canary).toMatchObject({ action: 'deny(403)', preview: false });
  });

  test('denies the preconfigured WAF attack classes', () => {
    const exprs = rulesOf().map((r) => String(at(r, 'match.expr.expression')));
    for (const set of ['sqli', 'xss', 'lfi', 'rfi', 'rce', 'scannerdetection', 'protocolattack', 'sessionfixation']) {
      expect(exprs.some((e) => e.includes(`'${set}-v33-stable'`))).toBe(true);
    }
  });

  test('leaves method enforcement out, so PUT, PATCH and DELETE reach the API', () => {
    // CRS 911100, the sensitivity-1 rule of methodenforcement-v33-stable, allows only GET, HEAD, POST and OPTIONS
    const exprs = rulesOf().map((r) => String(at(r, 'match.expr.expression')));
    expect(exprs.filter((e) => e.includes('methodenforcement'))).toEqual([]);
  });

  test('names only documented preconfigured WAF sets, each at sensitivity 1 and denied with 403', () => {
    // Cloud Armor preconfigured WAF rules, CRS 3.3: <set>-v33-stable
    const waf = rulesOf().filter((r) => String(at(r, 'match.expr.expression')).startsWith('evaluatePreconfiguredWaf'));
    for (const r of waf) {
      expect(at(r, 'match.expr.expression')).toMatch(
        /^evaluatePreconfiguredWaf\('(cve-canary|(sqli|xss|lfi|rfi|rce|scannerdetection|protocolattack|sessionfixation)-v33-stable)', \{'sensitivity': 1\}\)$/,
      );
      expect(r).toMatchObject({ action: 'deny(403)', preview: false });
    }
  });

  test('throttles each client IP above the configured requests per minute with 429, after the deny rules', () => {
    const rules = rulesOf();
    const throttle = rules.find((r) => r.action === 'throttle')!;
    expect(throttle.rate_limit_options).toEqual({
      conform_action: 'allow',
      exceed_action: 'deny(429)',
      enforce_on_key: 'IP',
      rate_limit_threshold: { count: env.rateLimit.edgeRequestsPerMinutePerClient, interval_sec: 60 },
    });
    // provider doc of exceed_action: "deny()" with status 403, 404, 429 or 502
    expect(String(at(throttle, 'rate_limit_options.exceed_action'))).toMatch(/^deny\((403|404|429|502)\)$/);
    const denies = rules.filter((r) => String(r.action).startsWith('deny'));
    expect(Math.max(...denies.map((r) => Number(r.priority)))).toBeLessThan(Number(throttle.priority));
  });

  test('ends with a default allow rule and turns on adaptive protection', () => {
    const policy = onlyResource(edge, 'google_compute_security_policy');
    expect(rulesOf().find((r) => r.priority === 2147483647)).toMatchObject({
      action: 'allow',
      match: { config: { src_ip_ranges: ['*'] } },
    });
    expect(at(policy, 'adaptive_protection_config.layer_7_ddos_defense_config.enable')).toBe(true);
  });
});

describe('Managed Service for Prometheus collector', () => {
  const runOf = (region: string) => onlyResource(regionStack(region), 'google_cloud_run_v2_service');
  const containers = (region: string) => at(runOf(region), 'template.containers') as Record<string, unknown>[];
  const collectorSecret = (region: string, type: string) => constructResources(regionStack(region), type, 'CollectorConfig_');
  const idOf = (region: string, type: string) =>
    Object.keys(regionStack(region).resource![type]!).find((id) => id.startsWith('CollectorConfig_'))!;

  test('runs the collector beside the API in every region, started after the API passes its startup probe', () => {
    for (const region of regionNames()) {
      // then the API container (the only one with a port) comes first, the collector depends on it
      const [api, collector, ...more] = containers(region);
      expect(more).toEqual([]);
      expect(api).toMatchObject({ name: CONTAINER_NAMES.api, image: env.service.image, ports: { container_port: env.service.port } });
      expect(collector).toMatchObject({
        name: CONTAINER_NAMES.collector,
        image: env.managedPrometheus.collectorImage,
        depends_on: [CONTAINER_NAMES.api],
        resources: { limits: { cpu: env.managedPrometheus.collectorCpu, memory: env.managedPrometheus.collectorMemory } },
      });
      expect(collector!.ports).toBeUndefined();
    }
  });

  test('keeps CPU allocated outside requests on both containers, as Google recommends for the collector', () => {
    for (const region of regionNames()) {
      expect(containers(region).map((c) => at(c, 'resources.cpu_idle'))).toEqual([false, false]);
    }
  });

  test("mounts the region's RunMonitoring secret, pinned to its version, where the collector reads it", () => {
    for (const region of regionNames()) {
      // given the ids of the region's collector configuration secret and version
      const secret = idOf(region, 'google_secret_manager_secret');
      const version = idOf(region, 'google_secret_manager_secret_version');
      // then
      expect(at(runOf(region), 'template.volumes')).toEqual([
        {
          name: COLLECTOR_CONFIG_VOLUME,
          secret: {
            secret: `\${google_secret_manager_secret.${secret}.id}`,
            items: [{ path: RUN_MONITORING_FILE, version: `\${google_secret_manager_secret_version.${version}.version}` }],
          },
        },
      ]);
      expect(containers(region)[1]!.volume_mounts).toEqual([{ name: COLLECTOR_CONFIG_VOLUME, mount_path: RUN_MONITORING_DIR }]);
    }
  });

  test('keeps the configuration in a secret of its own region that only the runtime account reads', () => {
    for (const region of regionNames()) {
      expect(collectorSecret(region, 'google_secret_manager_secret')).toEqual([
        expect.objectContaining({
          secret_id: names.collectorConfigSecret(env, region),
          replication: { user_managed: { replicas: [{ location: region }] } },
        }),
      ]);
      expect(collectorSecret(region, 'google_secret_manager_secret_iam_member')).toEqual([
        expect.objectContaining({
          role: 'roles/secretmanager.secretAccessor',
          member: `serviceAccount:${names.serviceAccount(env)}@${env.gcp.project}.iam.gserviceaccount.com`,
        }),
      ]);
    }
  });

  test('scrapes the API metrics endpoint of the environment as job <service>, at the interval the contract assumes, labelled with its region', () => {
    for (const region of regionNames()) {
      // given the configuration text written into the region's secret
      const [version] = collectorSecret(region, 'google_secret_manager_secret_version');
      const config = parse(version!.secret_data as string) as RunMonitoring;
      // then
      expect(config).toMatchObject({ apiVersion: 'monitoring.googleapis.com/v1beta', kind: 'RunMonitoring' });
      expect(config.metadata.name).toBe(env.service.name);
      expect(config.spec.endpoints).toEqual([
        {
          port: String(env.service.port),
          path: env.prometheusServers.metricsPath,
          interval: formatDuration(apiScrapeIntervalSeconds()),
          metricRelabeling: [{ action: 'replace', targetLabel: REGION_LABEL, replacement: region }],
        },
      ]);
    }
  });

  test('gives every collected series the job and region labels the metrics contract promises', () => {
    // given the platform contract: the API metrics' job values and the target labels of every scraped series
    const contract = platformMetricsContract(env, platformSlos(env, loadCatalog({ slosDir: 'slos' }).catalog!));
    const jobs = new Set(contract.metrics.flatMap((m) => m.labels.filter((l) => l.name === 'job').flatMap((l) => l.values ?? [])));
    const config = runMonitoringConfig(env, primary());
    // then the sidecar's job is the API's job, and region is written by a relabeling the sidecar allows
    expect(jobs).toContain(config.metadata.name);
    expect(contract.targetLabels).toContain(REGION_LABEL);
    expect(config.spec.endpoints[0]!.metricRelabeling.map((r) => r.targetLabel)).toEqual([REGION_LABEL]);
    expect(PROTECTED_LABELS).not.toContain(REGION_LABEL);
  });

  test('lets the runtime account write the collected metrics (roles/monitoring.metricWriter)', () => {
    expect(resourcesOf(network, 'google_project_iam_member')).toContainEqual(
      expect.objectContaining({
        role: 'roles/monitoring.metricWriter',
        member: expect.stringMatching(/^serviceAccount:\$\{google_service_account\..+\.email\}$/),
      }),
    );
  });

  test('scrapes managedPrometheus.metricsPort when the environment sets one', () => {
    // given the environment with a separate metrics port
    const withPort = { ...env, managedPrometheus: { ...env.managedPrometheus, metricsPort: 9464 } };
    // then
    expect(runMonitoringConfig(withPort, primary()).spec.endpoints[0]!.port).toBe('9464');
  });
});

describe('secrets', () => {
  const SECRET_LOOKING_KEY = /password|passwd|secret_data|auth_string|private_key|api_key|access_token|credentials/i;
  const SECRET_LOOKING_VALUE = /-----BEGIN|AKIA[0-9A-Z]{16}|xox[abp]-|ghp_[A-Za-z0-9]{20}|sk_live_/;

  const TF_REFERENCE = /^\$\{[a-z0-9_]+\.[A-Za-z0-9_-]+\.[a-z0-9_.[\]]+\}$/;

  test('writes no secret-looking key or value into any synthesized file, only references to generated attributes', () => {
    // given every file of the output directory; the one literal secret_data allowed is the collector's
    // RunMonitoring configuration of a region, exactly as rendered from the environment
    const COLLECTOR_CONFIGS = new Set(regionNames().map((r) => runMonitoringYaml(runMonitoringConfig(env, r))));
    const offenders: string[] = [];
    for (const [file, text] of Object.entries(synth.files)) {
      // when each is scanned for keys and values that look like secrets
      const walk = (v: unknown, path: string): void => {
        if (typeof v === 'string' && SECRET_LOOKING_VALUE.test(v)) offenders.push(`${file}:${path}`);
        else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
        else if (v && typeof v === 'object') {
          for (const [k, x] of Object.entries(v)) {
            // a secret-looking key may only hold a reference to another resource's attribute
            if (SECRET_LOOKING_KEY.test(k) && !(typeof x === 'string' && (TF_REFERENCE.test(x) || COLLECTOR_CONFIGS.has(x))))
              offenders.push(`${file}:${path}.${k}`);
            walk(x, `${path}.${k}`);
          }
        }
      };
      walk(file.endsWith('.json') ? JSON.parse(text) : text, '');
    }
    // then nothing is found
    expect(offenders).toEqual([]);
  });

  test('mentions secrets only as Secret Manager references, never as plain environment values', () => {
    // given the secret names of the config
    const refs = env.service.secrets.map((s) => s.secret);
    const all = Object.values(synth.files).join('\n');
    // then every appearance of a secret path is a reference, and no variable of a secret has a literal value
    for (const m of all.matchAll(/"([^"]*secrets\/[^"]*)"/g)) {
      expect(m[1]).toMatch(/^projects\/[a-z][a-z0-9-]+\/secrets\/[A-Za-z0-9_-]+(\/versions\/(latest|\d+))?$/);
    }
    for (const region of regionNames()) {
      const vars = (
        at(onlyResource(regionStack(region), 'google_cloud_run_v2_service'), 'template.containers') as {
          env: { name: string; value?: string }[];
        }[]
      )[0]!.env;
      for (const s of env.service.secrets) expect(vars.find((v) => v.name === s.env)?.value).toBeUndefined();
    }
    expect(refs.length).toBeGreaterThan(0);
  });
});
