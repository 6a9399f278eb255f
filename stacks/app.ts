/**
 * Composes every stack of one environment into a cdktf App. Regions come from the config, so
 * adding a region is a config change only.
 */
import { type App, tokenLookalikes } from '../constructs/framework';
import type { EnvironmentConfig } from '../environments/schema';
import type { SloCatalog } from '../slos/model';
import { addInfrastructureStacks } from './infrastructure';
import { addMonitoringStack } from './monitoring';
import { addObservabilityStack } from './observability';
import { addStateBootstrapStack } from './state';

/** What the stacks of an environment are built from. */
export interface EnvironmentInputs {
  readonly env: EnvironmentConfig;
  readonly catalog: SloCatalog;
}

/** Adds the stacks of one environment to `app`. */
export function composeEnvironment(app: App, inputs: EnvironmentInputs): void {
  const lookalikes = [
    ...tokenLookalikes(inputs.env, 'environment'),
    // Not `source`: the positions of an SLO in its spec file are located when read (a second, slower
    // parse of the file), serve error messages only and never reach a construct.
    ...inputs.catalog.slos.flatMap(({ source: _positions, ...slo }) => tokenLookalikes(slo, `slo ${slo.id}`)),
  ];
  if (lookalikes.length > 0) {
    throw new Error(
      `${lookalikes.join(', ')}: cdktf would read this text as one of its own tokens (\`\${TfToken[…]}\` or an encoded number) and put an internal reference in its place; allowed: text without that syntax`,
    );
  }
  // The state bucket exists before any stack that keeps its state there is initialised.
  const state = addStateBootstrapStack(app, inputs.env);
  const infrastructure = addInfrastructureStacks(app, inputs);
  if (state) infrastructure.network.addDependency(state);
  // Uptime checks probe each region through the load balancer, so monitoring deploys after the
  // edge (otherwise every check fails, and pages, until the edge exists).
  addMonitoringStack(app, inputs).addDependency(infrastructure.edge);
  // The Grafana stack reads notification secrets through the Secret Manager API the network
  // stack enables.
  addObservabilityStack(app, inputs).addDependency(infrastructure.network);
}
