/**
 * Spec and environment text holding Terraform template sequences, through the whole pipeline:
 * load, render, synthesize every stack of the example environment, then Terraform itself reads
 * the values back. Grafana and Cloud Monitoring get the text as written; nothing is evaluated.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from '../../constructs/framework';
import { loadEnvironmentOrThrow } from '../../environments/load';
import { checkStacks, formatDiagnostic, synthesizeEnvironment, terraformReadBack, type TfJson } from '../../scripts/terraform-shadow';
import { loadCatalog } from '../../slos/load';
import type { SloCatalog } from '../../slos/model';
import { composeEnvironment } from '../../stacks/app';

const FILE_CALL = '${file("/etc/hostname")}';
const DIRECTIVE = '%{ if true }light%{ endif }';
/** Each hostile value and where it is put; every one must reach Terraform as this exact text. */
const HOSTILE = {
  owner: `identity-${FILE_CALL}`,
  runbookUrl: `https://runbooks.acme.io/light?host=${FILE_CALL}`,
  description: `${DIRECTIVE} API requests complete within 50 ms.`,
  image: `europe-docker.pkg.dev/example-platform-prod/platform/api:1.0.0-${FILE_CALL}`,
} as const;

/** A copy of `text` with `from` replaced once; fails when `from` is not there. */
function replaceOnce(text: string, from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, () => to);
}

/** Every string of `json` (object keys too) matching `re`, with its resource type. */
function stringsMatching(json: TfJson, re: RegExp): { type: string; value: string }[] {
  const out: { type: string; value: string }[] = [];
  const walk = (v: unknown, type: string): void => {
    if (typeof v === 'string') {
      if (re.test(v)) out.push({ type, value: v });
    } else if (v && typeof v === 'object') {
      for (const [k, c] of Object.entries(v)) {
        if (re.test(k)) out.push({ type, value: k });
        walk(c, type);
      }
    }
  };
  for (const [type, byName] of Object.entries((json.resource ?? {}) as TfJson)) walk(byName, type);
  return out;
}

describe('spec and environment text with Terraform templates', () => {
  let dir: string;
  let stacks: Map<string, TfJson>;
  let found: { type: string; value: string }[];
  let readBack: string[];

  beforeAll(() => {
    // given the bundled specs with a hostile owner (auth), runbook URL and description (api), and
    // the example environment with a hostile service image
    dir = mkdtempSync(join(tmpdir(), 'template-escaping-'));
    const slos = join(dir, 'slos');
    mkdirSync(slos);
    for (const f of readdirSync('slos').filter((f) => f.endsWith('.yaml') || f.endsWith('.json')))
      copyFileSync(join('slos', f), join(slos, f));
    const auth = readFileSync(join(slos, 'auth.yaml'), 'utf8');
    writeFileSync(join(slos, 'auth.yaml'), replaceOnce(auth, 'owner: identity', `owner: '${HOSTILE.owner}'`));
    let api = readFileSync(join(slos, 'api.yaml'), 'utf8');
    api = replaceOnce(
      api,
      'description: 99 % of light (non-webhook) API requests complete within 50 ms.',
      `description: '${HOSTILE.description}'`,
    );
    api = replaceOnce(
      api,
      'runbookUrl: https://github.com/slo-platform/slo-platform/blob/main/docs/runbooks/slos.md#light-endpoint-latency',
      `runbookUrl: '${HOSTILE.runbookUrl}'`,
    );
    writeFileSync(join(slos, 'api.yaml'), api);
    const envFile = join(dir, 'example.yaml');
    const env = readFileSync('environments/example.yaml', 'utf8');
    writeFileSync(
      envFile,
      replaceOnce(env, 'image: europe-docker.pkg.dev/example-platform-prod/platform/api:1.0.0', `image: '${HOSTILE.image}'`),
    );
    // when every stack is synthesized, and Terraform reads back every string holding hostile text
    stacks = synthesizeEnvironment(envFile, join(dir, 'cdktf.out'), slos);
    found = [...stacks.values()].flatMap((json) => stringsMatching(json, /file\(|if true/));
    readBack = terraformReadBack(found.map((f) => f.value));
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('spec text with a Terraform template arrives literally in Grafana labels, annotations and dashboards', () => {
    const grafana = readBack.filter((_, i) => found[i]!.type.startsWith('grafana_'));
    expect(grafana.some((v) => v === HOSTILE.owner)).toBe(true); // alert label team
    expect(grafana.some((v) => v === HOSTILE.runbookUrl)).toBe(true); // runbook_url annotation
    expect(grafana.some((v) => v.startsWith('{') && v.includes(HOSTILE.description))).toBe(true); // dashboard JSON
  });

  test('spec text with a Terraform template arrives literally in Cloud Monitoring documentation', () => {
    const monitoring = readBack.filter((_, i) => found[i]!.type.startsWith('google_monitoring_'));
    expect(monitoring.some((v) => v === HOSTILE.runbookUrl)).toBe(true); // documentation link
    expect(monitoring.some((v) => v !== HOSTILE.runbookUrl && v.includes(HOSTILE.runbookUrl))).toBe(true); // documentation text
  });

  test('environment text with a Terraform template arrives literally as the Cloud Run image', () => {
    const run = readBack.filter((_, i) => found[i]!.type === 'google_cloud_run_v2_service');
    expect(run.length).toBeGreaterThan(0);
    expect(run.every((v) => v === HOSTILE.image)).toBe(true);
  });

  test('every string holding hostile text is read by Terraform with the text intact, nothing evaluated', () => {
    const intact = (v: string) => Object.values(HOSTILE).some((h) => v.includes(h) || v.includes(JSON.stringify(h).slice(1, -1)));
    expect(readBack.filter((v) => !intact(v))).toEqual([]);
  });

  test('terraform validates every stack holding the hostile text', async () => {
    const check = await checkStacks(stacks, join(dir, 'shadow'));
    expect(check.diagnostics.map(formatDiagnostic)).toEqual([]);
  });
});

describe("spec and environment text in cdktf's own token syntax", () => {
  const catalog = loadCatalog({ slosDir: 'slos' }).catalog as SloCatalog;
  const env = loadEnvironmentOrThrow('example', catalog);

  test('rejects a spec owner holding ${TfToken[…]} instead of replacing it with an internal reference', () => {
    // given the catalog with one SLO's team naming a token of the app (without the check, cdktf
    // puts a cross-stack reference to the Redis AUTH secret version in the alert labels)
    const [first, ...rest] = catalog.slos;
    const forged: SloCatalog = { ...catalog, slos: [{ ...first!, team: 'x-${TfToken[TOKEN.40]}' }, ...rest] };
    // when / then
    expect(() => composeEnvironment(Testing.app(), { env, catalog: forged })).toThrow(
      new RegExp(`^slo ${first!.id}\\.team: cdktf would read this text as one of its own tokens`),
    );
  });

  test('rejects an environment field holding a list-token marker', () => {
    const forged = { ...env, service: { ...env.service, image: '#{TfToken[TOKEN.7]}' } };
    expect(() => composeEnvironment(Testing.app(), { env: forged, catalog })).toThrow(/^environment\.service\.image: cdktf would read/);
  });
});
