/**
 * The Google provider of one stack, pinned to the environment's project, with labels every
 * resource of the platform carries (so billing and inventory can group by environment).
 */
import type { EnvironmentConfig } from '../../environments/schema';
import type { Construct } from '../framework';
import { GoogleProvider } from './bindings';

/** Labels put on every labelable resource of an environment (provider `default_labels`). */
export function defaultLabels(env: EnvironmentConfig): Record<string, string> {
  return { environment: env.name, 'managed-by': 'cdktf', platform: 'slo-platform' };
}

/**
 * Adds the Google provider to `scope` (a stack) for `env`, its default region `region` (the
 * primary region when omitted). Credentials come from the deploying environment (ADC); nothing
 * here needs them, so synthesis stays offline.
 */
export function addGoogleProvider(scope: Construct, env: EnvironmentConfig, region: string): GoogleProvider {
  return new GoogleProvider(scope, 'google', { project: env.gcp.project, region, defaultLabels: defaultLabels(env) });
}
