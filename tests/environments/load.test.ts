/**
 * Environment configs: the bundled example loads; a production environment fails fast on
 * placeholder values, missing notification targets and literal secrets, one problem per field,
 * each at its file:line:col.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadEnvironment, loadEnvironmentOrThrow, parseEnvironment } from '../../environments/load';
import { formatProblem } from '../../slos/problems';
import { parseYaml } from '../../slos/yaml-source';

const EXAMPLE = readFileSync('environments/example.yaml', 'utf8');

/** The example turned into a production environment with real-looking values and a state bucket. */
const PRODUCTION = EXAMPLE.replace(/^production: false$/m, 'production: true')
  .replace(/^name: example$/m, 'name: prod')
  .replace(/^ {2}project: example-platform-prod$/m, '  project: example-platform-prod\n  stateBucket: acme-platform-prod-tfstate')
  .replaceAll('example-platform-prod', 'acme-platform-prod')
  .replaceAll('example.com', 'acme.io')
  // pinned as production requires: the image by digest, secrets by version number
  .replace(/^( {2}image: \S+?):[\w.-]+$/m, `$1@sha256:${'ab12'.repeat(16)}`)
  .replace(/^( {2}collectorImage: \S+?):[\w.-]+$/m, `$1@sha256:${'cd34'.repeat(16)}`)
  .replaceAll('/versions/latest', '/versions/2')
  // the self-run servers at real addresses, not the localhost defaults
  .concat(
    '\nprometheusServers:\n  alertmanagers: [alertmanager.acme.internal:9093]\n  blackboxExporter: blackbox.acme.internal:9115\n  smtp:\n    smarthost: smtp.acme.io:587\n',
  );

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function problemsOf(text: string, file = 'environments/prod.yaml'): string[] {
  const parsed = parseYaml(file, text);
  if (!parsed.source) return parsed.problems.map(formatProblem);
  return parseEnvironment(parsed.source).problems.map(formatProblem);
}

/** `line:col` of the first occurrence of `needle` in `text`, at or after the line containing `after`. */
function pos(text: string, needle: string, after = ''): string {
  const from = after ? text.indexOf(after) : 0;
  const at = text.indexOf(needle, from);
  if (from < 0 || at < 0) throw new Error(`"${needle}" not found`);
  const before = text.slice(0, at).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

describe('environment config', () => {
  test('the bundled example environment loads, with one primary region', () => {
    // when
    const env = loadEnvironmentOrThrow('example');
    // then
    expect(env.name).toBe('example');
    expect(env.production).toBe(false);
    expect(env.gcp.regions.filter((r) => r.primary).map((r) => r.name)).toEqual(['europe-west1']);
  });

  test('a production environment with real values loads', () => {
    // then
    expect(problemsOf(PRODUCTION)).toEqual([]);
  });

  test('rejects every placeholder of a production environment, one problem per field', () => {
    // given the example values, marked production
    const text = EXAMPLE.replace(/^production: false$/m, 'production: true');
    // when
    const problems = problemsOf(text);
    // then: each named field is reported at its value
    const expected = [
      ['name', 'example', 'name: '],
      ['gcp.project', 'example-platform-prod', 'project: '],
      ['domain', 'api.example.com', 'domain: '],
      ['grafana.url', 'https://grafana.example.com', 'url: '],
    ] as const;
    for (const [field, value, key] of expected) {
      expect(problems).toContain(
        `environments/prod.yaml:${pos(text, value, key)}: ${field} is "${value}", a placeholder; a production environment needs the real value`,
      );
    }
    expect(problems.filter((p) => p.includes('a placeholder')).length).toBeGreaterThanOrEqual(10);
    expect(problems.every((p) => /^environments\/prod\.yaml:\d+:\d+: [a-z]/.test(p))).toBe(true);
  });

  test('rejects a production environment without a target for a severity', () => {
    // given no info target
    const text = PRODUCTION.replace(/^ {2}info:\n {4}email:\n {6}addresses: .*\n/m, '');
    // then
    expect(problemsOf(text)).toEqual([
      `environments/prod.yaml:${pos(text, 'notifications:')}: notifications.info is missing; a production environment needs a notification target for every severity (page, critical, warning, info)`,
    ]);
  });

  test('rejects a literal secret instead of a secret manager reference without showing it, with the placeholders in the same run', () => {
    // given a Slack token pasted in, and the example project id left in the domain
    const text = PRODUCTION.replace('projects/acme-platform-prod/secrets/slack-bot-token/versions/2', 'xoxb-1234-abcd').replace(
      'domain: api.acme.io',
      'domain: api.example.com',
    );
    // then
    expect(problemsOf(text)).toEqual([
      `environments/prod.yaml:${pos(text, 'api.example.com')}: domain is "api.example.com", a placeholder; a production environment needs the real value`,
      `environments/prod.yaml:${pos(text, 'xoxb-1234-abcd')}: notifications.critical.slack.tokenSecret is a value of 14 characters (sha256 ${sha256('xoxb-1234-abcd').slice(0, 8)}…, not shown); must be a secret manager reference projects/<project>/secrets/<name>/versions/<version>, never the secret itself`,
    ]);
  });

  test('rejects a production environment without a state bucket, naming the field', () => {
    // given
    const text = PRODUCTION.replace(/^ {2}stateBucket: .*\n/m, '');
    // then
    expect(problemsOf(text)).toEqual([
      `environments/prod.yaml:${pos(text, 'gcp:')}: gcp.stateBucket is missing; a production environment keeps its terraform state (which holds the notification and redis secrets) in a gcs bucket, never on the deploying machine`,
    ]);
  });

  test('rejects the localhost defaults of prometheusServers in a production environment, at the nearest field written', () => {
    // given a production environment that leaves the servers' addresses to their defaults (reported at
    // the document, the nearest field written)
    const without = PRODUCTION.slice(0, PRODUCTION.indexOf('\nprometheusServers:') + 1);
    const partial = `${without}prometheusServers:\n  metricsPath: /metrics\n  smtp:\n    from: alerts@acme.io\n`;
    // then: each default is a placeholder, named with its default value
    expect(problemsOf(without)).toEqual([
      `environments/prod.yaml:${pos(without, 'apiVersion:')}: prometheusServers.alertmanagers is not set and defaults to ["localhost:9093"], a placeholder; a production environment needs the real value`,
      `environments/prod.yaml:${pos(without, 'apiVersion:')}: prometheusServers.blackboxExporter is not set and defaults to "localhost:9115", a placeholder; a production environment needs the real value`,
      `environments/prod.yaml:${pos(without, 'apiVersion:')}: prometheusServers.smtp.smarthost is not set and defaults to "localhost:25", a placeholder; a production environment needs the real value`,
    ]);
    expect(problemsOf(partial)).toEqual([
      `environments/prod.yaml:${pos(partial, 'prometheusServers:')}: prometheusServers.alertmanagers is not set and defaults to ["localhost:9093"], a placeholder; a production environment needs the real value`,
      `environments/prod.yaml:${pos(partial, 'prometheusServers:')}: prometheusServers.blackboxExporter is not set and defaults to "localhost:9115", a placeholder; a production environment needs the real value`,
      `environments/prod.yaml:${pos(partial, 'smtp:', 'prometheusServers:')}: prometheusServers.smtp.smarthost is not set and defaults to "localhost:25", a placeholder; a production environment needs the real value`,
    ]);
  });

  test('accepts the localhost defaults of prometheusServers in an environment that is not production', () => {
    // then: the example leaves them to their defaults
    expect(EXAMPLE).not.toContain('prometheusServers:');
    expect(problemsOf(EXAMPLE, 'environments/example.yaml')).toEqual([]);
  });

  test('accepts placeholders in an environment that is not production', () => {
    // then
    expect(problemsOf(EXAMPLE, 'environments/example.yaml')).toEqual([]);
  });

  test('rejects two primary regions', () => {
    // given
    const text = PRODUCTION.replace(/- name: us-central1\n/, '- name: us-central1\n      primary: true\n');
    // then
    expect(problemsOf(text)).toEqual([
      `environments/prod.yaml:${pos(text, 'regions:')}: gcp.regions has 2 primary regions (europe-west1, us-central1); allowed: exactly one region with primary: true`,
    ]);
  });

  test('rejects a config with no primary region', () => {
    // given
    const text = PRODUCTION.replace(/\n {6}primary: true\n/, '\n');
    // then
    expect(problemsOf(text)).toEqual([
      `environments/prod.yaml:${pos(text, 'regions:')}: gcp.regions has no primary region; allowed: exactly one region with primary: true`,
    ]);
  });

  test('rejects IAP accessors with a public edge, where IAP is off and would admit nobody, at the field', () => {
    // given the example (edge.access public) listing an IAP accessor
    const text = EXAMPLE.replace(/^security:\n/m, 'security:\n  iapAccessors: [group:api-clients@example.com]\n');
    // then
    expect(problemsOf(text, 'environments/example.yaml')).toEqual([
      `environments/example.yaml:${pos(text, '[group:')}: security.iapAccessors lists 1 member(s), but edge.access is public: IAP is off and admits nobody; allowed: no accessors with edge.access public, or edge.access iap`,
    ]);
    // and the same accessor with IAP at the edge is accepted
    expect(problemsOf(text.replace(/^ {2}access: public$/m, '  access: iap'), 'environments/example.yaml')).toEqual([]);
  });

  test('defaults the edge to IAP when edge.access is not set', () => {
    // given the example without its edge block
    const text = EXAMPLE.replace(/^edge:\n {2}access: public\n/m, '');
    expect(text).not.toContain('access: public');
    // when
    const parsed = parseYaml('environments/example.yaml', text);
    const { env } = parseEnvironment(parsed.source!);
    // then
    expect(env?.edge.access).toBe('iap');
  });

  test('rejects an edge access mode it does not have, naming the allowed ones', () => {
    // given
    const text = EXAMPLE.replace(/^ {2}access: public$/m, '  access: open');
    // then
    expect(problemsOf(text, 'environments/example.yaml')).toEqual([
      `environments/example.yaml:${pos(text, 'open')}: edge.access is "open"; allowed: "iap", "public"`,
    ]);
  });

  test('rejects a metrics port outside 1–65535 at its position, naming managedPrometheus.metricsPort', () => {
    // given
    const text = EXAMPLE.replace(/^ {2}metricsPort: 8080$/m, '  metricsPort: 70000');
    // then
    expect(problemsOf(text, 'environments/example.yaml')).toEqual([
      `environments/example.yaml:${pos(text, '70000')}: managedPrometheus.metricsPort is 70000; allowed: at most 65535`,
    ]);
  });

  test('rejects a collector image without a tag or digest at its position', () => {
    // given
    const text = EXAMPLE.replace(/(collectorImage: \S+):1\.2\.0$/m, '$1');
    // then
    expect(problemsOf(text, 'environments/example.yaml')).toEqual([
      `environments/example.yaml:${pos(text, 'us-docker.pkg.dev/cloud-ops')}: managedPrometheus.collectorImage is "us-docker.pkg.dev/cloud-ops-agents-artifacts/cloud-run-gmp-sidecar/cloud-run-gmp-sidecar"; must be a container image with a tag or digest such as us-docker.pkg.dev/…/cloud-run-gmp-sidecar:1.2.0`,
    ]);
  });

  test('rejects prometheusSource url without a prometheusUrl, at prometheusSource', () => {
    // given
    const text = EXAMPLE.replace(/^ {2}prometheusSource: managed$/m, '  prometheusSource: url').replace(/^ {2}prometheusUrl: .*\n/m, '');
    // then
    expect(problemsOf(text, 'environments/example.yaml')).toEqual([
      `environments/example.yaml:${pos(text, 'url', 'prometheusSource')}: grafana.prometheusUrl is missing; grafana.prometheusSource url reads that URL; allowed: a prometheusUrl, or prometheusSource managed`,
    ]);
  });

  test('rejects the default managed source without the data source syncer, at grafana', () => {
    // given the example without prometheusSource and datasourceSyncer
    const text = EXAMPLE.replace(/^ {2}prometheusSource: managed\n/m, '').replace(/^ {2}datasourceSyncer:\n {4}tokenSecret: .*\n/m, '');
    // then
    expect(problemsOf(text, 'environments/example.yaml')).toEqual([
      `environments/example.yaml:${pos(text, 'grafana:')}: grafana.datasourceSyncer is missing; grafana.prometheusSource (default) managed needs the syncer's Grafana token (datasourceSyncer.tokenSecret); allowed: a datasourceSyncer, or prometheusSource url with a prometheusUrl`,
    ]);
  });

  test('accepts prometheusSource url with a prometheusUrl and no syncer', () => {
    const text = EXAMPLE.replace(/^ {2}prometheusSource: managed$/m, '  prometheusSource: url').replace(
      /^ {2}datasourceSyncer:\n {4}tokenSecret: .*\n/m,
      '',
    );
    expect(problemsOf(text, 'environments/example.yaml')).toEqual([]);
  });

  test('evaluates SLOs on Cloud Monitoring by default (sloEvaluation managed)', () => {
    // given the example, which does not set sloEvaluation
    expect(EXAMPLE).not.toMatch(/^sloEvaluation:/m);
    // then
    expect(loadEnvironmentOrThrow('example').sloEvaluation).toBe('managed');
  });

  test('rejects an slo evaluation mode it does not have, at its position, naming the allowed ones', () => {
    // given
    const text = `${EXAMPLE}\nsloEvaluation: prometheus\n`;
    // then
    expect(problemsOf(text, 'environments/example.yaml')).toEqual([
      `environments/example.yaml:${pos(text, 'prometheus', 'sloEvaluation:')}: sloEvaluation is "prometheus"; allowed: "managed", "self-hosted", "both"`,
    ]);
  });

  test('rejects an unknown environment name with a file problem', () => {
    // when
    const result = loadEnvironment('no-such-env');
    // then
    expect(result.env).toBeUndefined();
    expect(result.problems.map((p) => p.message)).toEqual(['cannot read environments/no-such-env.yaml: no such file']);
  });

  test('fails loading with one error listing every problem as file:line:col', () => {
    // then
    expect(() => loadEnvironmentOrThrow('no-such-env')).toThrow(
      'invalid environment config:\nenvironments/no-such-env.yaml:1:1: cannot read environments/no-such-env.yaml: no such file',
    );
  });
});

describe('production supply chain', () => {
  test('rejects a production image by tag, naming service.image at its position', () => {
    // given the production environment with its image by tag again
    const text = PRODUCTION.replace(/@sha256:[0-9a-f]{64}/, ':1.0.0');
    // then
    expect(problemsOf(text)).toEqual([
      `environments/prod.yaml:${pos(text, 'europe-docker.pkg.dev')}: service.image is not pinned by digest; a production environment needs <image>@sha256:<digest> so every deploy runs the reviewed image`,
    ]);
  });

  test('rejects a production collector image by tag, naming managedPrometheus.collectorImage at its position', () => {
    // given the production environment with the collector image by tag again
    const text = PRODUCTION.replace(/(collectorImage: \S+)@sha256:[0-9a-f]{64}/, '$1:1.2.0');
    // then
    expect(problemsOf(text)).toEqual([
      `environments/prod.yaml:${pos(text, 'us-docker.pkg.dev')}: managedPrometheus.collectorImage is not pinned by digest; a production environment needs <image>@sha256:<digest> so every deploy runs the reviewed image`,
    ]);
  });

  test('rejects every production secret pinned to latest, one problem per field', () => {
    // given the database URL and the PagerDuty key at latest
    const text = PRODUCTION.replace('database-url/versions/2', 'database-url/versions/latest').replace(
      'pagerduty-integration-key/versions/2',
      'pagerduty-integration-key/versions/latest',
    );
    // then
    const suffix =
      'reads secret version latest; a production environment needs a version number, so a new secret version deploys only by a reviewed change';
    expect(problemsOf(text)).toEqual([
      `environments/prod.yaml:${pos(text, 'projects/acme-platform-prod/secrets/pagerduty')}: notifications.page.pagerduty.integrationKeySecret ${suffix}`,
      `environments/prod.yaml:${pos(text, 'projects/acme-platform-prod/secrets/database-url')}: service.secrets[0].secret ${suffix}`,
    ]);
  });

  test('accepts an image by tag and secrets at latest outside production', () => {
    // then: the example keeps both and loads
    expect(EXAMPLE).toMatch(/image: \S+:1\.0\.0/);
    expect(EXAMPLE).toContain('/versions/latest');
    expect(problemsOf(EXAMPLE, 'environments/example.yaml')).toEqual([]);
  });
});
