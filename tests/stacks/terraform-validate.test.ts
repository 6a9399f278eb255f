/**
 * Terraform itself checks every stack, offline: every environment file in environments/ and the
 * fixture environments (one region; production-shaped with a state bucket) are synthesized, and
 * each stack's shadow (scripts/terraform-shadow.ts) goes through `terraform init -backend=false`
 * and `terraform validate`. The same check fails on a dashboard with an unescaped `${datasource}`,
 * a reference to a missing resource and a cross-stack reference to a missing output.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvironmentOrThrow } from '../../environments/load';
import {
  checkStackSets,
  formatDiagnostic,
  rewriteTemplate,
  type ShadowCheck,
  shadowStack,
  synthesizeEnvironment,
  TERRAFORM_INSTALL_HINT,
  terraformBinary,
  type TfJson,
} from '../../scripts/terraform-shadow';

const yamlIn = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(dir, f));
/** Every environment file of the package and of the fixtures. */
const ENV_FILES = [...yamlIn('environments'), ...yamlIn('tests/fixtures/environments')];

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'terraform-validate-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the terraform CLI', () => {
  test('fails with an install hint when terraform is missing, never skips', () => {
    // given a TERRAFORM that does not exist
    const saved = process.env.TERRAFORM;
    process.env.TERRAFORM = join(tmpdir(), 'no-such-terraform');
    try {
      // when / then
      expect(() => terraformBinary()).toThrow(TERRAFORM_INSTALL_HINT);
    } finally {
      if (saved === undefined) delete process.env.TERRAFORM;
      else process.env.TERRAFORM = saved;
    }
  });
});

describe('the tested environments', () => {
  test('include the example, a single-region and a production-shaped environment with a state bucket', () => {
    const envs = ENV_FILES.map((f) => loadEnvironmentOrThrow(f));
    expect(envs.map((e) => e.name)).toContain('example');
    expect(envs.some((e) => e.gcp.regions.length === 1)).toBe(true);
    expect(envs.some((e) => e.production && e.gcp.stateBucket !== undefined)).toBe(true);
  });
});

describe('terraform validate on the shadow of every stack', () => {
  const synthesized = new Map<string, Map<string, TfJson>>();
  const checks = new Map<string, ShadowCheck>();

  /** The example environment's stack whose name ends with `suffix`, copied under a name of its own. */
  const exampleStack = (suffix: string): [string, TfJson] => {
    const stacks = synthesized.get('environments/example.yaml')!;
    const name = [...stacks.keys()].find((s) => s.endsWith(suffix))!;
    return [`broken-${name}`, structuredClone(stacks.get(name)!)];
  };
  // given the example observability stack with the escaping of one dashboard undone
  const unescaped = () => {
    const [name, stack] = exampleStack('-observability');
    const [id, dashboard] = Object.entries(stack.resource.grafana_dashboard as TfJson)[0]!;
    expect(dashboard.config_json).toContain('$${datasource}');
    dashboard.config_json = dashboard.config_json.replaceAll('$${datasource}', '${datasource}');
    const occurrences = dashboard.config_json.split('${datasource}').length - 1;
    return { name, id, occurrences, stacks: new Map([[name, stack]]) };
  };
  // given the example network stack with a subnet pointing at a network that is not there
  const undeclared = () => {
    const [name, stack] = exampleStack('-network');
    const [id, subnet] = Object.entries(stack.resource.google_compute_subnetwork as TfJson)[0]!;
    expect(subnet.network).toMatch(/^\$\{google_compute_network\.[\w-]+\.id\}$/);
    subnet.network = '${google_compute_network.missing.id}';
    return { name, id, stacks: new Map([[name, stack]]) };
  };
  /** A stack whose output `o` reads output `output` of stack `producer`, as cdktf writes it. */
  const consumerOf = (producer: string, output: string): TfJson => ({
    data: {
      terraform_remote_state: {
        [`cross-stack-reference-input-${producer}`]: { backend: 'local', config: { path: 'x' }, workspace: '${terraform.workspace}' },
      },
    },
    output: { o: { value: `\${data.terraform_remote_state.cross-stack-reference-input-${producer}.outputs.${output}}` } },
  });
  // given a consumer stack reading output "gone" of a producer stack that declares none
  const crossStack = () =>
    new Map([
      ['producer', {}],
      ['consumer', consumerOf('producer', 'gone')],
    ]);
  // given a stack reading an output of a stack of another environment checked in the same run
  const otherEnvironment = () =>
    new Map([
      ['producer-elsewhere', { output: { here: { value: 'x' } } }],
      ['consumer-elsewhere', consumerOf('producer', 'gone')],
      ['consumer-here', consumerOf('producer-elsewhere', 'here')],
    ]);
  let cases: { unescaped: ReturnType<typeof unescaped>; undeclared: ReturnType<typeof undeclared> };
  let found: ShadowCheck[];

  beforeAll(async () => {
    // given every environment synthesized, and the broken stacks below, each set its own environment
    for (const file of ENV_FILES) synthesized.set(file, synthesizeEnvironment(file, join(work, file.replace(/\W/g, '_'))));
    cases = { unescaped: unescaped(), undeclared: undeclared() };
    const broken = [cases.unescaped.stacks, cases.undeclared.stacks, crossStack(), otherEnvironment()];
    // when all are checked in one terraform run (a run of their own for the broken stacks cost
    // terraform about 1 CPU-s more); a diagnostic is reported with the set of its stack only
    const results = await checkStackSets([...ENV_FILES.map((file) => synthesized.get(file)!), ...broken], join(work, 'shadow'));
    ENV_FILES.forEach((file, i) => checks.set(file, results[i]!));
    found = results.slice(ENV_FILES.length);
  }, 120_000);

  test.each(ENV_FILES)('terraform parses every template and resolves every reference of every stack of %s', (file) => {
    const check = checks.get(file)!;
    // then every synthesized stack was checked, and terraform found nothing
    expect(check.stacks).toEqual([...synthesized.get(file)!.keys()]);
    expect(check.diagnostics.map(formatDiagnostic)).toEqual([]);
  });

  describe('on broken stacks, each checked as its own environment in the same terraform run', () => {
    test('fails with "Invalid reference" when one dashboard string holds an unescaped ${datasource}', () => {
      // then every diagnostic is an invalid reference in that dashboard, one per occurrence
      const { name, id, occurrences } = cases.unescaped;
      expect(found[0]!.diagnostics).toHaveLength(occurrences);
      for (const d of found[0]!.diagnostics)
        expect(formatDiagnostic(d)).toMatch(new RegExp(`^${name}: grafana_dashboard\\.${id}: Invalid reference: `));
    });

    test('fails when a reference names a resource the stack does not declare', () => {
      // then
      const { name, id } = cases.undeclared;
      expect(found[1]!.diagnostics.map(formatDiagnostic)).toEqual([
        `${name}: google_compute_subnetwork.${id}: Reference to undeclared resource: A managed resource "google_compute_network" "missing" has not been declared in module.${name}.`,
      ]);
    });

    test('fails when a cross-stack reference reads an output its producer does not declare', () => {
      // then
      expect(found[2]!.diagnostics.map(formatDiagnostic)).toEqual([
        'consumer: Reference to undeclared cross-stack output: stack producer declares no output "gone"',
      ]);
    });

    test('resolves a cross-stack reference within its own environment only', () => {
      // then the stack of another environment is not found; one of its own is
      expect(found[3]!.diagnostics.map(formatDiagnostic)).toEqual([
        'consumer-elsewhere: Reference to undeclared cross-stack output: no stack named producer in this environment',
      ]);
    });

    test('refuses environments that share a stack name, before running terraform', async () => {
      // given two environments with a stack of the same name
      const stacks = crossStack();
      // when / then
      await expect(checkStackSets([stacks, stacks], join(work, 'shared-name'))).rejects.toThrow(
        'stack name "producer" is in more than one set checked together',
      );
    });
  });
});

describe('shadowStack', () => {
  test('turns resources, data sources and providers into terraform_data and points references at them', () => {
    // given a stack with a provider, a resource, a data source, a local, an output and depends_on
    const stack: TfJson = {
      '//': { metadata: {} },
      terraform: { backend: { local: { path: 'x' } }, required_providers: { google: { source: 'google' } } },
      provider: { google: [{ project: 'p' }] },
      data: { google_x: { d: { name: 'n' } } },
      resource: {
        google_y: {
          r: {
            '//': { metadata: { path: 'a/b' } },
            name: '${data.google_x.d.value}-${local.suffix}',
            labels: { '${google_y.other.id}': 'v' },
            depends_on: ['google_y.other'],
            lifecycle: { prevent_destroy: true, ignore_changes: ['labels'] },
            provider: 'google',
          },
          other: {},
        },
      },
      locals: { suffix: '${google_y.other.name}' },
      output: { out: { value: '${google_y.r.name}' } },
    };
    // when
    const { config, problems } = shadowStack(stack);
    // then
    expect(problems).toEqual([]);
    expect(config).toEqual({
      resource: {
        terraform_data: {
          data__google_x__d: { input: { name: 'n' } },
          google_y__r: {
            input: {
              name: '${terraform_data.data__google_x__d.output.value}-${local.suffix}',
              labels: { '${terraform_data.google_y__other.output.id}': 'v' },
            },
            depends_on: ['terraform_data.google_y__other'],
            lifecycle: { prevent_destroy: true },
          },
          google_y__other: { input: {} },
          provider__google__0: { input: { project: 'p' } },
        },
      },
      locals: { suffix: '${terraform_data.google_y__other.output.name}' },
      output: { out: { value: '${terraform_data.google_y__r.output.name}' } },
    });
  });

  test('rejects what it cannot model instead of dropping it', () => {
    const { problems } = shadowStack({ resource: { google_y: { r: { count: 2, lifecycle: { precondition: [] } } } }, moved: [{}] });
    expect(problems).toEqual([
      'google_y.r: the shadow does not model count',
      'google_y.r: the shadow does not model lifecycle.precondition',
      'top-level block "moved": the shadow does not model it',
    ]);
  });
});

describe('rewriteTemplate', () => {
  const upper = (code: string) => code.toUpperCase();
  test.each([
    ['plain text', 'plain text'],
    ['a ${b.c} d', 'a ${B.C} d'],
    ['literal $${b.c} and %%{ if }', 'literal $${b.c} and %%{ if }'],
    // Terraform reads `$` and then the literal form `$${`: no expression
    ['$$${b}', '$$${b}'],
    ['%{ if x }y%{ endif }', '%{ IF X }y%{ ENDIF }'],
    ['${f("q ${g.h} }", {k = 1})}', '${F("q ${G.H} }", {K = 1})}'],
    ['unterminated ${a.b', 'unterminated ${a.b'],
  ])('rewrites the expressions of %j and nothing else', (template, expected) => {
    expect(rewriteTemplate(template, upper)).toBe(expected);
  });
});
