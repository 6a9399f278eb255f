/** Prometheus artifacts of `slo generate`: rule files and promtool test files per service. */
import type { EnvironmentConfig } from '../../environments/schema';
import type { Artifact } from '../../slos/artifact';
import { slosOfService, type SloCatalog } from '../../slos/model';
import { applyAlertPolicy } from './policy';
import type { RuleFile } from './rules';
import { ruleFileYaml, testFileYaml } from './serialize';
import { sliRecordingGroup } from './sli-rules';
import { sloAlertGroup } from './slo-alerts';
import { symptomGroup, symptomInputs, type SymptomInputs } from './symptoms';
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
 * The rule groups of one service, policy applied: per SLO its SLI group and its alert group, and
 * in the platform service's file the symptom group.
 */
export function serviceRuleFile(catalog: SloCatalog, service: string, env: EnvironmentConfig, symptoms?: SymptomInputs): RuleFile {
  const slos = slosOfService(catalog, service);
  const groups = slos.flatMap((slo) => [sliRecordingGroup(slo), sloAlertGroup(slo)]);
  if (symptoms && symptoms.service === service) groups.push(symptomGroup(symptoms));
  return { groups: applyAlertPolicy(groups, env) };
}

/** `prometheus/<service>.rules.yaml` and `prometheus/<service>.test.yaml` for every service. */
export function prometheusArtifacts(catalog: SloCatalog, env: EnvironmentConfig): Artifact[] {
  const symptoms = symptomInputs(catalog, env);
  return catalog.services.flatMap((service) => {
    const rules = serviceRuleFile(catalog, service, env, symptoms);
    const tests = promtoolTestFile(
      service,
      slosOfService(catalog, service),
      env,
      symptoms,
      ruleFilePath(service).split('/').pop()!,
      rules.groups.map((g) => g.name),
    );
    return [
      { path: ruleFilePath(service), content: ruleFileYaml(rules) },
      { path: testFilePath(service), content: testFileYaml(tests) },
    ];
  });
}
