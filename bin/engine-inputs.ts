/**
 * What `slo generate` and `slo test` render besides the specs: the layers and the alert links.
 * Without `--env` the engine runs alone (no layer); `--env NAME|FILE` adds the platform layer and
 * the environment's links. `--runbook-base-url` and `--grafana-url` set (or override) the links.
 */
import type { AlertLinks } from '../alerts/prometheus/policy';
import { loadEnvironment } from '../environments/load';
import type { EnvironmentConfig } from '../environments/schema';
import { ENGINE_ALONE, type EngineInputs } from '../layers/layer';
import { platformEngineInputs } from '../layers/platform/layer';
import type { SloCatalog } from '../slos/model';
import type { Problem } from '../slos/problems';
import { hasTemplateDelimiter, hasUserInfo, NO_TEMPLATE_MESSAGE, NO_USER_INFO_MESSAGE, shownValue } from '../slos/text-policy';
import { UsageError } from './io';

/** The options every command that renders takes, for `parseCommandArgs`. */
export const ENGINE_OPTIONS = Object.freeze({
  env: { type: 'string' },
  'grafana-url': { type: 'string' },
  'runbook-base-url': { type: 'string' },
} as const);

/** Help lines of those options. */
export const ENGINE_HELP = `  --env NAME|FILE         add the platform layer of an environment (environments/NAME.yaml or
                          a file): symptom alerts, saturation panels, region variables, links
                          (default: none; the specs alone)
  --grafana-url URL       Grafana base URL for alerts' dashboard_url (default: the environment's,
                          else no dashboard_url)
  --runbook-base-url URL  base of runbook links for alerts without their own runbookUrl
                          (default: the environment's, else no runbook_url)`;

/** Parsed values of those options. */
export interface EngineOptionValues {
  readonly env?: string;
  readonly 'grafana-url'?: string;
  readonly 'runbook-base-url'?: string;
}

/**
 * The links the flags give. A flag is held to the policy of the same link in an environment file
 * (slos/text-policy.ts): an http(s) URL, without user info (it would be copied into every rule
 * file and dashboard, and a message never shows it) and without Go template delimiters (the
 * servers would run them in every alert). Anything else is a usage error.
 */
export function flagLinks(values: EngineOptionValues): AlertLinks {
  const url = (flag: 'grafana-url' | 'runbook-base-url') => {
    const v = values[flag];
    if (v === undefined) return undefined;
    let parsed: URL | undefined;
    try {
      parsed = new URL(v);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol)) throw new UsageError(`--${flag} must be an http or https url; got ${shownValue(v)}`);
    if (hasUserInfo(v)) throw new UsageError(`--${flag} ${NO_USER_INFO_MESSAGE}; got ${shownValue(v)}`);
    if (hasTemplateDelimiter(v)) throw new UsageError(`--${flag} ${NO_TEMPLATE_MESSAGE}; got ${shownValue(v)}`);
    return v;
  };
  const grafanaUrl = url('grafana-url');
  const runbookBaseUrl = url('runbook-base-url');
  return { ...(grafanaUrl === undefined ? {} : { grafanaUrl }), ...(runbookBaseUrl === undefined ? {} : { runbookBaseUrl }) };
}

/** The engine inputs of the flags (and the environment, with `--env`), or the environment's problems. */
export function engineInputs(
  values: EngineOptionValues,
  catalog: SloCatalog,
): { inputs?: EngineInputs; env?: EnvironmentConfig; problems: Problem[] } {
  const links = flagLinks(values);
  if (values.env === undefined) return { inputs: { ...ENGINE_ALONE, links }, problems: [] };
  const { env, platform, problems } = loadEnvironment(values.env, catalog);
  if (!env || !platform) return { problems };
  return { inputs: platformEngineInputs(catalog, env, platform, links), env, problems: [] };
}

/** The arguments that pass the same options on to another command (`slo test` runs `slo generate`). */
export function engineArgs(values: EngineOptionValues): string[] {
  return Object.keys(ENGINE_OPTIONS).flatMap((k) => {
    const v = values[k as keyof EngineOptionValues];
    return v === undefined ? [] : [`--${k}`, v];
  });
}
