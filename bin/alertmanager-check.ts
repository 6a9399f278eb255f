/**
 * The Alertmanager half of `slo test`: `amtool check-config` on the generated configuration, then
 * the generated routing test: every alert the rule files can emit must resolve, by `amtool config
 * routes test`, to exactly the receiver of its severity. amtool is required when there is an
 * Alertmanager configuration to test: missing, it fails with an install hint.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import type { RoutingTestFile } from '../alerts/servers/artifacts';

/** What to tell a user without amtool. */
export const AMTOOL_INSTALL_HINT =
  'amtool not found: set AMTOOL to its path or put it on PATH. Install it with `apt-get install prometheus-alertmanager` ' +
  '(Debian/Ubuntu; Alertmanager 0.25 or later) or from https://prometheus.io/download/.';

/** The amtool executable: `$AMTOOL` when set (it must be executable), else the first on PATH. */
export function findAmtool(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const executable = (path: string) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (env.AMTOOL) return executable(env.AMTOOL) ? env.AMTOOL : undefined;
  return (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, 'amtool'))
    .find(executable);
}

/** Result of one amtool run. */
export interface AmtoolRun {
  /** What was checked, for the report. */
  readonly what: string;
  readonly ok: boolean;
  /** Why it failed (empty when ok). */
  readonly detail: string;
}

function run(amtool: string, args: readonly string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(amtool, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** A route of an Alertmanager configuration, as far as its receiver choice reads labels. */
interface RouteNode {
  readonly match?: Record<string, unknown>;
  readonly match_re?: Record<string, unknown>;
  readonly matchers?: readonly unknown[];
  readonly routes?: readonly RouteNode[];
}

/** One matcher of Alertmanager's syntax, at the start of the rest of a matchers string. */
const MATCHER = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"=!~{},]+))\s*(?:=~|!~|!=|=)\s*(?:"(?:[^"\\]|\\.)*"|[^\s",{}]*)\s*(?:,|$)/;

/** The label names of a matchers string (`a="1"`, or several: `{a="1", b=~"x|y"}`); undefined when it does not read as one. */
function matcherNames(text: string): string[] | undefined {
  const braced = /^\s*\{(.*)\}\s*$/s.exec(text);
  let rest = braced ? braced[1]! : text;
  const names: string[] = [];
  while (rest.trim() !== '') {
    const m = MATCHER.exec(rest);
    if (!m) return undefined;
    names.push(m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : m[2]!);
    rest = rest.slice(m[0].length);
  }
  return names.length > 0 ? names : undefined;
}

/**
 * The label names the routing tree of `config` matches on, or undefined when a matcher cannot be
 * read. Which receivers an alert reaches depends on these labels alone (an absent label reads as
 * the empty value), so alerts that agree on all of them are routed alike.
 */
export function routingLabelNames(config: { route?: RouteNode }): string[] | undefined {
  const names = new Set<string>();
  const visit = (route: RouteNode): boolean => {
    for (const name of [...Object.keys(route.match ?? {}), ...Object.keys(route.match_re ?? {})]) names.add(name);
    for (const m of route.matchers ?? []) {
      const found = typeof m === 'string' ? matcherNames(m) : undefined;
      if (!found) return false;
      for (const name of found) names.add(name);
    }
    return (route.routes ?? []).every(visit);
  };
  return config.route && visit(config.route) ? [...names].sort() : undefined;
}

/** An alert's labels as amtool matchers. */
function matchers(labels: Readonly<Record<string, string>>): string[] {
  return Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
}

/**
 * Checks the Alertmanager configuration in `dir` and runs its routing test (`routingTestFile`,
 * relative to `dir`): the config check first, then the cases, as many at once as there are CPUs.
 * Cases whose labels agree on every label the routing tree reads are routed alike: amtool runs
 * once for them (the first case's labels) and each case is judged on that answer.
 */
export async function checkAlertmanager(amtool: string, dir: string, routingTestFile: string): Promise<AmtoolRun[]> {
  const file = parse(readFileSync(join(dir, routingTestFile), 'utf8')) as RoutingTestFile;
  const config = file.config_file;
  const check = await run(amtool, ['check-config', config], dir);
  const runs: AmtoolRun[] = [
    {
      what: `amtool check-config ${config}`,
      ok: check.code === 0,
      detail: check.code === 0 ? '' : `${check.stdout}${check.stderr}`.trimEnd(),
    },
  ];
  if (check.code !== 0) return runs;
  const names = routingLabelNames(parse(readFileSync(join(dir, config), 'utf8')) as { route?: RouteNode });
  const alike = new Map<string, RoutingTestFile['tests'][number][]>();
  file.tests.forEach((c, i) => {
    const key = names ? JSON.stringify(names.map((n) => c.labels[n] ?? '')) : String(i);
    alike.set(key, [...(alike.get(key) ?? []), c]);
  });
  const queue = [...alike.values()];
  const routed: AmtoolRun[] = [];
  const workers = Array.from({ length: Math.max(1, Math.min(availableParallelism(), queue.length)) }, async () => {
    for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
      const r = await run(amtool, ['config', 'routes', 'test', `--config.file=${config}`, ...matchers(group[0]!.labels)], dir);
      const got = r.stdout.trim();
      for (const c of group) {
        const ok = r.code === 0 && got === c.receiver;
        routed.push({
          what: `route of ${matchers(c.labels).join(' ')}`,
          ok,
          detail: ok ? '' : `expected receiver ${c.receiver}, amtool resolved ${got || `nothing (exit ${r.code}: ${r.stderr.trim()})`}`,
        });
      }
    }
  });
  await Promise.all(workers);
  // A stable report whatever order the parallel runs finished in.
  return [...runs, ...routed.sort((a, b) => a.what.localeCompare(b.what))];
}
