/**
 * The framework boundary: every literal string a stack synthesizes reaches Terraform as literal
 * text (`${` → `$${`, `%{` → `%%{`), while references stay references. Read back by Terraform
 * itself (`terraform console`), so the test proves what Terraform sees, not what we wrote.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, escapeTerraformTemplates, Fn, TerraformStack, Testing, Token, tokenLookalikes } from '../../constructs/framework';
import { GoogleProvider, ProjectIamMember, ServiceAccount } from '../../constructs/google/bindings';
import { checkStacks, formatDiagnostic, terraformReadBack, type TfJson } from '../../scripts/terraform-shadow';

const HOSTILE = ['owner ${file("/etc/hostname")}', '%{ if true }x%{ endif }', 'a $${b} $$${c} %%{ d }', 'unclosed ${ and %{', 'plain'];

describe('escapeTerraformTemplates', () => {
  let back: string[];
  // when every hostile text is escaped and read back by terraform, in one console run
  beforeAll(() => {
    back = terraformReadBack(HOSTILE.map(escapeTerraformTemplates));
  });

  test.each(HOSTILE.map((text, i) => [text, i] as const))('terraform reads the escaped form of %j back as the text itself', (text, i) => {
    // then terraform sees the text exactly as written
    expect(back[i]).toBe(text);
  });
});

describe('a stack synthesizes literal text literally and references as references', () => {
  let dir: string;
  let a: TfJson;
  let b: TfJson;

  beforeAll(() => {
    // given two stacks: a service account whose display name is hostile text, and an IAM member
    // in another stack mixing hostile text with references to that account (cross-stack)
    dir = mkdtempSync(join(tmpdir(), 'framework-escape-'));
    const app = new App({ outdir: dir, context: { '@cdktf/disable_stack_trace_in_metadata': true } });
    const producer = new TerraformStack(app, 'producer');
    new GoogleProvider(producer, 'Google', {});
    const account = new ServiceAccount(producer, 'Account', { accountId: 'runtime', displayName: HOSTILE[0], description: HOSTILE[1] });
    new ProjectIamMember(producer, 'Local', { project: 'p', role: `roles/${HOSTILE[3]}`, member: `serviceAccount:${account.email}` });
    const consumer = new TerraformStack(app, 'consumer');
    new GoogleProvider(consumer, 'Google', {});
    new ProjectIamMember(consumer, 'Remote', {
      project: `cost \${ ${account.email}`,
      role: `%{ if } ${account.name}`,
      member: `serviceAccount:${account.email}`,
      condition: { title: account.email, expression: 'true' },
    });
    // when the app synthesizes
    app.synth();
    const read = (name: string) => JSON.parse(readFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as TfJson;
    a = read('producer');
    b = read('consumer');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('spec text with a Terraform template arrives literally in resource attributes', () => {
    const account = Object.values(a.resource.google_service_account)[0] as TfJson;
    expect(account.display_name).toBe('owner $${file("/etc/hostname")}');
    expect(terraformReadBack([account.display_name, account.description])).toEqual([HOSTILE[0], HOSTILE[1]]);
  });

  test('a reference in the same stack stays a reference', () => {
    const member = Object.values(a.resource.google_project_iam_member)[0] as TfJson;
    expect(member.member).toMatch(/^serviceAccount:\$\{google_service_account\.Account\.email\}$/);
    expect(member.role).toBe('roles/unclosed $${ and %%{');
  });

  test('a cross-stack reference stays a reference, next to escaped text in the same string', () => {
    const member = Object.values(b.resource.google_project_iam_member)[0] as TfJson;
    const remote = /\$\{data\.terraform_remote_state\.cross-stack-reference-input-producer\.outputs\.[\w-]+\}/.source;
    // then the literal `${` before the reference is escaped and the reference keeps its braces
    expect(member.project).toMatch(new RegExp(`^cost \\$\\$\\{ ${remote}$`));
    expect(member.role).toMatch(new RegExp(`^%%\\{ if \\} ${remote}$`));
    expect(member.condition.title).toMatch(new RegExp(`^${remote}$`));
    // and the remote state keeps cdktf's workspace expression
    expect(Object.values(b.data.terraform_remote_state as TfJson)[0].workspace).toBe('${terraform.workspace}');
  });

  test('terraform resolves every reference of both stacks, the cross-stack ones to declared outputs', async () => {
    const work = mkdtempSync(join(tmpdir(), 'framework-escape-shadow-'));
    try {
      const check = await checkStacks(
        new Map([
          ['producer', a],
          ['consumer', b],
        ]),
        work,
      );
      expect(check.diagnostics.map(formatDiagnostic)).toEqual([]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('Testing.synth of a project stack escapes too', () => {
    const stack = new TerraformStack(Testing.app(), 'scratch');
    new GoogleProvider(stack, 'Google', {});
    new ServiceAccount(stack, 'Account', { accountId: 'runtime', displayName: HOSTILE[1] });
    expect(Testing.synth(stack)).toContain('"display_name": "%%{ if true }x%%{ endif }"');
  });
});

describe('tokenLookalikes', () => {
  const numberToken = Token.asNumber(Fn.abs(-1));
  test.each([
    ['a string marker', '${TfToken[TOKEN.1]}', ['x']],
    ['a list marker', '#{TfToken[TOKEN.1]}', ['x']],
    ['a map marker', '&{TfToken[TOKEN.1]}', ['x']],
    ['a number token written in text', `within ${numberToken} ms`, ['x']],
    ['a number token', numberToken, ['x']],
    ['a key holding a marker', { '${TfToken[TOKEN.1]}': 1 }, ['x (key "${TfToken[TOKEN.1]}")']],
    ['a nested field', { a: [{ b: 'x ${TfToken[TOKEN.2]}' }] }, ['x.a[0].b']],
    ['a Terraform template', '${file("/etc/hostname")}', []],
    ['an ordinary exponent', 'within 1e5 ms', []],
    ['an ordinary number', 1e300, []],
  ])('names %s', (_, value, expected) => {
    expect(tokenLookalikes(value, 'x')).toEqual(expected);
  });
});
