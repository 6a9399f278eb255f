/**
 * The resource names of an environment against the rules of the APIs that receive them: the
 * example's names all pass, and the combinations the schema cannot see (a long environment with a
 * long service name, two regions with one short code) are refused before any stack is built.
 */
import { App } from '../../constructs/framework';
import { loadEnvironmentOrThrow } from '../../environments/load';
import { nameProblems, names, regionCode } from '../../environments/naming';
import type { EnvironmentConfig } from '../../environments/schema';
import { loadCatalog } from '../../slos/load';
import type { SloCatalog } from '../../slos/model';
import { addInfrastructureStacks } from '../../stacks/infrastructure';

const example = loadEnvironmentOrThrow('example');

/** A modified copy of the example environment. */
function withEnv(change: (e: EnvironmentConfig) => void): EnvironmentConfig {
  const env = structuredClone(example);
  change(env);
  return env;
}

describe('nameProblems', () => {
  test('finds nothing wrong with the example environment', () => {
    expect(nameProblems(example)).toEqual([]);
  });

  test('rejects a Cloud Run service name longer than the 49 characters Cloud Run allows', () => {
    // given the longest environment and service names the schema admits
    const env = withEnv((e) => {
      e.name = 'a-very-long-env-name1';
      e.service.name = 'x'.repeat(30);
    });
    // when / then every region's service is named in the problem
    const problems = nameProblems(env);
    expect(problems).toHaveLength(env.gcp.regions.length);
    expect(problems[0]).toBe(
      `cloud run service name ${names.cloudRunService(env, 'europe-west1')} (57 characters) breaks its rule: lower-case RFC 1035, at most 49 characters`,
    );
  });

  test('rejects two regions that share a short code', () => {
    // given asia-south1 and asia-southeast1, both shortened to ass1
    expect(regionCode('asia-south1')).toBe(regionCode('asia-southeast1'));
    const env = withEnv((e) => {
      e.gcp.regions.push(
        { name: 'asia-south1', primary: false, subnetCidr: '10.40.0.0/20' },
        { name: 'asia-southeast1', primary: false, subnetCidr: '10.50.0.0/20' },
      );
    });
    // then
    expect(nameProblems(env)).toEqual([
      'regions asia-south1 and asia-southeast1 share the short code ass1, so their resource names would collide',
    ]);
  });

  test('never ends a service account id with a dash when cutting it to 30 characters', () => {
    // given names whose 30th character is a dash
    const env = withEnv((e) => {
      e.name = 'abcdefghijklmnopqrst';
      e.service.name = 'abcdefgh';
    });
    // then the id is cut before the dash and still valid
    expect(names.serviceAccount(env)).toBe('abcdefghijklmnopqrst-abcdefgh');
    expect(nameProblems(env)).toEqual([]);
  });

  test('fails the infrastructure synthesis on an invalid name, before any stack is built', () => {
    const env = withEnv((e) => {
      e.name = 'a-very-long-env-name1';
      e.service.name = 'x'.repeat(30);
    });
    const catalog = loadCatalog({ slosDir: 'slos' }).catalog as SloCatalog;
    expect(() => addInfrastructureStacks(new App({ outdir: '/tmp/unused' }), { env, catalog })).toThrow(
      /environment a-very-long-env-name1: cloud run service name/,
    );
  });
});
