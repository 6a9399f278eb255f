/** Shared helpers of the Grafana construct tests: a throwaway stack and the synthesized JSON's resources. */
import { Testing, TerraformStack } from '../../../constructs/framework';
import { GrafanaProvider } from '../../../constructs/grafana/grafana-provider';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped
export type Json = Record<string, any>;

/** A stack with a Grafana provider, for constructs that are only constructed (never synthesized). */
export function scratchStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'scratch');
  new GrafanaProvider(stack, 'Grafana', { url: 'https://grafana.test' });
  return stack;
}

/** The resources of `type` in synthesized stack JSON. */
export function resourcesOf(json: Json, type: string): Json[] {
  return Object.values((json.resource?.[type] ?? {}) as Record<string, Json>);
}
