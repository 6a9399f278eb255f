/**
 * The Managed Service for Prometheus sidecar's RunMonitoring configuration: what it scrapes and
 * the labels it writes, and the example in docs/managed-prometheus.md, which must be the
 * configuration the example environment's primary region gets.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadEnvironmentOrThrow } from '../../../environments/load';
import { primaryRegion } from '../../../environments/naming';
import { PROTECTED_LABELS, runMonitoringConfig, runMonitoringYaml } from '../../../layers/platform/run-monitoring';

const env = loadEnvironmentOrThrow('example');

describe('RunMonitoring configuration', () => {
  test.each(env.gcp.regions.map((r) => r.name))('labels every series scraped in %s with that region', (region) => {
    // when
    const [endpoint] = runMonitoringConfig(env, region).spec.endpoints;
    // then
    expect(endpoint!.metricRelabeling).toEqual([{ action: 'replace', targetLabel: 'region', replacement: region }]);
  });

  test('relabels no label the sidecar protects', () => {
    const targets = runMonitoringConfig(env, 'europe-west1').spec.endpoints.flatMap((e) => e.metricRelabeling.map((r) => r.targetLabel));
    expect(targets.filter((t) => PROTECTED_LABELS.includes(t))).toEqual([]);
  });

  test('serializes to YAML that reads back as the same configuration', () => {
    const config = runMonitoringConfig(env, 'us-central1');
    expect(parse(runMonitoringYaml(config))).toEqual(config);
  });

  test("is, for the example's primary region, the configuration docs/managed-prometheus.md shows", () => {
    // given the YAML block of the section "The RunMonitoring configuration"
    const doc = readFileSync('docs/managed-prometheus.md', 'utf8');
    const section = doc.slice(doc.indexOf('## The RunMonitoring configuration'));
    const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    // then
    expect(section).toContain(`\`${primaryRegion(env).name}\``);
    expect(parse(block ?? '')).toEqual(runMonitoringConfig(env, primaryRegion(env).name));
  });
});
