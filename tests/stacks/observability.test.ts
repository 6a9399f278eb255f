import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { burnWindows } from '../../slos/burn-rate';
import { GRAFANA_PROVIDER_SOURCE, GRAFANA_PROVIDER_VERSION_CONSTRAINT } from '../../constructs/grafana/grafana-provider';
import { Testing } from '../../constructs/framework';
import { GRAFANA_PROVIDER_ADDRESS, GRAFANA_SCHEMA_FILE, readTrimmedSchema } from '../../scripts/trim-grafana-schema';
import { renderDashboards } from '../../dashboards/render';
import { loadEnvironmentOrThrow } from '../../environments/load';
import { names, primaryRegion } from '../../environments/naming';
import { GRAFANA_TOKEN_ENV, SYNCER_PROJECT_ROLE } from '../../constructs/google/grafana-datasource-syncer';
import { platformInputs } from '../layers/platform/example';
import type { EnvironmentConfig } from '../../environments/schema';
import { sloDashboardUid } from '../../slos/conventions';
import { errorRatioQuery } from '../../slos/model';
import { loadCatalog } from '../../slos/load';
import { SEVERITIES } from '../../slos/schema';
import {
  addObservabilityStack,
  grafanaNames,
  messageTemplateText,
  NOTIFICATION_GROUP_BY,
  TEMPLATE_NAMES,
} from '../../stacks/observability';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped

// given the bundled specs, the example environment and a bare variant of it (no notifications,
// no Grafana-managed alerts, GCS state), synthesized once for the whole file
const { catalog } = loadCatalog({ slosDir: 'slos' });
if (!catalog) throw new Error('bundled specs do not load');
const env = loadEnvironmentOrThrow('example');
const bare: EnvironmentConfig = {
  ...env,
  name: 'bare',
  gcp: { ...env.gcp, stateBucket: 'bare-tf-state' },
  grafana: { ...env.grafana, managedAlerts: false },
  notifications: {},
};
let out: Json;
let bareOut: Json;
let bareWarnings: string[];

beforeAll(() => {
  const app = Testing.app();
  const stack = addObservabilityStack(app, { env, catalog });
  const bareStack = addObservabilityStack(app, { env: bare, catalog });
  out = JSON.parse(Testing.synth(stack, true)) as Json;
  bareOut = JSON.parse(Testing.synth(bareStack, true)) as Json;
  bareWarnings = bareStack.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
});

const resources = (json: Json, type: string): Json[] => Object.values((json.resource?.[type] ?? {}) as Record<string, Json>);
const only = (json: Json, type: string): Json => {
  const all = resources(json, type);
  expect(all).toHaveLength(1);
  return all[0]!;
};
/** The resource of `type` a Terraform reference like `${grafana_contact_point.X.name}` points at. */
const referenced = (json: Json, ref: string): Json => {
  const m = /^\$\{([a-z_]+)\.([^.]+)\.[a-z_]+\}$/.exec(ref);
  if (!m) throw new Error(`not a terraform reference: ${ref}`);
  return json.resource[m[1]!][m[2]!] as Json;
};
const integrationTypes = (cp: Json) => ['pagerduty', 'slack', 'email'].filter((k) => cp[k] !== undefined);

describe('observability stack', () => {
  test('requires the grafana provider from grafana/grafana with the pinned version constraint', () => {
    // then
    expect(out.terraform.required_providers.grafana).toEqual({
      source: GRAFANA_PROVIDER_SOURCE,
      version: GRAFANA_PROVIDER_VERSION_CONSTRAINT,
    });
    expect(GRAFANA_PROVIDER_SOURCE).toBe('grafana/grafana');
    expect(GRAFANA_PROVIDER_VERSION_CONSTRAINT).toBe('~> 4.45');
  });

  test('configures the grafana provider with the url only, leaving auth to GRAFANA_AUTH', () => {
    // then
    expect(out.provider.grafana).toEqual([{ url: env.grafana.url }]);
  });

  test('keeps local state when the environment has no bucket and GCS state when it has one', () => {
    // then
    expect(out.terraform.backend).toEqual({ local: { path: '../../../terraform.example-observability.tfstate' } });
    expect(bareOut.terraform.backend).toEqual({ gcs: { bucket: 'bare-tf-state', prefix: `${bare.gcp.statePrefix}/bare-observability` } });
  });

  test('creates one folder for the environment', () => {
    // then
    const folder = only(out, 'grafana_folder');
    expect(folder.title).toBe('SLO platform (example)');
    expect(folder.uid).toBe(grafanaNames(env).folderUid);
  });

  test('creates the Cloud Monitoring data source with keyless GCE auth on the environment project', () => {
    // when
    const ds = resources(out, 'grafana_data_source').find((d) => d.type === 'stackdriver')!;
    // then
    expect(ds.uid).toBe('example-cloud-monitoring');
    expect(JSON.parse(ds.json_data_encoded)).toEqual({
      authenticationType: 'gce',
      defaultProject: env.gcp.project,
      gceDefaultProject: env.gcp.project,
    });
    expect(ds.secure_json_data_encoded).toBeUndefined();
  });

  test('deploys every rendered dashboard into the folder with its rendered JSON', () => {
    // given
    const rendered = renderDashboards(catalog, platformInputs(catalog));
    const folderRef = `\${grafana_folder.${Object.keys(out.resource.grafana_folder)[0]}.uid}`;
    const deployed = resources(out, 'grafana_dashboard');
    // then
    expect(deployed).toHaveLength(rendered.length);
    for (const d of rendered) {
      const r = deployed.find((x) => JSON.parse(x.config_json).uid === d.uid);
      expect(r).toBeDefined();
      // Terraform reads the escaped `$${datasource}` as `${datasource}`: Grafana gets the rendered JSON
      expect(r!.config_json).not.toMatch(/(?<!\$)\$\{/);
      const asTerraformReadsIt = r!.config_json.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
      expect(JSON.parse(asTerraformReadsIt)).toEqual({ ...d.json, uid: d.uid });
      expect(r!.folder).toBe(folderRef);
      expect(r!.overwrite).toBe(true);
    }
  });

  test.each([
    ['page', 'pagerduty'],
    ['critical', 'slack'],
    ['warning', 'slack'],
    ['info', 'email'],
  ] as const)('routes severity %s to a %s contact point', (severity, integration) => {
    // given the policy tree
    const policy = only(out, 'grafana_notification_policy');
    // when
    const route = (policy.policy as Json[]).find((p) => p.matcher.some((m: Json) => m.label === 'severity' && m.value === severity));
    // then
    expect(route).toBeDefined();
    expect(route!.matcher).toEqual([{ label: 'severity', match: '=', value: severity }]);
    const cp = referenced(out, route!.contact_point);
    expect(cp.name).toBe(`example-${severity}`);
    expect(integrationTypes(cp)).toEqual([integration]);
  });

  test('every severity has a route', () => {
    // then
    const policy = only(out, 'grafana_notification_policy');
    const routed = (policy.policy as Json[]).map((p) => p.matcher[0].value);
    expect([...routed].sort()).toEqual([...SEVERITIES].sort());
  });

  test('groups by service and slo at the root and on every route, defaulting to the e-mail contact point', () => {
    // when
    const policy = only(out, 'grafana_notification_policy');
    // then
    expect(NOTIFICATION_GROUP_BY).toEqual(['service', 'slo']);
    expect(policy.group_by).toEqual(['service', 'slo']);
    for (const p of policy.policy as Json[]) expect(p.group_by).toEqual(['service', 'slo']);
    expect(integrationTypes(referenced(out, policy.contact_point))).toEqual(['email']);
  });

  test('sends the configured channel and recipients, rendered with the message template', () => {
    // when
    const cps = resources(out, 'grafana_contact_point');
    const template = only(out, 'grafana_message_template');
    // then
    expect(cps.find((c) => c.name === 'example-critical')!.slack[0].recipient).toBe(env.notifications.critical!.slack!.channel);
    expect(cps.find((c) => c.name === 'example-info')!.email[0].addresses).toEqual(env.notifications.info!.email!.addresses);
    expect(template.template).toContain('define "slo.title"');
    for (const cp of cps) expect(JSON.stringify(cp)).toContain('{{ template \\"slo.title\\" . }}');
  });

  test('the message template is valid Go template text: every define, if and range is closed by its own end', () => {
    // given the actions of the deployed template, in order
    const text = only(out, 'grafana_message_template').template as string;
    const actions = [...text.matchAll(/\{\{-?\s*(.*?)\s*-?\}\}/g)].map((m) => m[1]!);
    // when each opening action is pushed and each end pops it
    const open: string[] = [];
    const defined: string[] = [];
    for (const a of actions) {
      const keyword = /^(define|if|range|with|block)\b/.exec(a)?.[1];
      if (keyword === 'define') {
        // then a define only opens at the top level
        expect(open).toEqual([]);
        defined.push(/^define "([^"]+)"$/.exec(a)![1]!);
      }
      if (keyword) open.push(keyword);
      else if (a === 'end') expect(open.pop()).toBeDefined();
    }
    // then every block is closed, and the templates the contact points use are the ones defined
    expect(open).toEqual([]);
    expect(defined).toEqual([TEMPLATE_NAMES.title, TEMPLATE_NAMES.body]);
    expect(messageTemplateText()).toBe(text);
  });

  test('contact point secrets are references to Secret Manager data sources, never literals', () => {
    // given
    const cps = resources(out, 'grafana_contact_point');
    const sensitive = [
      ...cps.flatMap((c) => (c.pagerduty ?? []).map((p: Json) => p.integration_key as string)),
      ...cps.flatMap((c) => (c.slack ?? []).map((s: Json) => s.token as string)),
    ];
    const secrets = out.data.google_secret_manager_secret_version as Record<string, Json>;
    // then every sensitive field points at a secret version data source
    expect(sensitive).toHaveLength(3);
    for (const value of sensitive) {
      const m = /^\$\{data\.google_secret_manager_secret_version\.([^.]+)\.secret_data\}$/.exec(value);
      expect(m).not.toBeNull();
      expect(secrets[m![1]!]).toBeDefined();
    }
    // and the data sources read exactly the referenced secrets (the shared Slack token once)
    expect(
      Object.values(secrets)
        .map((s) => `projects/${s.project}/secrets/${s.secret}/versions/${s.version}`)
        .sort(),
    ).toEqual([env.notifications.page!.pagerduty!.integrationKeySecret, env.notifications.critical!.slack!.tokenSecret].sort());
  });

  test('carries a Grafana-managed rule group per SLO whose thresholds are the burn-rate arithmetic', () => {
    // given
    const groups = resources(out, 'grafana_rule_group');
    const alerting = catalog.slos.filter((s) => s.alerting.windows.length > 0);
    // then
    expect(groups).toHaveLength(alerting.length);
    for (const slo of alerting) {
      const group = groups.find((g) => g.name === `slo-alerts-${slo.service}-${slo.name}`)!;
      expect(group.folder_uid).toMatch(/^\$\{grafana_folder\.[^.]+\.uid\}$/);
      const expected = burnWindows(slo.objectivePercent, slo.windowSeconds, slo.alerting.severities).filter((w) =>
        slo.alerting.windows.some((x) => x.id === w.id),
      );
      expect(group.rule).toHaveLength(expected.length);
      expected.forEach((w, i) => {
        const rule = group.rule[i] as Json;
        const model = (ref: string) => JSON.parse((rule.data as Json[]).find((d) => d.ref_id === ref)!.model as string) as Json;
        expect(rule.labels.severity).toBe(w.severity);
        expect(rule.condition).toBe('G');
        expect(model('A').expr).toBe(errorRatioQuery(slo.sli, w.longWindow));
        expect(model('B').expr).toBe(errorRatioQuery(slo.sli, w.shortWindow));
        // factor × (1 − objective), both windows
        for (const stage of ['E', 'F']) {
          expect(model(stage).conditions[0].evaluator).toEqual({ type: 'gt', params: [w.errorRatioThreshold] });
          expect(model(stage).conditions[0].evaluator.params[0]).toBeCloseTo(w.factor * (1 - slo.objective), 12);
        }
      });
    }
  });

  test("links every rule to its SLO's burn-rate panel on the deployed SLO dashboard", () => {
    // given the deployed SLO dashboard
    const deployed = resources(out, 'grafana_dashboard').map((d) => JSON.parse(d.config_json as string) as Json);
    const sloBoard = deployed.find((d) => d.uid === sloDashboardUid())!;
    for (const group of resources(out, 'grafana_rule_group')) {
      for (const rule of group.rule as Json[]) {
        // when
        const panel = (sloBoard.panels as Json[]).find((p) => String(p.id) === rule.annotations.__panelId__);
        // then: the panel is the burn rate of this rule's SLO
        expect(rule.annotations.__dashboardUid__).toBe(sloDashboardUid());
        expect(panel?.title).toBe('Burn rate');
        expect(panel!.targets[0].expr).toContain(`slo="${rule.labels.slo}", service="${rule.labels.service}"`);
      }
    }
  });

  test('a bare environment gets neither rule groups nor routing, and a warning says alerts notify nobody', () => {
    // then
    expect(resources(bareOut, 'grafana_rule_group')).toHaveLength(0);
    expect(resources(bareOut, 'grafana_contact_point')).toHaveLength(0);
    expect(resources(bareOut, 'grafana_notification_policy')).toHaveLength(0);
    expect(bareWarnings).toEqual([expect.stringContaining('no notifications configured')]);
  });
});

/** Problems of one synthesized block against its provider schema block: unknown, missing or read-only arguments. */
function schemaProblems(block: Json, value: Json, path: string): string[] {
  const attrs = (block.attributes ?? {}) as Record<string, Json>;
  const blocks = (block.block_types ?? {}) as Record<string, Json>;
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (['//', 'depends_on', 'provider', 'lifecycle'].includes(key)) continue;
    if (attrs[key]) {
      if (!attrs[key].optional && !attrs[key].required) out.push(`${path}.${key} is read-only`);
    } else if (blocks[key]) {
      (Array.isArray(v) ? v : [v]).forEach((item: Json, i: number) =>
        out.push(...schemaProblems(blocks[key]!.block, item, `${path}.${key}[${i}]`)),
      );
    } else {
      out.push(`${path}.${key} is not an argument`);
    }
  }
  for (const [key, a] of Object.entries(attrs)) if (a.required && !(key in value)) out.push(`${path}.${key} is required`);
  return out;
}

describe('against the provider schema', () => {
  const trimmed = readTrimmedSchema(GRAFANA_SCHEMA_FILE);

  test(`every synthesized grafana_* resource uses only arguments of the v${trimmed.source.version} schema and sets every required one`, () => {
    // given the provider's schema, trimmed to the resources the bindings use (committed)
    const schema = trimmed.schema as Json;
    const provider = schema.provider_schemas[GRAFANA_PROVIDER_ADDRESS] as Json;
    // when
    const problems = Object.entries(out.resource as Record<string, Record<string, Json>>)
      .filter(([type]) => type.startsWith('grafana_'))
      .flatMap(([type, rs]) =>
        Object.entries(rs).flatMap(([name, r]) => schemaProblems(provider.resource_schemas[type].block, r, `${type}.${name}`)),
      );
    problems.push(...schemaProblems(provider.provider.block, out.provider.grafana[0], 'provider.grafana'));
    // then
    expect(problems).toEqual([]);
  });
});

describe('npm run synth', () => {
  test('writes cdktf.out/stacks/<env>-observability/cdk.tf.json for the example environment', () => {
    // given an empty output directory
    const dir = mkdtempSync(join(tmpdir(), 'synth-'));
    try {
      // when the synth app runs as `npm run synth` runs it after `slo generate`: bin/synth.js, main.ts
      // bundled and run with plain node (tests/bin/synth.test.ts proves it writes what main.ts through tsx writes)
      const r = spawnSync(process.execPath, ['bin/synth.js'], {
        env: { ...process.env, CDKTF_OUTDIR: dir },
        encoding: 'utf8',
      });
      // then
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const file = join(dir, 'stacks', 'example-observability', 'cdk.tf.json');
      expect(existsSync(file)).toBe(true);
      const json = JSON.parse(readFileSync(file, 'utf8')) as Json;
      expect(Object.keys(json.resource).sort()).toEqual([
        // the data source syncer of grafana.prometheusSource managed
        'google_cloud_run_v2_job',
        'google_cloud_run_v2_job_iam_member',
        'google_cloud_scheduler_job',
        'google_project_iam_member',
        'google_secret_manager_secret_iam_member',
        'google_service_account',
        'grafana_contact_point',
        'grafana_dashboard',
        'grafana_data_source',
        'grafana_folder',
        'grafana_message_template',
        'grafana_notification_policy',
        'grafana_rule_group',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Prometheus data source on Cloud Monitoring (grafana.prometheusSource)', () => {
  // given the example (prometheusSource managed) and the same environment reading a URL instead
  const urlEnv: EnvironmentConfig = { ...env, name: 'byurl', grafana: { ...env.grafana, prometheusSource: 'url' } };
  let urlOut: Json;
  beforeAll(() => {
    urlOut = JSON.parse(Testing.synth(addObservabilityStack(Testing.app(), { env: urlEnv, catalog }), true)) as Json;
  });
  const prometheusOf = (json: Json) => resources(json, 'grafana_data_source').find((d) => d.type === 'prometheus')!;
  const syncer = () => env.grafana.datasourceSyncer!;

  test("points the data source at Cloud Monitoring's PromQL endpoint of the project, with the settings the syncer writes", () => {
    const ds = prometheusOf(out);
    expect(env.grafana.prometheusSource).toBe('managed');
    expect(ds).toMatchObject({
      uid: grafanaNames(env).prometheusUid,
      url: `https://monitoring.googleapis.com/v1/projects/${env.gcp.project}/location/global/prometheus/`,
      is_default: true,
    });
    expect(JSON.parse(ds.json_data_encoded)).toEqual({
      httpMethod: 'GET',
      prometheusType: 'Prometheus',
      prometheusVersion: '2.40.0',
      queryTimeout: '2m',
      timeout: '120',
      timeInterval: '30s',
    });
  });

  test('leaves the Authorization header the syncer writes to the syncer: Terraform ignores it', () => {
    const ds = prometheusOf(out);
    expect(ds.lifecycle.ignore_changes).toEqual(expect.arrayContaining(['http_headers', 'secure_json_data_encoded']));
    expect(ds.http_headers).toBeUndefined();
    expect(ds.secure_json_data_encoded).toBeUndefined();
  });

  test('runs the syncer as a Cloud Run job for that data source, reading the Grafana token from Secret Manager by reference', () => {
    const job = only(out, 'google_cloud_run_v2_job');
    const [container] = job.template.template.containers as Json[];
    const [, project, , secret, , version] = syncer().tokenSecret.split('/');
    expect(container).toMatchObject({
      image: syncer().image,
      command: [
        '/bin/datasource-syncer',
        `--datasource-uids=${grafanaNames(env).prometheusUid}`,
        `--grafana-api-endpoint=${env.grafana.url}`,
        `--grafana-api-token=$(${GRAFANA_TOKEN_ENV})`,
        `--project-id=${env.gcp.project}`,
      ],
      env: [{ name: GRAFANA_TOKEN_ENV, value_source: { secret_key_ref: { secret: `projects/${project}/secrets/${secret}`, version } } }],
    });
    expect(job.location).toBe(primaryRegion(env).name);
  });

  test('starts the job on the configured schedule through the Cloud Run Admin API, as its own service account', () => {
    const schedule = only(out, 'google_cloud_scheduler_job');
    const job = only(out, 'google_cloud_run_v2_job');
    expect(schedule).toMatchObject({
      schedule: syncer().schedule,
      region: primaryRegion(env).name,
      http_target: {
        http_method: 'POST',
        uri: `https://run.googleapis.com/v2/projects/${env.gcp.project}/locations/${job.location}/jobs/${job.name}:run`,
        oauth_token: { service_account_email: job.template.template.service_account },
      },
    });
  });

  test('lets the syncer account read monitoring data and the token secret, and run its job, nothing more', () => {
    const sa = only(out, 'google_service_account');
    const member = `serviceAccount:\${google_service_account.${Object.keys(out.resource.google_service_account)[0]}.email}`;
    expect(sa.account_id).toBe(names.grafanaSyncerServiceAccount(env));
    expect(resources(out, 'google_project_iam_member').map((m) => [m.role, m.member])).toEqual([[SYNCER_PROJECT_ROLE, member]]);
    expect(resources(out, 'google_secret_manager_secret_iam_member').map((m) => [m.role, m.member])).toEqual([
      ['roles/secretmanager.secretAccessor', member],
    ]);
    expect(resources(out, 'google_cloud_run_v2_job_iam_member').map((m) => [m.role, m.member])).toEqual([['roles/run.invoker', member]]);
  });

  test('writes no Grafana or Google credential into the stack, only the secret reference', () => {
    const text = JSON.stringify(out);
    expect(text).not.toMatch(/Bearer |glsa_|ya29\./);
    expect(text).toContain(syncer().tokenSecret.replace(/\/versions\/.*$/, ''));
  });

  test('with prometheusSource url, reads grafana.prometheusUrl and runs no syncer', () => {
    const ds = prometheusOf(urlOut);
    expect(ds).toMatchObject({ uid: grafanaNames(urlEnv).prometheusUid, url: urlEnv.grafana.prometheusUrl, is_default: true });
    expect(JSON.parse(ds.json_data_encoded)).toEqual({ httpMethod: 'POST', prometheusType: 'Prometheus', timeInterval: '30s' });
    expect(ds.lifecycle).toBeUndefined();
    for (const type of ['google_cloud_run_v2_job', 'google_cloud_scheduler_job', 'google_service_account'])
      expect(resources(urlOut, type)).toEqual([]);
  });

  test('keeps the data source uid, and every dashboard and Grafana-managed rule reading it, the same whichever the source', () => {
    // given the same environment under both names' uids (the uid is derived from the environment name)
    const sameName: EnvironmentConfig = { ...urlEnv, name: env.name };
    const sameOut = JSON.parse(Testing.synth(addObservabilityStack(Testing.app(), { env: sameName, catalog }), true)) as Json;
    // then the data source keeps its uid, and dashboards and rule groups are identical
    expect(prometheusOf(sameOut).uid).toBe(prometheusOf(out).uid);
    expect(out.resource.grafana_dashboard).toEqual(sameOut.resource.grafana_dashboard);
    expect(out.resource.grafana_rule_group).toEqual(sameOut.resource.grafana_rule_group);
    expect(resources(out, 'grafana_rule_group').length).toBeGreaterThan(0);
    expect(JSON.stringify(out.resource.grafana_rule_group)).toContain(`"datasource_uid":"${grafanaNames(env).prometheusUid}"`);
  });
});
