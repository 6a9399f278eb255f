import { Testing } from '../../../constructs/framework';
import { Folder } from '../../../constructs/grafana/bindings';
import { GRAFANA_PROVIDER_VERSION_CONSTRAINT, GrafanaProvider } from '../../../constructs/grafana/grafana-provider';
import { GRAFANA_PROVIDER_VERSION } from '../../../scripts/generate-grafana-bindings';
import { scratchStack, type Json } from './helpers';

let out: Json;

beforeAll(() => {
  // given a provider with a trailing slash in its url and an overridden constraint, synthesized once
  out = JSON.parse(
    Testing.synthScope((scope) => {
      new GrafanaProvider(scope, 'Grafana', { url: 'https://grafana.test/', versionConstraint: '>= 4.45.1, < 5' });
      new Folder(scope, 'F', { title: 't' });
    }),
  ) as Json;
});

describe('GrafanaProvider', () => {
  test('writes the registry source and the version constraint into required_providers', () => {
    // then
    expect(out.terraform.required_providers.grafana).toEqual({ source: 'grafana/grafana', version: '>= 4.45.1, < 5' });
  });

  test('the default constraint accepts the schema version the bindings were generated from and its later 4.x releases', () => {
    // given the generated schema's version, e.g. 4.45.1
    const [major, minor] = GRAFANA_PROVIDER_VERSION.split('.');
    // then: "~> major.minor" pins the major version and starts at the bindings' minor version
    expect(GRAFANA_PROVIDER_VERSION_CONSTRAINT).toBe(`~> ${major}.${minor}`);
  });

  test('sets the url without credentials', () => {
    // then
    expect(out.provider.grafana).toEqual([{ url: 'https://grafana.test' }]);
  });

  test('rejects a url that is not http(s)', () => {
    // then
    expect(() => new GrafanaProvider(scratchStack(), 'G2', { url: 'grafana.test' })).toThrow(
      'grafana url must be an http(s) URL, got "grafana.test"',
    );
  });
});
