/** Prometheus artifacts of `slo generate`: rule files and promtool test files per service. */
import type { Artifact } from '../../slos/artifact';
import { serviceEvaluationInterval, slosOfService, type SloCatalog } from '../../slos/model';
import { ENGINE_ONLY, type RuleInputs } from './layer';
import { applyAlertPolicy } from './policy';
import type { RuleFile } from './rules';
import { ruleFileParts, testFileParts } from './serialize';
import { sloRuleGroup } from './slo-alerts';
import { promtoolTestFile } from './unit-tests';

/** Path of a service's rule file inside the output directory. */
export function ruleFilePath(service: string): string {
  return `prometheus/${service}.rules.yaml`;
}

/** Path of a service's promtool test file inside the output directory. */
export function testFilePath(service: string): string {
  return `prometheus/${service}.test.yaml`;
}

/**
 * The rule groups of one service, policy applied: per SLO one group (its SLI records, then its
 * alerts), then
 * the groups each layer adds (e.g. the platform's symptom group in its service's file). Every
 * group states the service's evaluation interval (`evaluationInterval` of its spec file), so
 * Prometheus evaluates it as the promtool scenarios and `slo explain` assume, whatever the
 * server's global default.
 */
export function serviceRuleFile(catalog: SloCatalog, service: string, inputs: RuleInputs = ENGINE_ONLY): RuleFile {
  const slos = slosOfService(catalog, service);
  const groups = slos.map(sloRuleGroup);
  for (const layer of inputs.layers) groups.push(...(layer.ruleGroups?.(service) ?? []));
  const interval = serviceEvaluationInterval(slos);
  return { groups: applyAlertPolicy(groups, inputs.links).map((g) => ({ ...g, interval })) };
}

/** `prometheus/<service>.rules.yaml` and `prometheus/<service>.test.yaml` for every service. */
export function prometheusArtifacts(catalog: SloCatalog, inputs: RuleInputs = ENGINE_ONLY): Artifact[] {
  return [...eachPrometheusArtifact(catalog, inputs)];
}

/** prometheusArtifacts one service at a time, rendered as they are taken (`slo generate` writes each before rendering the next). */
export function* eachPrometheusArtifact(catalog: SloCatalog, inputs: RuleInputs = ENGINE_ONLY): Generator<Artifact> {
  for (const service of catalog.services) yield* servicePrometheusArtifacts(catalog, service, inputs);
}

/**
 * The rule file and the promtool test file of one service. They depend on nothing but the
 * catalog, the service and the inputs: any subset of services can be rendered apart (`slo
 * generate` renders them in worker threads for large catalogs).
 */
export function servicePrometheusArtifacts(catalog: SloCatalog, service: string, inputs: RuleInputs = ENGINE_ONLY): [Artifact, Artifact] {
  const rules = serviceRuleFile(catalog, service, inputs);
  const tests = promtoolTestFile(
    service,
    slosOfService(catalog, service),
    inputs,
    ruleFilePath(service).split('/').pop()!,
    rules.groups.map((g) => g.name),
  );
  return [
    { path: ruleFilePath(service), content: ruleFileParts(rules) },
    { path: testFilePath(service), content: testFileParts(tests) },
  ];
}
