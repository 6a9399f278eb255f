/**
 * Shared by the PromQL-policy tests: the example environment's monitoring stack, synthesized once
 * per test file, and the promtool test files of the rule files re-aimed at the rule file converted
 * back from its PromQL conditions (alerts/cloud-monitoring/promql-rule-file.ts).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promqlConditionsRuleFile } from '../../../alerts/cloud-monitoring/promql-rule-file';
import { ruleFileYaml } from '../../../alerts/prometheus/serialize';
import { serviceRuleFile } from '../../../alerts/prometheus/artifacts';
import { toYaml } from '../../../alerts/prometheus/private/yaml';
import { isAlertingRule } from '../../../alerts/prometheus/rules';
import { promtoolTestFile } from '../../../alerts/prometheus/unit-tests';
import { App, Testing } from '../../../constructs/framework';
import { loadEnvironmentOrThrow } from '../../../environments/load';
import { platformSlos } from '../../../environments/platform-slos';
import type { EnvironmentConfig } from '../../../environments/schema';
import { platformEngineInputs } from '../../../layers/platform/layer';
import { loadCatalog } from '../../../slos/load';
import { slosOfService, type SloCatalog } from '../../../slos/model';
import { addMonitoringStack } from '../../../stacks/monitoring';

/** Label the converted rules carry, to tell them from the rule files' own. */
export const EVALUATED_BY = { evaluated_by: 'cloud-monitoring' } as const;

export const exampleCatalog = (): SloCatalog => loadCatalog({ slosDir: 'slos' }).catalog as SloCatalog;

/** The synthesized monitoring stack (`cdk.tf.json`, parsed) of `env` over `catalog`. */
export function synthMonitoring(env: EnvironmentConfig = loadEnvironmentOrThrow('example'), catalog = exampleCatalog()): unknown {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'slo-promql-')) });
  const stack = addMonitoringStack(app, { env, catalog });
  return JSON.parse(Testing.synth(stack));
}

/**
 * `promtool <command> rules` on one file, run in the file's folder with its name alone: the
 * names promtool reads are then the same in every run, so the jest run's recorded verdicts
 * (jest.promtool-cache.js) can stand for it.
 */
function inFolderOf(args: string[]): { args: string[]; cwd: string } {
  const file = args[args.length - 1]!;
  return { args: [...args.slice(0, -1), basename(file)], cwd: dirname(file) };
}

/** promtool on PATH (or $PROMTOOL) on the file named last, with an install hint when missing. */
export function promtool(fileArgs: string[]): { status: number | null; output: string } {
  const bin = process.env.PROMTOOL ?? 'promtool';
  const { args, cwd } = inFolderOf(fileArgs);
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', timeout: 600_000 });
  if (r.error) throw new Error(`promtool not found (${r.error.message}): apt-get install -y prometheus, or set PROMTOOL`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** promtool, run asynchronously (two at once on the 2-core machine), with the same install hint. */
export function promtoolAsync(fileArgs: string[]): Promise<{ status: number; output: string }> {
  const bin = process.env.PROMTOOL ?? 'promtool';
  const { args, cwd } = inFolderOf(fileArgs);
  return new Promise((resolve, reject) => {
    execFile(bin, args, { cwd, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error(`promtool not found: apt-get install -y prometheus, or set PROMTOOL`));
        return;
      }
      resolve({ status: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

/**
 * Writes the converted rule file and, per service, that service's generated promtool scenarios
 * aimed at it: every alert assertion of an alert the conversion holds, its expected labels plus
 * {@link EVALUATED_BY} and no annotations (a condition has none); assertions on recorded series
 * are dropped (nothing is recorded). Returns the test files' paths.
 */
export function writeEqualityTests(stack: unknown, env: EnvironmentConfig, catalog: SloCatalog, services = catalog.services): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'slo-promql-eq-'));
  const all = promqlConditionsRuleFile(stack, { extraLabels: EVALUATED_BY });
  const inputs = platformEngineInputs(catalog, env, platformSlos(env, catalog));
  return services.map((service) => {
    const rules = serviceRuleFile(catalog, service, inputs);
    // The service's own groups only: promtool evaluates every group of a file at every step.
    const names = new Set(rules.groups.map((g) => g.name));
    const mine = { groups: all.groups.filter((g) => names.has(g.name)) };
    const converted = new Set(mine.groups.flatMap((g) => g.rules.filter(isAlertingRule).map((r) => r.alert)));
    writeFileSync(join(dir, `cm-${service}.rules.yaml`), ruleFileYaml(mine));
    const file = promtoolTestFile(
      service,
      slosOfService(catalog, service),
      inputs,
      'x',
      rules.groups.map((g) => g.name),
    );
    // A scenario that feeds recorded series (`slo:…`) instead of raw metrics has nothing to say about inline queries.
    const raw = file.tests.filter((t) => t.input_series.every((s) => !/^[a-zA-Z_0-9]*:/.test(s.series)));
    const tests = raw.map((t) => ({
      name: t.name,
      interval: t.interval,
      input_series: t.input_series.map((s) => ({ series: s.series, values: s.values })),
      alert_rule_test: t.alert_rule_test
        .filter((a) => converted.has(a.alertname))
        .map((a) => ({
          eval_time: a.eval_time,
          alertname: a.alertname,
          exp_alerts: a.exp_alerts.map((e) => ({ exp_labels: { ...e.exp_labels, ...EVALUATED_BY } })),
        })),
    }));
    const path = join(dir, `${service}.test.yaml`);
    writeFileSync(
      path,
      toYaml({
        rule_files: [`cm-${service}.rules.yaml`],
        evaluation_interval: file.evaluation_interval,
        tests: tests.filter((t) => t.alert_rule_test.length > 0),
      }),
    );
    return path;
  });
}
