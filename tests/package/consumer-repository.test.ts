/**
 * The package where it is meant to be used (issue 9, items 4-5): `npm pack`, installed offline
 * into a temporary repository that holds only its own specs (two services of a new team, no
 * platform SLOs, no docs table), which then runs the steps of `.github/workflows/slo.yml` as the
 * workflow does: all pass. The same repository with one broken spec gets a GitHub annotation
 * naming the file and line.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '..', '..');

/** The workflow's steps that run a command (not `uses:` actions), in order. */
const workflow = parse(readFileSync(join(ROOT, '.github', 'workflows', 'slo.yml'), 'utf8')) as {
  jobs: Record<string, { steps: { name?: string; run?: string }[] }>;
};
const runSteps = Object.values(workflow.jobs).flatMap((j) => j.steps.filter((s) => s.run !== undefined));
/** The steps that need this machine's own package manager (apt-get, sudo): promtool is on PATH here. */
const isSystemStep = (run: string) => /\bsudo\b|apt-get/.test(run);

const CHECKOUT = `# yaml-language-server: $schema=./schema.json
apiVersion: slo-platform/v1
kind: ServiceLevelObjectives
service: checkout
owner: payments
slos:
  - name: error-rate
    description: At most 0.5 % of checkout requests fail.
    objective: 99.5
    window: 28d
    sli:
      ratio:
        errorQuery: sum(rate(checkout_requests_total{code=~"5.."}[{{.window}}]))
        totalQuery: sum(rate(checkout_requests_total[{{.window}}]))
    alerting:
      runbookUrl: https://runbooks.payments.example.org/checkout#error-rate
`;
const SEARCH = `# yaml-language-server: $schema=./schema.json
apiVersion: slo-platform/v1
kind: ServiceLevelObjectives
service: search
owner: discovery
slos:
  - name: latency
    description: 99 % of searches answer within 250 ms.
    objective: 99
    window: 30d
    sli:
      latency:
        histogram: search_request_duration_seconds
        selector: job="search"
        thresholdSeconds: 0.25
        buckets: [0.05, 0.1, 0.25, 0.5, 1]
    alerting:
      runbookUrl: https://runbooks.discovery.example.org/search#latency
`;

let work: string;
let consumer: string;
/**
 * The installed package's command, as `npx slo` finds it, for the steps that are not the
 * workflow's own (those run as written, npx included): npx costs about 1 CPU-s a call.
 */
const SLO = 'node_modules/.bin/slo';

function sh(command: string, cwd = consumer): SpawnSyncReturns<string> {
  return spawnSync('bash', ['-eo', 'pipefail', '-c', command], {
    cwd,
    encoding: 'utf8',
    // Offline: the package has no dependencies, and the tarball is a file.
    env: {
      ...process.env,
      npm_config_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    },
  });
}

beforeAll(() => {
  // given the package packed as `npm pack` packs it (prepack builds dist/ when stale)
  work = mkdtempSync(join(tmpdir(), 'slo-consumer-'));
  const pack = sh(`npm pack --silent --pack-destination ${JSON.stringify(work)}`, ROOT);
  expect({ status: pack.status, stderr: pack.stderr }).toMatchObject({ status: 0 });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
  // and a repository of its own: two services' specs, the workflow copied in, the package installed
  consumer = join(work, 'platform-team');
  mkdirSync(join(consumer, 'slos'), { recursive: true });
  writeFileSync(join(consumer, 'package.json'), `${JSON.stringify({ name: 'platform-team', private: true }, null, 2)}\n`);
  writeFileSync(join(consumer, 'slos', 'checkout.yaml'), CHECKOUT);
  writeFileSync(join(consumer, 'slos', 'search.yaml'), SEARCH);
  cpSync(join(ROOT, '.github'), join(consumer, '.github'), { recursive: true });
  const install = sh(`npm install --save-dev ${JSON.stringify(join(work, tarball))}`);
  expect({ status: install.status, stderr: install.stderr }).toMatchObject({ status: 0 });
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('a repository that installs the packed package', () => {
  test('installs one package, with no dependencies, whose CLI runs from dist/', () => {
    // then
    expect(readdirSync(join(consumer, 'node_modules')).filter((f) => !f.startsWith('.'))).toEqual(['slo-platform']);
    expect(readdirSync(join(consumer, 'node_modules', 'slo-platform', 'dist'))).toContain('slo.js');
    expect(readdirSync(join(consumer, 'node_modules', 'slo-platform', 'bin'))).not.toContain('slo.ts');
  });

  test('writes the schema its specs name in their modeline', () => {
    // when
    const r = sh(`${SLO} schema --out slos`);
    // then
    expect(r.status).toBe(0);
    const written = readFileSync(join(consumer, 'slos', 'schema.json'), 'utf8');
    expect(JSON.parse(written)).toEqual(JSON.parse(readFileSync(join(ROOT, 'slos', 'schema.json'), 'utf8')));
  });

  test('runs every step of the shipped workflow, as the workflow runs it, and all pass', () => {
    // given the workflow's commands (its install step is `npm ci`, against the lock just written)
    const steps = runSteps.filter((s) => !isSystemStep(s.run!));
    expect(steps.map((s) => s.run!.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'npm ci --no-audit',
      'npx slo validate',
      'npx slo generate',
      'npx slo test',
    ]);
    // when each runs in the repository
    for (const step of steps) {
      const r = sh(step.run!);
      // then
      expect({ step: step.name, status: r.status, stderr: r.stderr }).toEqual({ step: step.name, status: 0, stderr: expect.any(String) });
    }
    // and the output holds the rules, tests and dashboards of exactly its own two services
    expect(readdirSync(join(consumer, 'out', 'prometheus')).sort()).toEqual([
      'checkout.rules.yaml',
      'checkout.test.yaml',
      'search.rules.yaml',
      'search.test.yaml',
    ]);
  }, 240_000);

  test('renders in worker threads from the installed package, to the same files as in the main thread', () => {
    // when (SLO_TEST_WORKERS_RENDER: the workers render every service, which the main thread
    // would otherwise finish before a worker has loaded)
    const inMain = sh(`SLO_GENERATE_THREADS=0 ${SLO} generate --slos slos --out out-main`);
    const inWorkers = sh(`SLO_GENERATE_THREADS=2 SLO_TEST_WORKERS_RENDER=1 ${SLO} generate --slos slos --out out-workers`);
    // then
    expect([inMain.status, inWorkers.status, inWorkers.stderr]).toEqual([0, 0, '']);
    const same = sh('diff -r out-main out-workers');
    expect({ status: same.status, stdout: same.stdout }).toEqual({ status: 0, stdout: '' });
  });

  test('answers a usage error of every command with one line on stderr and exit 2, no stack trace', () => {
    // given every command the installed CLI lists, each with an option it does not have
    const listed = sh(`${SLO} --help`);
    const commands = [...listed.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!);
    expect(commands).toEqual(expect.arrayContaining(['validate', 'generate', 'explain', 'test', 'schema']));
    // when each runs (one shell, one line of results per command)
    const r = sh(commands.map((c) => `${SLO} ${c} --no-such-option 2>&1 && echo "exit 0" || echo "exit $?"`).join('; '));
    // then (each command is its own file of the bundle, with its own copy of the error class)
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(
      commands.flatMap((c) => [`slo ${c}: Unknown option '--no-such-option'`, 'exit 2']),
    );
  });

  test('refuses an --out it cannot write into and a link flag with credentials with one line and exit 2, never a stack trace or the credentials', () => {
    // given a file where a folder would go, and a Grafana URL with a password (one case per fix:
    // the generate and schema suites hold the others)
    const runs = [
      'schema --out a-file/slos',
      'generate --out a-file/out',
      'generate --grafana-url https://admin:hunter2@grafana.example.org --out refused',
    ];
    // when each runs (one shell, one line of results per command)
    const r = sh(['echo kept > a-file', ...runs.map((args) => `${SLO} ${args} 2>&1 && echo "exit 0" || echo "exit $?"`)].join('; '));
    // then
    const file = join(consumer, 'a-file');
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      `slo schema: --out a-file/slos: cannot write into a path below ${file}, which is not a directory; name a directory`,
      'exit 2',
      `slo generate: --out a-file/out: refusing to write into a path below ${file}, which is not a directory; name a directory`,
      'exit 2',
      expect.stringMatching(
        /^slo generate: --grafana-url holds a user name or password; .*; got "https:\/\/<13 characters hidden>@grafana\.example\.org"$/,
      ),
      'exit 2',
    ]);
    expect(readdirSync(consumer)).not.toContain('refused');
    rmSync(join(consumer, 'a-file'));
  });

  test('answers a path the system refuses to write with one line naming it and exit 1, never a stack trace', () => {
    // given paths under /sys, where no one may make a folder (EPERM as root, else EACCES): an
    // output folder, and the temporary folder of slo test
    const runs = ['generate --out /sys/slo-out', 'test'];
    // when each runs (one shell, one line of results per command)
    const r = sh(runs.map((args) => `TMPDIR=/sys ${SLO} ${args} 2>&1 && echo "exit 0" || echo "exit $?"`).join('; '));
    // then
    const refused = '(permission denied|operation not permitted)';
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(new RegExp(`^slo generate: cannot mkdir /sys/slo-out: ${refused}$`)),
      'exit 1',
      expect.stringMatching(new RegExp(`^slo test: cannot mkdtemp /sys/slo-test-XXXXXX: ${refused}$`)),
      'exit 1',
    ]);
  });

  test('removes the temporary output of slo test when interrupted (Ctrl-C), and exits as interrupted', () => {
    // given slo test running with a temporary folder of its own, and its generated output there
    // (the output folder is made after the interrupt handling is in place)
    const r = sh(
      [
        'export TMPDIR="$(mktemp -d "$PWD/tmp.XXXXXX")"',
        `${SLO} test >/dev/null 2>&1 & pid=$!`,
        'for i in $(seq 600); do compgen -G "$TMPDIR/slo-test-*/out" >/dev/null && break; sleep 0.05; done',
        // when it is interrupted
        'kill -INT $pid',
        'wait $pid && echo "exit 0" || echo "exit $?"',
        'ls -A "$TMPDIR"; rmdir "$TMPDIR"',
      ].join('; '),
    );
    // then nothing is left in the temporary folder
    expect({ stdout: r.stdout, stderr: r.stderr }).toEqual({ stdout: 'exit 130\n', stderr: '' });
  });

  test('annotates a broken spec with its file and line in the GitHub format', () => {
    // given one spec with an objective out of range
    const broken = SEARCH.replace('objective: 99\n', 'objective: 120\n');
    writeFileSync(join(consumer, 'slos', 'search.yaml'), broken);
    const line = broken.split('\n').findIndex((l) => l.includes('objective: 120')) + 1;
    const col = broken.split('\n')[line - 1]!.indexOf('120') + 1;
    const validate = runSteps.find((s) => s.run!.startsWith('npx slo validate'))!.run!;
    try {
      // when
      const r = sh(validate);
      // then
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`^::error file=slos/search\\.yaml,line=${line},col=${col},title=[^:]*::.*objective.*120`, 'm'));
    } finally {
      writeFileSync(join(consumer, 'slos', 'search.yaml'), SEARCH);
    }
  });
});
