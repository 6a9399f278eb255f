/** The `grafana/grafana` Terraform provider of a stack, with its version pinned. */
import { Construct, TerraformStack } from '../framework';
import { GeneratedGrafanaProvider } from './bindings';

/**
 * Version constraint of the `grafana/grafana` provider. The bindings were generated from the
 * v4.45.1 schema; `~> 4.45` accepts later 4.x releases, which only add to that schema.
 */
export const GRAFANA_PROVIDER_VERSION_CONSTRAINT = '~> 4.45';

/** Registry address of the provider. */
export const GRAFANA_PROVIDER_SOURCE = 'grafana/grafana';

/** Props of {@link GrafanaProvider}. */
export interface GrafanaProviderProps {
  /**
   * Base URL of the Grafana instance, e.g. `https://grafana.example.com`.
   */
  readonly url: string;
  /**
   * Terraform version constraint written into `required_providers.grafana.version`.
   *
   * @default GRAFANA_PROVIDER_VERSION_CONSTRAINT — the 4.x line the bindings were generated from.
   */
  readonly versionConstraint?: string;
}

/**
 * Configures the Grafana provider. It carries no credentials: the provider reads a service
 * account token (or `user:password`) from the `GRAFANA_AUTH` environment variable at plan and
 * apply time, so no secret is ever part of the synthesized configuration.
 */
export class GrafanaProvider extends Construct {
  /** The provider; pass it to resources that need an explicit provider. */
  readonly provider: GeneratedGrafanaProvider;

  constructor(scope: Construct, id: string, props: GrafanaProviderProps) {
    super(scope, id);
    if (!/^https?:\/\/[^/]/.test(props.url)) throw new Error(`grafana url must be an http(s) URL, got ${JSON.stringify(props.url)}`);
    this.provider = new GeneratedGrafanaProvider(this, 'Resource', { url: props.url.replace(/\/+$/, '') });
    // The generated class carries only the fully qualified source the schema was keyed by; write
    // the registry's short form, as `terraform init` prints it, and our version constraint.
    const stack = TerraformStack.of(this);
    stack.addOverride('terraform.required_providers.grafana.source', GRAFANA_PROVIDER_SOURCE);
    stack.addOverride('terraform.required_providers.grafana.version', props.versionConstraint ?? GRAFANA_PROVIDER_VERSION_CONSTRAINT);
  }
}
