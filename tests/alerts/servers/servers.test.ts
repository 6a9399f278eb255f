/**
 * The server configurations `slo generate --env` writes: Alertmanager (checked by amtool, with
 * the generated routing test), Prometheus (promtool check config, with the rule files beside it)
 * and the blackbox exporter (its own config check). The tools are required: missing, the tests
 * fail with an install hint.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ruleFilePath, serviceRuleFile } from '../../../alerts/prometheus/artifacts';
import { ruleFileParts } from '../../../alerts/prometheus/serialize';
import {
  alertmanagerConfig,
  literalTemplate,
  routingCases,
  SERVER_CONFIG_PATHS,
  serverArtifacts,
  serverInputs,
  UPTIME_JOB,
  UPTIME_MODULE,
  type RoutingTestFile,
} from '../../../alerts/servers';
import { AMTOOL_INSTALL_HINT, checkAlertmanager, findAmtool, routingLabelNames } from '../../../bin/alertmanager-check';
import { findPromtool, PROMTOOL_INSTALL_HINT } from '../../../bin/promtool';
import { findTool, startBlackboxExporter } from '../../../e2e/harness';
import { loadEnvironmentOrThrow } from '../../../environments/load';
import { names } from '../../../environments/naming';
import type { EnvironmentConfig } from '../../../environments/schema';
import { artifactText, type Artifact } from '../../../slos/artifact';
import { loadCatalog } from '../../../slos/load';
import { platformInputs } from '../../layers/platform/example';

const { catalog } = loadCatalog({ slosDir: 'slos' });
if (!catalog) throw new Error('bundled specs do not load');
const example = loadEnvironmentOrThrow('example');
const BLACKBOX = 'prometheus-blackbox-exporter';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'slo-servers-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function amtool(): string {
  const found = findAmtool();
  if (!found) throw new Error(AMTOOL_INSTALL_HINT);
  return found;
}

/** Generated artifacts by environment: several cases read the same environment's output. */
const generatedByEnv = new Map<EnvironmentConfig, Artifact[]>();

/**
 * The rule files and server configurations of `env` (not the promtool test files, which no server
 * reads), generated once per environment object.
 */
function generated(env: EnvironmentConfig): Artifact[] {
  let artifacts = generatedByEnv.get(env);
  if (!artifacts) {
    const inputs = platformInputs(catalog!, env);
    const rules = catalog!.services.map((service) => ({
      path: ruleFilePath(service),
      content: ruleFileParts(serviceRuleFile(catalog!, service, inputs)),
    }));
    artifacts = [...rules, ...serverArtifacts(serverInputs(env, catalog!), rules)];
    generatedByEnv.set(env, artifacts);
  }
  return artifacts;
}

/** The artifacts of `env` written under a fresh directory, for the tools to check; returns it and them. */
function writeAll(name: string, env: EnvironmentConfig): { dir: string; artifacts: Artifact[] } {
  const artifacts = generated(env);
  const dir = join(tmp, name);
  for (const a of artifacts) {
    mkdirSync(dirname(join(dir, a.path)), { recursive: true });
    writeFileSync(join(dir, a.path), artifactText(a));
  }
  return { dir, artifacts };
}

const content = (artifacts: Artifact[], path: string) => artifactText(artifacts.find((a) => a.path === path)!);

describe('Alertmanager configuration', () => {
  test('passes amtool check-config and routes every alert the rule files can emit to its severity receiver', async () => {
    // given
    const { dir, artifacts } = writeAll('example', example);
    const routing = parse(content(artifacts, SERVER_CONFIG_PATHS.alertmanagerRoutingTest)) as RoutingTestFile;
    // when
    const runs = await checkAlertmanager(amtool(), join(dir, 'alertmanager'), 'routing.test.yaml');
    // then
    expect(runs.filter((r) => !r.ok)).toEqual([]);
    expect(runs.length).toBe(routing.tests.length + 1);
    const severities = new Set(routing.tests.map((t) => t.labels.severity));
    expect([...severities].sort()).toEqual(['critical', 'info', 'page', 'warning']);
    for (const t of routing.tests) expect(t.receiver).toBe(`example-${t.labels.severity}`);
    // every alert of every rule file is covered
    const alerts = artifacts
      .filter((a) => a.path.endsWith('.rules.yaml'))
      .flatMap((a) => (parse(artifactText(a)) as { groups: { rules: { alert?: string }[] }[] }).groups.flatMap((g) => g.rules))
      .flatMap((r) => (r.alert ? [r.alert] : []));
    expect(new Set(routing.tests.map((t) => t.alertname))).toEqual(new Set(alerts));
  });

  test('fails the routing test when the routes do not follow the routing table', async () => {
    // given: the page route sends to the warning receiver
    const { dir } = writeAll('mutated', example);
    const file = join(dir, SERVER_CONFIG_PATHS.alertmanager);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/receiver: example-page\n/, 'receiver: example-warning\n'));
    // when
    const runs = await checkAlertmanager(amtool(), join(dir, 'alertmanager'), 'routing.test.yaml');
    // then
    const failed = runs.filter((r) => !r.ok);
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) expect(f.detail).toBe('expected receiver example-page, amtool resolved example-warning');
  });

  test('moves the route of a severity when the environment drops its target', async () => {
    // given: no warning target, so warning alerts go to the nearest configured severity
    const noWarning: EnvironmentConfig = { ...example, notifications: { ...example.notifications, warning: undefined } };
    const { dir, artifacts } = writeAll('no-warning', noWarning);
    // when
    const runs = await checkAlertmanager(amtool(), join(dir, 'alertmanager'), 'routing.test.yaml');
    // then
    expect(runs.filter((r) => !r.ok)).toEqual([]);
    const routing = parse(content(artifacts, SERVER_CONFIG_PATHS.alertmanagerRoutingTest)) as RoutingTestFile;
    const warning = routing.tests.filter((t) => t.labels.severity === 'warning');
    expect(warning.length).toBeGreaterThan(0);
    for (const t of warning) expect(t.receiver).toBe('example-critical');
  });

  test('routes each alert by every label the tree reads, nested routes included, when alike alerts share one amtool run', async () => {
    // given: warning alerts of teams named ident* go to the critical receiver (a route nested in the
    // warning route). A label with few values keeps the amtool runs few: alike alerts share one.
    const { dir } = writeAll('nested-route', example);
    const config = join(dir, SERVER_CONFIG_PATHS.alertmanager);
    const warningRoute = '        - severity="warning"\n      receiver: example-warning\n';
    const text = readFileSync(config, 'utf8');
    expect(text).toContain(warningRoute);
    writeFileSync(
      config,
      text.replace(
        warningRoute,
        `${warningRoute}      routes:\n        - matchers:\n            - team=~"ident.*"\n          receiver: example-critical\n`,
      ),
    );
    const testFile = join(dir, SERVER_CONFIG_PATHS.alertmanagerRoutingTest);
    const routing = parse(readFileSync(testFile, 'utf8')) as { tests: { labels: Record<string, string>; receiver: string }[] };
    for (const t of routing.tests)
      if (t.labels.severity === 'warning' && t.labels.team?.startsWith('ident')) t.receiver = 'example-critical';
    writeFileSync(testFile, stringify(routing));
    // when
    const runs = await checkAlertmanager(amtool(), join(dir, 'alertmanager'), 'routing.test.yaml');
    // then: both kinds of warning alert exist, and each reached its own receiver
    const warning = routing.tests.filter((t) => t.labels.severity === 'warning');
    expect(new Set(warning.map((t) => t.receiver))).toEqual(new Set(['example-critical', 'example-warning']));
    expect(runs.filter((r) => !r.ok)).toEqual([]);
  });

  test.each([
    [
      { route: { receiver: 'r', routes: [{ matchers: ['severity="page"'] }, { matchers: ['{team=~"a|b", slo!="x"}'] }] } },
      ['severity', 'slo', 'team'],
    ],
    [
      { route: { receiver: 'r', match: { a: '1' }, match_re: { b: '.*' }, routes: [{ routes: [{ matchers: ['c != "2"'] }] }] } },
      ['a', 'b', 'c'],
    ],
    [{ route: { receiver: 'r', routes: [{ matchers: ['"odd name"="1"'] }] } }, ['odd name']],
    [{ route: { receiver: 'r', routes: [{ matchers: ['a="1", b=~"x,y"'] }] } }, ['a', 'b']],
    [{ route: { receiver: 'r', routes: [{ matchers: ['=broken'] }] } }, undefined],
    [{ route: { receiver: 'r', routes: [{ matchers: ['a="1" b="2"'] }] } }, undefined],
    [{ route: { receiver: 'r', routes: [{ matchers: [{ not: 'a string' }] }] } }, undefined],
    [{}, undefined],
  ])('the routing tree %j reads the labels %p (undefined: every alert gets its own amtool run)', (config, expected) => {
    expect(routingLabelNames(config)).toEqual(expected);
  });

  test('sends a severity to the target the environment names for it', () => {
    // given: warning alerts by e-mail instead of Slack
    const env: EnvironmentConfig = {
      ...example,
      notifications: { ...example.notifications, warning: { email: { addresses: ['w@example.com'] } } },
    };
    // when
    const config = alertmanagerConfig(serverInputs(env, catalog!))!;
    // then
    const warning = config.receivers.find((r) => r.name === 'example-warning')!;
    expect(warning).not.toHaveProperty('slack_configs');
    expect(warning.email_configs!.map((e) => e.to)).toEqual(['w@example.com']);
  });

  test('reads every credential from a file mounted from its secret, never the reference or a value inline', () => {
    // when
    const text = content(generated(example), SERVER_CONFIG_PATHS.alertmanager);
    // then
    expect(text).not.toMatch(/projects\//);
    const config = parse(text);
    expect(config.receivers.find((r: { name: string }) => r.name === 'example-page').pagerduty_configs).toEqual([
      expect.objectContaining({ routing_key_file: '/etc/alertmanager/secrets/pagerduty-integration-key' }),
    ]);
    const slack = config.receivers.find((r: { name: string }) => r.name === 'example-critical').slack_configs[0];
    expect(slack.http_config.authorization.credentials_file).toBe('/etc/alertmanager/secrets/slack-bot-token');
    expect(JSON.stringify(config)).not.toMatch(/"(routing_key|service_key|api_url_secret|credentials|smtp_auth_password)"/);
  });

  test('holds a ticket back while the page of the same SLO fires', () => {
    // when
    const config = alertmanagerConfig(serverInputs(example, catalog!))!;
    // then
    expect(config.inhibit_rules).toEqual([
      { source_matchers: ['slo_alert="page"'], target_matchers: ['slo_alert="ticket"'], equal: ['service', 'slo'] },
    ]);
  });

  test.each([
    ['#platform-alerts', '#platform-alerts'],
    ['a{{ .Receiver }}b', '{{ "a{{ .Receiver }}b" }}'],
    ['x}}y"z', '{{ "x}}y\\"z" }}'],
  ])('keeps %j literal in Go template text', (value, expected) => {
    expect(literalTemplate(value)).toBe(expected);
  });

  test('takes the service and slo labels of an alert from the recorded series it selects', () => {
    // given
    const rules =
      'groups:\n  - rules:\n      - alert: A\n        expr: x{service="api", slo="s"} > 1 and y{slo="s",service="api"}\n        labels: {severity: page}\n';
    // when
    const cases = routingCases(serverInputs(example, catalog!), [rules]);
    // then
    expect(cases).toEqual([
      { alertname: 'A', labels: { alertname: 'A', service: 'api', slo: 's', severity: 'page' }, receiver: 'example-page' },
    ]);
  });
});

describe('Prometheus and blackbox exporter configuration', () => {
  test('passes promtool check config with the rule files it loads', () => {
    // given
    const promtool = findPromtool();
    if (!promtool) throw new Error(PROMTOOL_INSTALL_HINT);
    const { dir } = writeAll('prometheus', example);
    // when
    const r = spawnSync(promtool, ['check', 'config', 'prometheus.yml'], { cwd: join(dir, 'prometheus'), encoding: 'utf8' });
    // then
    expect(`${r.stdout}${r.stderr}`).toContain(`SUCCESS: ${catalog!.services.length} rule files found`);
    expect(r.status).toBe(0);
  });

  test('passes the blackbox exporter config check', () => {
    // given
    const { dir } = writeAll('blackbox', example);
    // when
    const r = spawnSync(BLACKBOX, ['--config.check', `--config.file=${join(dir, SERVER_CONFIG_PATHS.blackbox)}`], { encoding: 'utf8' });
    // then
    if (r.error) throw new Error(`${BLACKBOX} not found: install it with \`apt-get install prometheus-blackbox-exporter\` (Debian/Ubuntu)`);
    expect(`${r.stdout}${r.stderr}`).toContain('Config file is ok');
    expect(r.status).toBe(0);
  });

  test('probes every region health endpoint with the labels the availability SLI selects, every uptime period', () => {
    // given
    const config = parse(content(generated(example), SERVER_CONFIG_PATHS.prometheus));
    const availability = catalog!.slos.find((s) => s.id === 'api/availability')!;
    const sli = JSON.stringify(availability.sli);
    // when
    const uptime = config.scrape_configs.find((j: { job_name: string }) => j.job_name === UPTIME_JOB);
    // then
    expect(uptime.scrape_interval).toBe(`${example.monitoring.uptimePeriodSeconds / 60}m`);
    expect(uptime.static_configs.map((s: { targets: string[] }) => s.targets[0])).toEqual(
      example.gcp.regions.map((r) => `https://${r.name}.${example.domain}${example.service.healthPath}`),
    );
    const matchers = [...sli.matchAll(/probe_success\{([^}]*)\}/g)].flatMap((m) => m[1]!.split(',').map((x) => x.trim()));
    expect(matchers.length).toBeGreaterThan(0);
    for (const s of uptime.static_configs) {
      const labels = { ...s.labels, job: UPTIME_JOB };
      for (const m of matchers) {
        const [k, v] = m.split('=');
        expect(labels[k!]).toBe(JSON.parse(v!.replace(/\\"/g, '"')));
      }
    }
  });

  describe('with IAP at the edge', () => {
    const iapEnv = loadEnvironmentOrThrow('production-example');
    const hostOf = (region: string) => names.regionalHost(iapEnv, region);

    test("probes each region through the load balancer with that host's own token file, in a module of the region's own", () => {
      // given the production example, whose edge is iap
      expect(iapEnv.edge.access).toBe('iap');
      const artifacts = generated(iapEnv);
      // when
      const prometheus = parse(content(artifacts, SERVER_CONFIG_PATHS.prometheus));
      const blackbox = parse(content(artifacts, SERVER_CONFIG_PATHS.blackbox));
      const uptime = prometheus.scrape_configs.find((j: { job_name: string }) => j.job_name === UPTIME_JOB);
      // then each target names its module, and each module sends the token of its host
      const targets = uptime.static_configs.map((s: { targets: string[]; labels: Record<string, string> }) => ({
        url: s.targets[0],
        module: s.labels.__param_module,
        region: s.labels.region,
      }));
      expect(targets.map((t: { url: string }) => t.url)).toEqual(
        iapEnv.gcp.regions.map((r) => `https://${hostOf(r.name)}${iapEnv.service.healthPath}`),
      );
      expect(uptime.params).toBeUndefined();
      expect(Object.keys(blackbox.modules).sort()).toEqual(targets.map((t: { module: string }) => t.module).sort());
      for (const t of targets) {
        expect(blackbox.modules[t.module].http.authorization).toEqual({
          type: 'Bearer',
          credentials_file: `${iapEnv.prometheusServers.probeTokenDir}/${hostOf(t.region)}`,
        });
      }
    });

    test('passes promtool check config and the blackbox exporter config check', () => {
      // given
      const promtool = findPromtool();
      if (!promtool) throw new Error(PROMTOOL_INSTALL_HINT);
      const { dir } = writeAll('iap-check', iapEnv);
      // when
      const prom = spawnSync(promtool, ['check', 'config', 'prometheus.yml'], { cwd: join(dir, 'prometheus'), encoding: 'utf8' });
      const bb = spawnSync(BLACKBOX, ['--config.check', `--config.file=${join(dir, SERVER_CONFIG_PATHS.blackbox)}`], { encoding: 'utf8' });
      // then
      if (bb.error)
        throw new Error(`${BLACKBOX} not found: install it with \`apt-get install prometheus-blackbox-exporter\` (Debian/Ubuntu)`);
      expect(`${prom.stdout}${prom.stderr}`).toContain('SUCCESS');
      expect(prom.status).toBe(0);
      expect(`${bb.stdout}${bb.stderr}`).toContain('Config file is ok');
      expect(bb.status).toBe(0);
    });

    test("sends the token in the region's file on every probe, a refreshed one without a reload, and fails without the token the server wants", async () => {
      // given the exporter running the generated blackbox.yml, token files in a directory of the
      // test, and a health endpoint that answers 2xx only to the bearer token it currently wants
      const tokens = join(tmp, 'iap-tokens');
      mkdirSync(tokens, { recursive: true });
      const env: EnvironmentConfig = { ...iapEnv, prometheusServers: { ...iapEnv.prometheusServers, probeTokenDir: tokens } };
      const { dir, artifacts } = writeAll('iap-probe', env);
      const blackbox = parse(content(artifacts, SERVER_CONFIG_PATHS.blackbox));
      type TokenModule = { http: { authorization: { credentials_file: string } } };
      const [module, tokenModule] = Object.entries(blackbox.modules as Record<string, TokenModule>)[0]!;
      const tokenFile = tokenModule.http.authorization.credentials_file;
      expect(tokenFile.startsWith(`${tokens}/`)).toBe(true);
      let wanted = '';
      const health = createServer((req, res) => {
        res.writeHead(req.headers.authorization === `Bearer ${wanted}` ? 200 : 401).end();
      });
      await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
      const port = (health.address() as AddressInfo).port;
      const exporter = await startBlackboxExporter({ binary: findTool('blackbox'), configFile: join(dir, SERVER_CONFIG_PATHS.blackbox) });
      const probe = async () => {
        const text = await (await fetch(`${exporter.url}/probe?module=${module}&target=http://127.0.0.1:${port}/health`)).text();
        return Number(/^probe_success (\d)$/m.exec(text)?.[1]);
      };
      try {
        // when the refresher writes a token, then replaces it
        writeFileSync(tokenFile, 'first');
        wanted = 'first';
        const first = await probe();
        writeFileSync(tokenFile, 'second');
        wanted = 'second';
        const refreshed = await probe();
        wanted = 'third';
        const stale = await probe();
        // then
        expect([first, refreshed, stale]).toEqual([1, 1, 0]);
      } finally {
        await exporter.stop();
        await new Promise((resolve) => health.close(resolve));
      }
    });
  });

  test('with a public edge, probes every region with the one unauthenticated module', () => {
    // given the example, whose edge is public
    expect(example.edge.access).toBe('public');
    const artifacts = generated(example);
    // when
    const blackbox = parse(content(artifacts, SERVER_CONFIG_PATHS.blackbox));
    const uptime = parse(content(artifacts, SERVER_CONFIG_PATHS.prometheus)).scrape_configs.find(
      (j: { job_name: string }) => j.job_name === UPTIME_JOB,
    );
    // then
    expect(uptime.params).toEqual({ module: [UPTIME_MODULE] });
    expect(Object.keys(blackbox.modules)).toEqual([UPTIME_MODULE]);
    expect(blackbox.modules[UPTIME_MODULE].http.authorization).toBeUndefined();
  });

  test('states, as a flag, the retention the longest slo window needs (plus its 5m base rate, in whole days)', () => {
    // given
    const longest = Math.max(...catalog!.slos.map((s) => s.windowSeconds));
    // when
    const flags = content(generated(example), SERVER_CONFIG_PATHS.prometheusFlags)
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'));
    // then
    expect(flags).toEqual([`--storage.tsdb.retention.time=${Math.ceil((longest + 300) / 86400)}d`]);
  });

  test("states the environment's own retention when it sets one", () => {
    // given
    const env: EnvironmentConfig = { ...example, prometheusServers: { ...example.prometheusServers, retention: '90d' } };
    // when
    const flags = content(generated(env), SERVER_CONFIG_PATHS.prometheusFlags);
    // then
    expect(flags).toContain('\n--storage.tsdb.retention.time=90d\n');
  });

  test('scrapes the API metrics of every region under the job the rules select', () => {
    // when
    const config = parse(content(generated(example), SERVER_CONFIG_PATHS.prometheus));
    // then
    const api = config.scrape_configs.find((j: { job_name: string }) => j.job_name === example.service.name);
    expect(api.static_configs).toEqual(
      example.gcp.regions.map((r) => ({ targets: [`${r.name}.${example.domain}:${example.service.port}`], labels: { region: r.name } })),
    );
    expect(config.rule_files).toEqual(catalog!.services.map((s) => `${s}.rules.yaml`));
  });
});

describe('findAmtool', () => {
  test('fails with an install hint naming the Debian package when amtool is missing', () => {
    expect(findAmtool({ PATH: '' })).toBeUndefined();
    expect(findAmtool({ AMTOOL: '/nonexistent/amtool' })).toBeUndefined();
    expect(AMTOOL_INSTALL_HINT).toContain('apt-get install prometheus-alertmanager');
  });
});
