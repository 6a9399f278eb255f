/**
 * The server configurations `slo generate --env` writes beside the rule files: Alertmanager's
 * config and message template, Prometheus' config and the blackbox exporter's modules.
 */
import { stringify } from 'yaml';
import { artifactText, type Artifact } from '../../slos/artifact';
import { GENERATED_HEADER } from '../../slos/conventions';
import { messageTemplateText } from '../routing';
import { ALERTMANAGER_TEMPLATE_FILE, alertmanagerConfig } from './alertmanager';
import type { ServerInputs } from './inputs';
import { blackboxConfig, prometheusConfig, prometheusFlags } from './prometheus';
import { routingCases, type RoutingCase } from './routing-cases';

/** Paths of the server configurations inside the output directory. */
export const SERVER_CONFIG_PATHS = Object.freeze({
  alertmanager: 'alertmanager/alertmanager.yml',
  alertmanagerTemplate: `alertmanager/${ALERTMANAGER_TEMPLATE_FILE}`,
  alertmanagerRoutingTest: 'alertmanager/routing.test.yaml',
  prometheus: 'prometheus/prometheus.yml',
  prometheusFlags: 'prometheus/prometheus.flags',
  blackbox: 'blackbox/blackbox.yml',
});

/**
 * YAML text with the generated-file header. The `yaml` library quotes every string that would
 * not read back as itself, so no value from the environment can add a key or change a type.
 */
export function configYaml(data: unknown): string {
  return `# ${GENERATED_HEADER}\n${stringify(data, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/**
 * The flags file: the header and how to pass it as comments, then one flag per line, so
 * `prometheus --config.file=prometheus.yml $(grep -v '^#' prometheus.flags)` runs with them.
 */
function flagsFile(flags: readonly string[]): string {
  const how = `# Prometheus reads these only as command-line flags: prometheus --config.file=prometheus.yml $(grep -v '^#' prometheus.flags)`;
  return `# ${GENERATED_HEADER}\n${how}\n${flags.join('\n')}\n`;
}

/** The routing test file: the config it tests (relative to it) and one case per alert. */
export interface RoutingTestFile {
  readonly config_file: string;
  readonly tests: readonly RoutingCase[];
}

/**
 * The server configurations and the routing test; `ruleFiles` are the rule files (output-relative
 * `prometheus/<service>.rules.yaml` paths and their text), which prometheus.yml loads and whose
 * alerts the routing test covers. Without any notification target there is no Alertmanager
 * configuration.
 */
export function serverArtifacts(inputs: ServerInputs, ruleFiles: readonly Artifact[]): Artifact[] {
  const dir = SERVER_CONFIG_PATHS.prometheus.slice(0, SERVER_CONFIG_PATHS.prometheus.lastIndexOf('/') + 1);
  const relative = ruleFiles.map(({ path: f }) => {
    if (!f.startsWith(dir)) throw new Error(`rule file ${f} is not in ${dir}, beside prometheus.yml`);
    return f.slice(dir.length);
  });
  const routingTest: RoutingTestFile = {
    config_file: SERVER_CONFIG_PATHS.alertmanager.split('/').pop()!,
    tests: routingCases(inputs, ruleFiles.map(artifactText)),
  };
  const alertmanager = alertmanagerConfig(inputs);
  return [
    ...(alertmanager
      ? [
          { path: SERVER_CONFIG_PATHS.alertmanager, content: configYaml(alertmanager) },
          { path: SERVER_CONFIG_PATHS.alertmanagerTemplate, content: `{{/* ${GENERATED_HEADER} */}}\n${messageTemplateText()}` },
          { path: SERVER_CONFIG_PATHS.alertmanagerRoutingTest, content: configYaml(routingTest) },
        ]
      : []),
    { path: SERVER_CONFIG_PATHS.prometheus, content: configYaml(prometheusConfig(inputs, relative)) },
    { path: SERVER_CONFIG_PATHS.prometheusFlags, content: flagsFile(prometheusFlags(inputs)) },
    { path: SERVER_CONFIG_PATHS.blackbox, content: configYaml(blackboxConfig(inputs)) },
  ];
}
