/**
 * The composition of one environment: every stack present, and the deploy order `cdktf deploy`
 * follows (network → regions → edge → monitoring; network → observability).
 */
import { Testing, type TerraformStack } from '../../constructs/framework';
import { loadEnvironmentOrThrow } from '../../environments/load';
import { loadCatalog } from '../../slos/load';
import { composeEnvironment } from '../../stacks/app';

const { catalog } = loadCatalog({ slosDir: 'slos' });
const env = loadEnvironmentOrThrow('example', catalog!);
const app = Testing.app();
composeEnvironment(app, { env, catalog: catalog! });
const stack = (name: string) => app.node.findChild(name) as TerraformStack;
const dependsOn = (name: string) => stack(name).dependencies.map((d) => d.node.id);

describe('composeEnvironment', () => {
  test('adds the network, one stack per region, the edge, monitoring and observability', () => {
    expect(app.node.children.map((c) => c.node.id).sort()).toEqual(
      [
        'example-network',
        ...env.gcp.regions.map((r) => `example-${r.name}`),
        'example-edge',
        'example-monitoring',
        'example-observability',
      ].sort(),
    );
  });

  test('deploys monitoring after the edge, so uptime checks do not page before the load balancer exists', () => {
    expect(dependsOn('example-monitoring')).toContain('example-edge');
  });

  test('deploys observability after the network stack that enables the secret manager api', () => {
    expect(dependsOn('example-observability')).toContain('example-network');
  });
});

describe('composeEnvironment with a state bucket', () => {
  test('deploys the state bootstrap stack before every other stack of the environment', () => {
    // given the production-shaped example, which names a state bucket
    const prod = loadEnvironmentOrThrow('production-example', catalog!);
    const prodApp = Testing.app();
    composeEnvironment(prodApp, { env: prod, catalog: catalog! });
    const byName = (name: string) => prodApp.node.findChild(name) as TerraformStack;
    const stateStack = `${prod.name}-state`;
    // then: the state stack depends on nothing, and every other stack reaches it through its dependencies
    const reaches = (name: string): boolean => byName(name).dependencies.some((d) => d.node.id === stateStack || reaches(d.node.id));
    expect(byName(stateStack).dependencies).toEqual([]);
    const others = prodApp.node.children.map((c) => c.node.id).filter((n) => n !== stateStack);
    expect(others.length).toBeGreaterThan(4);
    for (const name of others) expect(reaches(name)).toBe(true);
  });
});
