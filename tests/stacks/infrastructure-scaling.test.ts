/**
 * Scaling the environment by config only: a copy of the example environment with a fourth region
 * and a state bucket, synthesized once. The new region gets its Cloud Run service, NEG, Redis and
 * Cloud SQL replica with no code change, and every stack stores its state in the bucket.
 */
import { rmSync } from 'node:fs';
import { resourcesOf, onlyResource, synthesizeInfrastructure, type SynthesizedInfrastructure } from '../constructs/google/tf-json';
import { loadEnvironmentOrThrow } from '../../environments/load';
import { certificateDomains, names } from '../../environments/naming';
import type { EnvironmentConfig } from '../../environments/schema';

const ADDED = 'southamerica-east1';
let env: EnvironmentConfig;
let synth: SynthesizedInfrastructure;

beforeAll(() => {
  // given the example environment with one more region and a state bucket
  const example = loadEnvironmentOrThrow('example');
  env = {
    ...example,
    gcp: {
      ...example.gcp,
      stateBucket: 'example-platform-tfstate',
      regions: [...example.gcp.regions, { name: ADDED, primary: false, subnetCidr: '10.40.0.0/20' }],
    },
  };
  // when it is synthesized
  synth = synthesizeInfrastructure(env);
});
afterAll(() => rmSync(synth.outdir, { recursive: true, force: true }));

describe('adding a region to the config', () => {
  const added = () => synth.stacks[`${env.name}-${ADDED}`];

  test('adds a stack for the region with its Cloud Run service, Redis and Cloud SQL replica', () => {
    // then
    expect(onlyResource(added(), 'google_cloud_run_v2_service')).toMatchObject({
      name: names.cloudRunService(env, ADDED),
      location: ADDED,
    });
    expect(onlyResource(added(), 'google_redis_instance')).toMatchObject({
      name: names.redis(env, ADDED),
      region: ADDED,
      tier: 'STANDARD_HA',
    });
    expect(onlyResource(added(), 'google_sql_database_instance')).toMatchObject({
      name: names.sqlReplica(env, ADDED),
      region: ADDED,
      master_instance_name: names.sqlPrimary(env),
    });
  });

  test('adds its subnet, serverless NEG, regional backend service and host', () => {
    // then
    const network = synth.stacks[`${env.name}-network`];
    const edge = synth.stacks[`${env.name}-edge`];
    expect(resourcesOf(network, 'google_compute_subnetwork').map((s) => s.region)).toContain(ADDED);
    expect(resourcesOf(edge, 'google_compute_region_network_endpoint_group').map((n) => n.name)).toContain(names.neg(env, ADDED));
    expect(resourcesOf(edge, 'google_compute_backend_service').map((b) => b.name)).toContain(names.regionalBackendService(env, ADDED));
    const global = resourcesOf(edge, 'google_compute_backend_service').find((b) => b.name === names.backendService(env));
    expect(global?.backend).toHaveLength(4);
    expect((onlyResource(edge, 'google_compute_managed_ssl_certificate').managed as { domains: string[] }).domains).toEqual(
      certificateDomains(env),
    );
  });

  test('renames the certificate, because managed certificate domains cannot change in place', () => {
    // then
    expect(names.managedCertificate(env)).not.toBe(names.managedCertificate(loadEnvironmentOrThrow('example')));
  });
});

describe('state backend', () => {
  test('stores the state of every stack in the configured bucket under its own prefix, but the bootstrap stack that creates it', () => {
    // then: the bootstrap stack keeps its own state locally (tests/stacks/infrastructure-security.test.ts)
    for (const [name, stack] of Object.entries(synth.stacks).filter(([n]) => n !== `${env.name}-state`)) {
      expect(stack.terraform?.backend).toEqual({ gcs: { bucket: 'example-platform-tfstate', prefix: `${env.gcp.statePrefix}/${name}` } });
    }
  });
});
