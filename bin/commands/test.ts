/**
 * `slo test [--out DIR] [--slos DIR] [--env NAME|FILE]`: runs `promtool check rules` and
 * `promtool test rules` on every generated Prometheus file. With `--out`, on the files
 * `slo generate --out DIR` wrote there; without, on a fresh generation in a temporary directory.
 * promtool is required: when it is missing the command fails with an install hint, never skips.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parseCommandArgs } from '../args';
import { ENGINE_HELP, ENGINE_OPTIONS, engineArgs, engineInputs, type EngineOptionValues } from '../engine-inputs';
import { alertPathProblems } from '../../layers/platform/managed-evaluation';
import { loadCatalog } from '../../slos/load';
import { DEFAULT_SLOS_DIR } from './validate';
import { isMidSwap } from '../generated-output';
import { EXIT, UsageError, type CliIo } from '../io';
import { generate } from './generate';
import { AMTOOL_INSTALL_HINT, checkAlertmanager, findAmtool } from '../alertmanager-check';
import { SERVER_CONFIG_PATHS } from '../../alerts/servers/artifacts';
import { metricsContractProblems } from '../contract-check';
import { findPromtool, PROMTOOL_INSTALL_HINT } from '../promtool';

export { findPromtool, PROMTOOL_INSTALL_HINT };

const HELP = `usage: slo test [--out DIR] [--slos DIR] [--env NAME|FILE] [--grafana-url URL] [--runbook-base-url URL]

Checks every generated rule and dashboard query against the metrics contract (metrics-contract.json:
each metric and label read must be listed, prometheus.yml must scrape at the intervals it assumes;
a problem there fails at once), then runs promtool check rules and promtool test rules on the generated Prometheus files, promtool
check config on prometheus.yml, and, when slo generate wrote an Alertmanager configuration
(--env), amtool check-config and the routing test (each alert reaches its severity's receiver).
With --env (and no --out) it also compares the environment's alert paths per SLO: the rule files,
the Grafana-managed rules and the Cloud Monitoring PromQL policies must have the same windows,
thresholds, for, keep_firing_for, labels and routing (a difference fails before promtool runs).
  --out DIR               test the files slo generate wrote to DIR/prometheus (default: generate
                          into a temporary directory from the options below first)
  --slos DIR              spec directory when generating (default: slos)
${ENGINE_HELP}
promtool is found through $PROMTOOL, amtool through $AMTOOL, then PATH. promtool is always needed,
amtool when there is an Alertmanager configuration to test (--env); a missing one fails with an
install hint, never skips.
exit: 0 all passed, 1 a check or test failed (or promtool or a needed amtool is missing, or
      the system refused a path), 2 usage error`;

/** Result of one promtool run. */
export interface PromtoolRun {
  readonly args: readonly string[];
  readonly code: number;
  /** stdout and stderr, interleaved as promtool wrote them. */
  readonly output: string;
}

/** Runs promtool with `args` in `cwd`. */
export function runPromtool(promtool: string, args: readonly string[], cwd: string): Promise<PromtoolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(promtool, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ args, code: code ?? 1, output }));
  });
}

/**
 * `promtool check rules` on every rule file (one run), then `promtool test rules` on every test
 * file, one process per file and as many at once as there are CPUs (each file's scenarios run
 * sequentially inside promtool).
 */
export async function checkAndTest(promtool: string, dir: string): Promise<PromtoolRun[]> {
  const files = readdirSync(dir).sort();
  const rules = files.filter((f) => f.endsWith('.rules.yaml'));
  const tests = files.filter((f) => f.endsWith('.test.yaml'));
  const runs: PromtoolRun[] = [];
  if (rules.length > 0) runs.push(await runPromtool(promtool, ['check', 'rules', ...rules], dir));
  const queue = [...tests];
  const workers = Array.from({ length: Math.max(1, Math.min(availableParallelism(), queue.length)) }, async () => {
    for (let f = queue.shift(); f !== undefined; f = queue.shift()) runs.push(await runPromtool(promtool, ['test', 'rules', f], dir));
  });
  await Promise.all(workers);
  // Report in a stable order whatever order the parallel runs finished in.
  return runs.sort((a, b) => (a.args[0] === b.args[0] ? a.args.join(' ').localeCompare(b.args.join(' ')) : a.args[0] === 'check' ? -1 : 1));
}

/** The differences between the alert paths of the environment of `values` (it loaded when generate ran). */
function alertPathsOf(slosDir: string, values: EngineOptionValues): string[] {
  const { catalog } = loadCatalog({ slosDir });
  if (!catalog) return [];
  const { env } = engineInputs(values, catalog);
  return env ? alertPathProblems(env, catalog) : [];
}

/** Runs `slo test`. */
export async function test(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { out: { type: 'string' }, slos: { type: 'string' }, ...ENGINE_OPTIONS });
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  if (values.out && (values.slos || engineArgs(values).length > 0))
    throw new UsageError('--slos and --env only apply without --out (they, --grafana-url and --runbook-base-url choose what to generate)');
  const promtool = findPromtool();
  if (!promtool) {
    io.err(`slo test: ${PROMTOOL_INSTALL_HINT}`);
    return EXIT.invalid;
  }
  let outDir = values.out;
  let scratch: string | undefined;
  let unwatch = (): void => undefined;
  if (!outDir) {
    scratch = mkdtempSync(join(tmpdir(), 'slo-test-'));
    unwatch = removedOnSignal(scratch);
    outDir = join(scratch, 'out');
    const quiet: CliIo = { out: () => undefined, err: io.err };
    const code = await generate(['--out', outDir, ...(values.slos ? ['--slos', values.slos] : []), ...engineArgs(values)], quiet);
    if (code !== EXIT.ok) {
      unwatch();
      rmSync(scratch, { recursive: true, force: true });
      return code;
    }
  }
  try {
    if (isMidSwap(outDir)) {
      io.err(
        `slo test: ${outDir} holds the half-moved output of an interrupted slo generate; run "slo generate --out ${outDir}" to finish it`,
      );
      return EXIT.invalid;
    }
    const dir = join(outDir, 'prometheus');
    if (!existsSync(dir) || !readdirSync(dir).some((f) => f.endsWith('.rules.yaml'))) {
      io.err(`slo test: no rule files in ${dir}; run "slo generate --out ${outDir}" first`);
      return EXIT.invalid;
    }
    // amtool is needed when slo generate wrote an Alertmanager configuration (--env): find it
    // before the slow promtool runs, so a missing tool fails at once.
    const routingTest = join(outDir, SERVER_CONFIG_PATHS.alertmanagerRoutingTest);
    const amtool = existsSync(routingTest) ? findAmtool() : undefined;
    if (existsSync(routingTest) && !amtool) {
      io.err(`slo test: ${AMTOOL_INSTALL_HINT}`);
      return EXIT.invalid;
    }
    // The metrics contract first: it needs no tool and takes milliseconds. Output that reads a
    // metric or label the exporters do not provide cannot alert right whatever promtool says, so
    // the slow promtool runs are skipped then.
    const contract = metricsContractProblems(outDir);
    for (const p of contract) io.err(`slo test: metrics contract: ${p}`);
    if (contract.length > 0) {
      io.err(`slo test: ${contract.length} metrics contract problems (docs/metrics.md); promtool not run`);
      return EXIT.invalid;
    }
    io.out('slo test: metrics contract: every rule and dashboard query reads only listed metrics and labels');
    // The three alert paths of an environment (--env): rule files, Grafana-managed rules and
    // Cloud Monitoring PromQL policies must agree per SLO; milliseconds, so before promtool too.
    if (!values.out && values.env !== undefined) {
      const paths = alertPathsOf(values.slos ?? DEFAULT_SLOS_DIR, values);
      for (const p of paths) io.err(`slo test: alert paths: ${p}`);
      if (paths.length > 0) {
        io.err(`slo test: ${paths.length} differences between the alert paths (docs/monitoring.md); promtool not run`);
        return EXIT.invalid;
      }
      io.out('slo test: alert paths: rule files, Grafana-managed rules and Cloud Monitoring PromQL policies agree on every SLO');
    }
    const runs = await checkAndTest(promtool, dir);
    // prometheus.yml (slo generate --env) loads the rule files: promtool checks both together.
    const promConfig = SERVER_CONFIG_PATHS.prometheus.split('/').pop()!;
    if (existsSync(join(dir, promConfig))) runs.push(await runPromtool(promtool, ['check', 'config', promConfig], dir));
    const failed = runs.filter((r) => r.code !== 0);
    for (const r of runs) {
      const line = `promtool ${r.args.join(' ')}: ${r.code === 0 ? 'ok' : `failed (exit ${r.code})`}`;
      (r.code === 0 ? io.out : io.err)(line);
      if (r.code !== 0) io.err(r.output.trimEnd());
    }
    io.out(`slo test: ${runs.length - failed.length} of ${runs.length} promtool runs passed in ${dir}`);
    const routing = amtool ? await alertmanagerRuns(amtool, routingTest, io) : true;
    return failed.length > 0 || !routing ? EXIT.invalid : EXIT.ok;
  } finally {
    unwatch();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

/** The signals that end a run from outside: Ctrl-C, `kill`, a closed terminal. */
const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Removes the temporary directory `dir` when one of {@link INTERRUPTS} ends the run, which skips
 * every `finally` (the generated output, 420 MB at 10,000 SLOs, would stay in the system's
 * temporary folder), then lets the signal end the process as it would have. Returns the function
 * that stops watching. (A signal that arrives while the main thread renders is handled once that
 * rendering yields.)
 */
function removedOnSignal(dir: string): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    unwatch();
    rmSync(dir, { recursive: true, force: true });
    process.kill(process.pid, signal);
  };
  const unwatch = () => {
    for (const s of INTERRUPTS) process.off(s, onSignal);
  };
  for (const s of INTERRUPTS) process.on(s, onSignal);
  return unwatch;
}

/** amtool check-config and the generated routing test `routingTest`; true when all passed. */
async function alertmanagerRuns(amtool: string, routingTest: string, io: CliIo): Promise<boolean> {
  const runs = await checkAlertmanager(amtool, dirname(routingTest), basename(routingTest));
  const failed = runs.filter((r) => !r.ok);
  for (const r of failed) io.err(`${r.what}: failed\n${r.detail}`);
  io.out(
    `slo test: ${runs.length - failed.length} of ${runs.length} amtool checks passed in ${dirname(routingTest)} (check-config and one route per alert)`,
  );
  return failed.length === 0;
}
