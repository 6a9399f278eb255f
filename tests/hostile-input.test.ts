/**
 * The hostile-input table of docs/hostile-input.md, as tests: every row of the table is a case
 * here and every case a row, and each case runs through the stages its row names (`slo validate`,
 * `slo generate`, `promtool check rules`, the loaders and stacks of `npm run synth`, git).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { findPromtool, PROMTOOL_INSTALL_HINT } from '../bin/commands/test';
import { escapeTerraformTemplates, Testing } from '../constructs/framework';
import { loadEnvironment } from '../environments/load';
import { loadCatalog } from '../slos/load';
import type { SloCatalog } from '../slos/model';
import { formatProblem } from '../slos/problems';
import { terraformBinary } from '../scripts/terraform-shadow';
import { addObservabilityStack } from '../stacks/observability';
import { runCli } from './bin/run-cli';

type Stage = 'validate' | 'generate' | 'promtool' | 'synth' | 'git';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped

/** A spec value accepted as text: it must arrive literally everywhere and steer nothing. */
interface AcceptedSpecText {
  readonly kind: 'accepted-spec-text';
  /** Label key (in the hostile spec's `labels`) or `description`, and the value. */
  readonly field: string;
  readonly value: string;
}
/** A spec file (or a thing named like one) that must be refused with a message. */
interface RefusedSpec {
  readonly kind: 'refused-spec';
  /** Creates the hostile entry in `dir` and returns its file name. */
  readonly make: (dir: string) => string;
  readonly message: RegExp;
  /** Text that must never appear in any output. */
  readonly secret?: string;
  /**
   * Runs the CLI and the cdktf app in child processes with a time limit (a hang must fail the
   * test, not block it).
   */
  readonly spawn?: boolean;
  /**
   * A named pipe, which a read waits on until something writes: the CLI runs in this process
   * while {@link feedPipe} holds a writer on it, so a read, against the rule, ends instead of
   * blocking jest itself; the cdktf app runs in a child process with a time limit.
   */
  readonly pipe?: boolean;
  /** Runs the CLI without the right to bypass file modes (root reads any file). */
  readonly unprivileged?: boolean;
}
/** An environment file that must be refused with a message. */
interface RefusedEnvironment {
  readonly kind: 'refused-environment';
  readonly make: (dir: string) => string;
  readonly message: RegExp;
  readonly secret?: string;
  readonly spawn?: boolean;
  readonly pipe?: boolean;
}
/** Paths git must ignore. */
interface Ignored {
  readonly kind: 'git-ignored';
  readonly paths: readonly string[];
}
type Case = AcceptedSpecText | RefusedSpec | RefusedEnvironment | Ignored;

const STAGES: Readonly<Record<Case['kind'], readonly Stage[]>> = {
  'accepted-spec-text': ['validate', 'generate', 'promtool', 'synth'],
  'refused-spec': ['validate', 'generate', 'synth'],
  'refused-environment': ['generate', 'synth'],
  'git-ignored': ['git'],
};

const VALID = readFileSync('tests/fixtures/slos/valid/checkout.yaml', 'utf8');
const EXAMPLE_ENV = readFileSync('environments/example.yaml', 'utf8');
const INJECTION = (br: string) => `x${br}  - record: injected_rule${br}    expr: vector(1)`;
const GO_TEMPLATE = '{{ with query "up" }}{{ . }}{{ end }}';

/** The checkout fixture as service `hostile`, with `edit` applied to its text. */
const spec = (edit: (text: string) => string = (t) => t) => edit(VALID.replace(/^service: checkout$/m, 'service: hostile'));
const specFile = (edit: (text: string) => string) => (dir: string) => {
  writeFileSync(join(dir, 'hostile.yaml'), spec(edit));
  return 'hostile.yaml';
};
const envFile = (edit: (text: string) => string) => (dir: string) => {
  writeFileSync(join(dir, 'hostile-env.yaml'), edit(EXAMPLE_ENV));
  return 'hostile-env.yaml';
};
const aliasBomb = [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${`*${'abcdefgh'[i]}, `.repeat(9).slice(0, -2)}]`),
].join('\n');
const mkfifo = (path: string) => {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr.toString()}`);
};
const servers: Server[] = [];

const CASES: Readonly<Record<string, Case>> = {
  'label-carriage-return': { kind: 'accepted-spec-text', field: 'hostile_cr', value: INJECTION('\r') },
  'label-next-line': { kind: 'accepted-spec-text', field: 'hostile_nel', value: INJECTION('\u0085') },
  'label-line-separator': { kind: 'accepted-spec-text', field: 'hostile_ls', value: INJECTION('\u2028') },
  'label-paragraph-separator': { kind: 'accepted-spec-text', field: 'hostile_ps', value: INJECTION('\u2029') },
  'label-control-characters': { kind: 'accepted-spec-text', field: 'hostile_controls', value: 'a\u0000b\u001bc\u007fd\u009be\ufefff' },
  'label-terraform-template': { kind: 'accepted-spec-text', field: 'hostile_tf', value: 'analytics-${file("/etc/hostname")}' },
  'label-terraform-directive': { kind: 'accepted-spec-text', field: 'hostile_tf_directive', value: '%{ if true }x%{ endif }' },
  'description-template': { kind: 'accepted-spec-text', field: 'description', value: `${GO_TEMPLATE} \${file("/etc/hostname")}` },
  'owner-template': {
    kind: 'refused-spec',
    make: specFile((t) => t.replace(/^owner: .*$/m, `owner: '${GO_TEMPLATE}'`)),
    message: /: owner is ".*"; must not contain \{\{ or \}\}: prometheus and grafana would run it as a go template/,
  },
  'labels-template': {
    kind: 'refused-spec',
    make: specFile((t) => t.replace(/^owner: (.*)$/m, "owner: $1\nlabels:\n  tier: '{{ $labels.instance }}'")),
    message: /: labels\.tier is "\{\{ \$labels\.instance \}\}"; must not contain \{\{ or \}\}/,
  },
  'alerting-labels-template': {
    kind: 'refused-spec',
    make: specFile((t) => t.replace(/^ {4}alerting:\n/m, `    alerting:\n      labels:\n        route: '${GO_TEMPLATE}'\n`)),
    message: /: slos\[0\]\.alerting\.labels\.route is ".*"; must not contain \{\{ or \}\}/,
  },
  'page-labels-template': {
    kind: 'refused-spec',
    make: specFile((t) =>
      t.replace(/^ {4}alerting:\n/m, `    alerting:\n      page:\n        labels:\n          route: '${GO_TEMPLATE}'\n`),
    ),
    message: /: slos\[0\]\.alerting\.page\.labels\.route is ".*"; must not contain \{\{ or \}\}/,
  },
  'runbook-template': {
    kind: 'refused-spec',
    make: specFile((t) => t.replace(/runbookUrl: .*/, "runbookUrl: 'https://runbooks.example.org/{{ $value | humanize }}'")),
    message: /: slos\[0\]\.alerting\.runbookUrl is ".*"; must not contain \{\{ or \}\}/,
  },
  'runbook-credentials': {
    kind: 'refused-spec',
    make: specFile((t) => t.replace(/runbookUrl: .*/, 'runbookUrl: https://admin:hunter2@runbooks.example.org/x')),
    message: /: slos\[0\]\.alerting\.runbookUrl holds a user name or password; allowed: a url without credentials/,
    secret: 'hunter2',
  },
  'runbook-javascript': {
    kind: 'refused-spec',
    make: specFile((t) => t.replace(/runbookUrl: .*/, "runbookUrl: 'javascript:alert(1)'")),
    message: /: slos\[0\]\.alerting\.runbookUrl is "javascript:alert\(1\)"; allowed: an http or https url/,
  },
  'sloth-label-template': {
    kind: 'refused-spec',
    make: (dir) => {
      const sloth = {
        version: 'prometheus/v1',
        service: 'hostile',
        labels: { owner: GO_TEMPLATE },
        slos: [
          {
            name: 'requests-availability',
            objective: 99.9,
            sli: { events: { error_query: 'sum(rate(x_errors[{{.window}}]))', total_query: 'sum(rate(x_total[{{.window}}]))' } },
          },
        ],
      };
      writeFileSync(join(dir, 'hostile.yaml'), stringify(sloth));
      return 'hostile.yaml';
    },
    message: /: labels\.owner is ".*"; must not contain \{\{ or \}\}/,
  },
  'service-name-300': {
    kind: 'refused-spec',
    make: specFile((t) => t.replace(/^service: hostile$/m, `service: ${'a'.repeat(300)}`)),
    message:
      /: service is "a{160}"… \(300 characters\); allowed: at most 63 characters; it becomes a label value, and google cloud label values hold at most 63/,
  },
  'alias-bomb': {
    kind: 'refused-spec',
    make: (dir) => {
      writeFileSync(join(dir, 'hostile.yaml'), `${aliasBomb}\n`);
      return 'hostile.yaml';
    },
    message: /hostile\.yaml:2:\d+: yaml aliases expand too far/,
  },
  'deep-nesting': {
    kind: 'refused-spec',
    make: (dir) => {
      writeFileSync(join(dir, 'hostile.yaml'), `a: ${'['.repeat(10000)}${']'.repeat(10000)}\n`);
      return 'hostile.yaml';
    },
    message: /hostile\.yaml:\d+:\d+: yaml syntax error: /,
  },
  fifo: {
    kind: 'refused-spec',
    make: (dir) => {
      mkfifo(join(dir, 'x.yaml'));
      return 'x.yaml';
    },
    message: /x\.yaml:1:1: .*x\.yaml is a named pipe \(fifo\); only regular files are read/,
    pipe: true,
  },
  socket: {
    kind: 'refused-spec',
    make: (dir) => {
      const server = createServer().listen(join(dir, 'x.yaml'));
      servers.push(server);
      return 'x.yaml';
    },
    message: /x\.yaml:1:1: .*x\.yaml is a socket; only regular files are read/,
  },
  'symlink-loop': {
    kind: 'refused-spec',
    make: (dir) => {
      symlinkSync('x.yaml', join(dir, 'x.yaml'));
      return 'x.yaml';
    },
    message: /x\.yaml:1:1: cannot read .*x\.yaml: a symbolic link loop/,
  },
  directory: {
    kind: 'refused-spec',
    make: (dir) => {
      mkdirSync(join(dir, 'x.yaml'));
      return 'x.yaml';
    },
    message: /x\.yaml:1:1: .*x\.yaml is a directory, not a spec file/,
  },
  unreadable: {
    kind: 'refused-spec',
    make: (dir) => {
      writeFileSync(join(dir, 'x.yaml'), spec());
      chmodSync(join(dir, 'x.yaml'), 0o000);
      return 'x.yaml';
    },
    message: /x\.yaml:1:1: cannot read .*x\.yaml: permission denied/,
    spawn: true,
    unprivileged: true,
  },
  'too-large': {
    kind: 'refused-spec',
    make: (dir) => {
      writeFileSync(join(dir, 'x.yaml'), '');
      truncateSync(join(dir, 'x.yaml'), 17 * 1024 * 1024);
      return 'x.yaml';
    },
    message: /x\.yaml:1:1: .*x\.yaml is 17825792 bytes; allowed: at most 16777216 bytes \(16 MiB\)/,
  },
  'not-utf8': {
    kind: 'refused-spec',
    make: (dir) => {
      writeFileSync(join(dir, 'x.yaml'), Buffer.concat([Buffer.from(spec().replace(/^owner: .*$/m, 'owner: pay')), Buffer.from([0xff])]));
      return 'x.yaml';
    },
    message: /x\.yaml:\d+:\d+: .*x\.yaml is not utf-8 text: byte 0xff at offset \d+ is invalid/,
  },
  'env-url-credentials': {
    kind: 'refused-environment',
    make: envFile((t) => t.replace('url: https://grafana.example.com', 'url: https://admin:hunter2@grafana.example.com')),
    message: /hostile-env\.yaml:\d+:\d+: grafana\.url holds a user name or password; allowed: a url without credentials/,
    secret: 'hunter2',
  },
  'env-url-credentials-production': {
    kind: 'refused-environment',
    make: envFile((t) =>
      t
        .replace('production: false', 'production: true')
        .replace('url: https://grafana.example.com', 'url: https://admin:hunter2@grafana.example.com'),
    ),
    message: /hostile-env\.yaml:\d+:\d+: grafana\.url holds a user name or password; allowed: a url without credentials/,
    secret: 'hunter2',
  },
  'env-prometheus-url-credentials': {
    kind: 'refused-environment',
    make: envFile((t) => t.replace('prometheusUrl: https://', 'prometheusUrl: https://reader:s3cr3t-pw@')),
    message: /hostile-env\.yaml:\d+:\d+: grafana\.prometheusUrl holds a user name or password/,
    secret: 's3cr3t-pw',
  },
  'env-literal-secret': {
    kind: 'refused-environment',
    make: envFile((t) =>
      t.replace('tokenSecret: projects/example-platform-prod/secrets/slack-bot-token/versions/latest', 'tokenSecret: xoxb-1234-real-token'),
    ),
    message: new RegExp(
      `hostile-env\\.yaml:\\d+:\\d+: notifications\\.critical\\.slack\\.tokenSecret is a value of ${'xoxb-1234-real-token'.length} characters \\(sha256 ${createHash('sha256').update('xoxb-1234-real-token').digest('hex').slice(0, 8)}…, not shown\\); must be a secret manager reference`,
    ),
    secret: 'xoxb-1234-real-token',
  },
  'env-production-no-state-bucket': {
    kind: 'refused-environment',
    make: envFile((t) => t.replace('production: false', 'production: true')),
    message: /hostile-env\.yaml:\d+:\d+: gcp\.stateBucket is missing; a production environment keeps its terraform state/,
  },
  'env-runbook-base-template': {
    kind: 'refused-environment',
    make: envFile((t) => t.replace(/^runbookBaseUrl: (.*)$/m, "runbookBaseUrl: '$1/{{ $labels.slo }}'")),
    message: /hostile-env\.yaml:\d+:\d+: runbookBaseUrl is ".*"; must not contain \{\{ or \}\}/,
  },
  'env-subnet-invalid': {
    kind: 'refused-environment',
    make: envFile((t) => t.replace('subnetCidr: 10.10.0.0/20', 'subnetCidr: 999.10.0.1/33')),
    message: /hostile-env\.yaml:\d+:\d+: gcp\.regions\[0\]\.subnetCidr "999\.10\.0\.1\/33" has the octet 999; allowed: 0 to 255/,
  },
  'env-subnet-public': {
    kind: 'refused-environment',
    make: envFile((t) => t.replace('subnetCidr: 10.10.0.0/20', 'subnetCidr: 0.0.0.0/0')),
    message: /hostile-env\.yaml:\d+:\d+: gcp\.regions\[0\]\.subnetCidr "0\.0\.0\.0\/0" is not in private address space/,
  },
  'env-subnet-overlap': {
    kind: 'refused-environment',
    make: envFile((t) => t.replace('subnetCidr: 10.30.0.0/20', 'subnetCidr: 10.20.4.0/24')),
    message:
      /hostile-env\.yaml:\d+:\d+: gcp\.regions\[2\]\.subnetCidr "10\.20\.4\.0\/24" overlaps gcp\.regions\[1\]\.subnetCidr "10\.20\.0\.0\/20" \(us-central1\)/,
  },
  'env-region-typo': {
    kind: 'refused-environment',
    make: envFile((t) => t.replace('- name: us-central1', '- name: fake-region9')),
    message:
      /hostile-env\.yaml:\d+:\d+: gcp\.regions\[1\]\.name "fake-region9" is not a google cloud region \(did you mean "[a-z0-9-]+"\?\)/,
  },
  'env-alias-bomb': {
    kind: 'refused-environment',
    make: (dir) => {
      writeFileSync(join(dir, 'hostile-env.yaml'), `${aliasBomb}\n`);
      return 'hostile-env.yaml';
    },
    message: /hostile-env\.yaml:2:\d+: yaml aliases expand too far/,
  },
  'env-fifo': {
    kind: 'refused-environment',
    make: (dir) => {
      mkfifo(join(dir, 'hostile-env.yaml'));
      return 'hostile-env.yaml';
    },
    message: /hostile-env\.yaml:1:1: .*hostile-env\.yaml is a named pipe \(fifo\); only regular files are read/,
    pipe: true,
  },
  'tfstate-ignored': {
    kind: 'git-ignored',
    paths: [
      'terraform.tfstate',
      'terraform.tfstate.backup',
      'stacks/x/terraform.tfstate',
      '.terraform/providers',
      'cdktf.out/stacks',
      'out/prometheus',
    ],
  },
};

/**
 * What Terraform itself reads from each string of synthesized JSON: `terraform console` evaluates
 * them as Terraform would and prints them base64-encoded (its own quoting of control characters is
 * not JSON).
 */
function readBack(values: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'slo-hostile-tf-'));
  try {
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ locals: { values } }));
    writeFileSync(join(dir, 'empty.tfrc'), '');
    const r = spawnSync(terraformBinary(), ['console', '-no-color'], {
      cwd: dir,
      input: 'join(",", [for v in local.values : base64encode(v)])\n',
      encoding: 'utf8',
      env: { ...process.env, TF_CLI_CONFIG_FILE: join(dir, 'empty.tfrc'), TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' },
    });
    if (r.status !== 0) throw new Error(`terraform console failed: ${r.stderr}`);
    return (JSON.parse(r.stdout.trim()) as string).split(',').map((b) => Buffer.from(b, 'base64').toString('utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The rows of the table in docs/hostile-input.md: case id and stages. */
function tableRows(): { id: string; stages: string[] }[] {
  const doc = readFileSync('docs/hostile-input.md', 'utf8');
  const table = /<!-- hostile-input:begin -->([\s\S]*?)<!-- hostile-input:end -->/.exec(doc)?.[1] ?? '';
  return table
    .split('\n')
    .filter((l) => /^\| `/.test(l))
    .map((l) => {
      const cells = l.split(/(?<!\\)\|/).map((c) => c.trim());
      return { id: cells[1]!.replace(/`/g, ''), stages: cells[4]!.split(/,\s*/) };
    });
}

const rows = tableRows();
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'slo-hostile-'));
});
afterAll(() => {
  for (const s of servers) s.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('docs/hostile-input.md', () => {
  test('lists exactly the cases this file runs, each with the stages it runs through', () => {
    // then
    expect(rows.map((r) => r.id).sort()).toEqual(Object.keys(CASES).sort());
    for (const row of rows) expect({ id: row.id, stages: row.stages }).toEqual({ id: row.id, stages: STAGES[CASES[row.id]!.kind] });
  });

  test('is linked from the README', () => {
    expect(readFileSync('README.md', 'utf8')).toContain('docs/hostile-input.md');
  });
});

/** A fresh copy of the shipped specs, so a run fails only because of the hostile entry. */
function specDir(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync('slos').filter((n) => n.endsWith('.yaml'))) copyFileSync(join('slos', f), join(dir, f));
  return dir;
}

/**
 * The command line for a child process, without root's permission to bypass file modes when the
 * case is about file permissions: root reads any file, so the child keeps uid 0 but loses
 * CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (util-linux `setpriv`). Dropping to another user
 * instead would also need every folder above the checkout to be open to that user.
 */
function command(c: { unprivileged?: boolean }, args: string[]): [string, string[]] {
  if (!c.unprivileged || process.getuid?.() !== 0) return [process.execPath, args];
  return ['setpriv', ['--bounding-set', '-dac_override,-dac_read_search', process.execPath, ...args]];
}

/**
 * Holds a writer on the named pipe at `path` until the returned function is called: a shell opens
 * it for writing, which waits for a reader, writes a line, closes it and, a second later, opens it
 * again. A read of the pipe, which the loaders must never start, then gets that line and an end of
 * file (the pause lets the reader see it before the next writer comes), so the run fails on its
 * message instead of waiting forever.
 */
function feedPipe(path: string): () => void {
  const feeder = spawn('sh', ['-c', 'trap "" PIPE; while :; do echo "x: 1" > "$0"; sleep 1; done', path], { stdio: 'ignore' });
  return () => feeder.kill('SIGKILL');
}

/** `slo <args>`: in-process, or in a child process with a time limit (optionally unprivileged). */
async function slo(c: { spawn?: boolean; unprivileged?: boolean }, ...args: string[]): Promise<{ code: number | null; output: string }> {
  if (!c.spawn) {
    const r = await runCli(...args);
    return { code: r.code, output: r.out + r.err };
  }
  const r = spawnSync(...command(c, ['bin/slo.js', ...args]), { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, output: `${r.stdout}${r.stderr}${r.error ? `\n${String(r.error)}` : ''}` };
}

/** The checks every refusal shares: exit 1, a file:line:col line matching, no stack trace, no secret. */
function expectRefusal(run: { code: number | null; output: string }, c: RefusedSpec | RefusedEnvironment): void {
  expect(run.output).toMatch(c.message);
  expect(run.output).not.toMatch(/^\s+at /m);
  if (c.secret) expect(run.output).not.toContain(c.secret);
  expect(run.code).toBe(1);
}

const refusedSpecs = rows.filter((r) => CASES[r.id]?.kind === 'refused-spec').map((r) => [r.id, CASES[r.id] as RefusedSpec] as const);
const refusedEnvironments = rows
  .filter((r) => CASES[r.id]?.kind === 'refused-environment')
  .map((r) => [r.id, CASES[r.id] as RefusedEnvironment] as const);
const acceptedTexts = rows
  .filter((r) => CASES[r.id]?.kind === 'accepted-spec-text')
  .map((r) => [r.id, CASES[r.id] as AcceptedSpecText] as const);
const ignored = rows.filter((r) => CASES[r.id]?.kind === 'git-ignored').map((r) => [r.id, CASES[r.id] as Ignored] as const);

describe.each(refusedSpecs)('%s', (id, c) => {
  let dir: string;
  let stopFeeding: (() => void) | undefined;
  beforeAll(() => {
    dir = specDir(id);
    const name = c.make(dir);
    if (c.pipe) stopFeeding = feedPipe(join(dir, name));
  });
  afterAll(() => stopFeeding?.());

  test('validate: exit 1, a file:line:col message naming the field, no stack trace', async () => {
    expectRefusal(await slo(c, 'validate', '--slos', dir, '--no-docs'), c);
  });

  test('generate: exit 1 and nothing written', async () => {
    // given
    const out = join(tmp, `${id}-out`);
    // when
    const run = await slo(c, 'generate', '--slos', dir, '--out', out);
    // then
    expectRefusal(run, c);
    expect(existsSync(out)).toBe(false);
  });

  if (!c.spawn && !c.pipe) {
    test('synth: the spec loader refuses it with the same message', () => {
      const { catalog, problems } = loadCatalog({ slosDir: dir });
      expect(catalog).toBeUndefined();
      expect(problems.map(formatProblem).join('\n')).toMatch(c.message);
    });
  } else {
    test('synth: the cdktf app exits 1 with the message', () => {
      expectRefusal(synth(c, { SLO_DIR: dir }), c);
    });
  }
});

describe.each(refusedEnvironments)('%s', (id, c) => {
  let path: string;
  let stopFeeding: (() => void) | undefined;
  beforeAll(() => {
    const dir = join(tmp, id);
    mkdirSync(dir);
    path = join(dir, c.make(dir));
    if (c.pipe) stopFeeding = feedPipe(path);
  });
  afterAll(() => stopFeeding?.());

  test('generate: exit 1, a file:line:col message naming the field, nothing written', async () => {
    // given
    const out = join(tmp, `${id}-out`);
    // when
    const run = await slo(c, 'generate', '--env', path, '--out', out);
    // then
    expectRefusal(run, c);
    expect(existsSync(out)).toBe(false);
  });

  if (!c.spawn && !c.pipe) {
    test('synth: the environment loader refuses it with the same message', () => {
      const { env, problems } = loadEnvironment(path);
      expect(env).toBeUndefined();
      const text = problems.map(formatProblem).join('\n');
      expect(text).toMatch(c.message);
      if (c.secret) expect(text).not.toContain(c.secret);
    });
  } else {
    test('synth: the cdktf app exits 1 with the message', () => {
      expectRefusal(synth(c, { SLO_ENV: path }), c);
    });
  }
});

/**
 * The cdktf app, as `npm run synth`, `cdktf synth` and `cdktf deploy` run it (cdktf.json's `app`:
 * node and its arguments), with `env` set, with a time limit.
 */
function synth(c: { message: RegExp; unprivileged?: boolean }, env: Record<string, string>): { code: number | null; output: string } {
  const outdir = mkdtempSync(join(tmp, 'cdktf-'));
  const [node, ...app] = (JSON.parse(readFileSync('cdktf.json', 'utf8')) as { app: string }).app.split(' ');
  expect(node).toBe('node');
  const r = spawnSync(...command(c, app), {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir },
  });
  return { code: r.status, output: `${r.stdout}${r.stderr}${r.error ? `\n${String(r.error)} (expecting ${String(c.message)})` : ''}` };
}

describe('hostile text that is accepted', () => {
  // given one spec holding every accepted hostile value (labels and the description), next to the
  // shipped specs; validated, generated, checked by promtool and synthesized once for all rows
  const labels = Object.fromEntries(acceptedTexts.filter(([, c]) => c.field !== 'description').map(([, c]) => [c.field, c.value]));
  const description = acceptedTexts.find(([, c]) => c.field === 'description')?.[1].value ?? 'hostile';
  let dir: string;
  let validate: { code: number | null; output: string };
  let generate: { code: number | null; output: string };
  let rules: { groups: { name: string; rules: Json[] }[] };
  let ruleText: string;
  let promtool: { status: number | null; output: string };
  let synthesized: Json;
  /** What Terraform itself reads from each hostile label of the first hostile Grafana rule, and from each dashboard. */
  let terraformLabels: Record<string, string>;
  let terraformDashboards: string[];

  beforeAll(async () => {
    dir = specDir('accepted');
    const doc = parse(spec()) as Json;
    doc.labels = labels;
    doc.slos[0].description = description;
    const text = stringify(doc);
    // the spec file itself carries the values escaped: parsing it gives them back unchanged
    expect((parse(text) as Json).labels).toEqual(labels);
    writeFileSync(join(dir, 'hostile.yaml'), text);
    validate = await slo({}, 'validate', '--slos', dir, '--no-docs');
    const out = join(tmp, 'accepted-out');
    generate = await slo({}, 'generate', '--slos', dir, '--out', out);
    ruleText = readFileSync(join(out, 'prometheus', 'hostile.rules.yaml'), 'utf8');
    rules = parse(ruleText) as typeof rules;
    const bin = findPromtool();
    if (!bin) throw new Error(PROMTOOL_INSTALL_HINT);
    // in the file's folder, by name alone: the same arguments in every run, so the jest run's recorded verdicts can stand for it
    const r = spawnSync(bin, ['check', 'rules', 'hostile.rules.yaml'], { cwd: join(out, 'prometheus'), encoding: 'utf8' });
    promtool = { status: r.status, output: `${r.stdout}${r.stderr}` };
    const { catalog } = loadCatalog({ slosDir: dir });
    const env = loadEnvironment('example', catalog).env!;
    const app = Testing.app();
    synthesized = JSON.parse(Testing.synth(addObservabilityStack(app, { env, catalog: catalog as SloCatalog }), true)) as Json;
    const first = hostileGrafanaRules()[0]!;
    const keys = Object.keys(labels);
    const dashboards = Object.values((synthesized.resource?.grafana_dashboard ?? {}) as Record<string, Json>).map((d) =>
      String(d.config_json),
    );
    const back = readBack([...keys.map((k) => String(first.labels[k])), ...dashboards]);
    terraformLabels = Object.fromEntries(keys.map((k, i) => [k, back[i]!]));
    terraformDashboards = back.slice(keys.length);
  }, 180_000);

  const ruleCount = () => rules.groups.reduce((n, g) => n + g.rules.length, 0);
  const grafanaRules = () =>
    Object.values((synthesized.resource?.grafana_rule_group ?? {}) as Record<string, Json>).flatMap((g) => g.rule as Json[]);
  const hostileGrafanaRules = () => grafanaRules().filter((r) => r.labels.service === 'hostile');

  describe.each(acceptedTexts)('%s', (_, c) => {
    test('validate: exit 0', () => {
      expect(validate).toEqual({ code: 0, output: expect.stringMatching(/^ok: \d+ slos valid(;[^\n]*)?\n$/) });
    });

    test('generate: the rule file holds the value as that literal text and no injected rule', () => {
      expect(generate.code).toBe(0);
      const recorded = rules.groups.flatMap((g) => g.rules).filter((r) => r.record !== undefined);
      if (c.field !== 'description') {
        expect(recorded.length).toBeGreaterThan(0);
        for (const r of recorded.filter((x) => x.labels?.slo !== undefined)) expect(r.labels[c.field]).toBe(c.value);
      } else {
        expect(ruleText).not.toContain('with query');
      }
      expect(rules.groups.flatMap((g) => g.rules).filter((r) => r.record === 'injected_rule')).toEqual([]);
      expect(ruleText).not.toMatch(/[\r\u0085\u2028\u2029\u0000\u001b\u007f\u009b\ufeff]/);
    });

    test('promtool: check rules accepts the file and counts exactly the rules we generated', () => {
      expect(promtool.output).toContain(`SUCCESS: ${ruleCount()} rules found`);
      expect(promtool.status).toBe(0);
    });

    test('synth: Terraform reads the value back as that literal text; annotations only hold our templates', () => {
      const hostile = hostileGrafanaRules();
      expect(hostile.length).toBeGreaterThan(0);
      if (c.field !== 'description') {
        for (const r of hostile) expect(r.labels[c.field]).toBe(escapeTerraformTemplates(c.value));
        expect(terraformLabels[c.field]).toBe(c.value);
      } else {
        const panels = (ps: Json[]): Json[] => ps.flatMap((p) => [p, ...panels((p.panels ?? []) as Json[])]);
        const descriptions = terraformDashboards.flatMap((d) =>
          panels(((JSON.parse(d) as Json).panels ?? []) as Json[]).map((p) => String(p.description)),
        );
        expect(descriptions.some((d) => d.startsWith(c.value))).toBe(true);
      }
      const templates = grafanaRules().flatMap((r) =>
        Object.values(r.annotations as Record<string, string>).flatMap((a) => a.match(/\{\{.*?\}\}/g) ?? []),
      );
      expect(new Set(templates)).toEqual(new Set(templates.filter((t) => /^\{\{ humanizePercentage \$values\.[A-Z]\.Value \}\}$/.test(t))));
      const ruleTemplates = rules.groups
        .flatMap((g) => g.rules)
        .flatMap((r) => [
          ...Object.values((r.annotations ?? {}) as Record<string, string>),
          ...Object.values((r.labels ?? {}) as Record<string, string>),
        ])
        .flatMap((a) => a.match(/\{\{.*?\}\}/g) ?? []);
      for (const t of ruleTemplates) expect(t).toMatch(/^\{\{ (\$labels\.[a-z_]+|\$value|printf "%\.\d+f" \$value) \}\}$/);
    });
  });
});

describe.each(ignored)('%s', (_, c) => {
  test.each(c.paths)('git ignores %s', (path) => {
    const r = spawnSync('git', ['check-ignore', '--no-index', '-q', path], { encoding: 'utf8' });
    expect(r.status).toBe(0);
  });

  test('git keeps provider lock files, which are meant to be committed', () => {
    expect(spawnSync('git', ['check-ignore', '--no-index', '-q', '.terraform.lock.hcl']).status).toBe(1);
  });
});
