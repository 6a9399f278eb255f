/**
 * When rules of Sloth's documented shape fire on the peers scenarios, recorded once instead of
 * recomputed by promtool on every `npm test`. Those rules and scenarios are built from the team's
 * Sloth specs and Sloth's documented window table, never from the code under test, so their
 * firing steps only change when the fixtures, the reference or the harness change; each recorded
 * rule set carries a digest of every file promtool read for it, and the peers test fails on a
 * digest that no longer matches (it then names the command below).
 *
 * `npm run peers:firing` recomputes every recorded rule set with promtool and fails when one
 * differs from the recording (CI runs it, `.ci/run`); `npm run peers:firing -- --write` rewrites
 * the recording, as does `UPDATE_GOLDEN=1 npx jest tests/alerts/prometheus/peers`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Slo } from '../../../slos/model';
import { readSloth, SLOTH_FIXTURES, slothCatalog, type SlothFixture } from '../../slos/sloth-fixtures';
import { expectedConditions, shapedRulesYaml, slothShapedRules, type ExpectedCondition } from '../../slos/sloth-reference';
import { differences, firingSets, ruleSetDigest, scenariosFor, type Firing, type RuleSet, type Scenario } from './peers-harness';

/** The recording, beside the other golden files of this folder. */
export const SLOTH_FIRING_GOLDEN = join(__dirname, '__golden__', 'sloth-firing.json');
/** The recording's path as messages name it. */
const GOLDEN_NAME = 'tests/alerts/prometheus/__golden__/sloth-firing.json';
/** The command that recomputes and rewrites the recording. */
export const SLOTH_FIRING_UPDATE = 'npm run peers:firing -- --write';

/** A Sloth fixture whose alerting SLO reads the counters the scenarios feed, with its scenarios. */
export interface PeerFixture {
  readonly fixture: SlothFixture & { job: string };
  /** Short key for file and rule-set names (`inventory-28d`). */
  readonly key: string;
  /** The SLO with alerts (each fixture has one; the rest are disabled). */
  readonly slo: Slo;
  /** The alert windows and factors sloth's documented table gives for it. */
  readonly windows: readonly ExpectedCondition[];
  readonly scenarios: readonly Scenario[];
}

/** The fixtures the peers test compares, each with the scenarios around its reference windows. */
export function peerFixtures(): PeerFixture[] {
  return SLOTH_FIXTURES.filter((f): f is SlothFixture & { job: string } => f.job !== undefined).map((fixture) => {
    const slo = slothCatalog(fixture).slos.find((s) => s.alerting.windows.length > 0)!;
    const windows = expectedConditions(readSloth(fixture.spec), fixture.period).filter((c) => c.slo === slo.name);
    const scenarios = scenariosFor(windows[0]!.budget, windows, fixture.job);
    return { fixture, key: fixture.name.replace(/\W+/g, '-'), slo, windows, scenarios };
  });
}

/** The rules of Sloth's documented shape for a fixture, as a rule set over its scenarios. */
export function slothRuleSet(f: PeerFixture): RuleSet {
  const shaped = slothShapedRules(readSloth(f.fixture.spec), f.fixture.period);
  return {
    name: `${f.key}-sloth`,
    rules: shapedRulesYaml(shaped),
    alertnames: [...new Set(shaped.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : []))))],
    scenarios: f.scenarios,
  };
}

/**
 * One recorded rule set: the digest of what promtool read, and when each scenario fired what:
 * scenario → `slo/kind` key → the runs of consecutive evaluation steps it fired at, as
 * `[first, last]` seconds. Scenarios where nothing fired are absent.
 */
interface Recorded {
  readonly digest: string;
  readonly firing: Record<string, Record<string, [number, number][]>>;
}

/** The evaluation step of each scenario of a rule set. */
function steps(set: RuleSet): Map<string, number> {
  return new Map(set.scenarios.map((s) => [s.name, s.intervalSeconds]));
}

function toJson(firing: Firing, step: ReadonlyMap<string, number>): Recorded['firing'] {
  const out: Recorded['firing'] = {};
  for (const [scenario, at] of [...firing].sort(([a], [b]) => a.localeCompare(b))) {
    const runs: Record<string, [number, number][]> = {};
    for (const [t, keys] of [...at].sort(([a], [b]) => a - b)) {
      for (const key of keys) {
        const list = (runs[key] ??= []);
        const last = list[list.length - 1];
        if (last && last[1] + step.get(scenario)! === t) last[1] = t;
        else list.push([t, t]);
      }
    }
    out[scenario] = Object.fromEntries(Object.entries(runs).sort(([a], [b]) => a.localeCompare(b)));
  }
  return out;
}

function fromJson(firing: Recorded['firing'], step: ReadonlyMap<string, number>): Firing {
  const out: Firing = new Map();
  for (const [scenario, runs] of Object.entries(firing)) {
    const at = new Map<number, string[]>();
    for (const [key, list] of Object.entries(runs)) {
      for (const [first, last] of list) {
        for (let t = first; t <= last; t += step.get(scenario) ?? Infinity) at.set(t, [...(at.get(t) ?? []), key].sort());
      }
    }
    out.set(scenario, new Map([...at].sort(([a], [b]) => a - b)));
  }
  return out;
}

function readGolden(): Record<string, Recorded> {
  return (JSON.parse(readFileSync(SLOTH_FIRING_GOLDEN, 'utf8')) as { ruleSets: Record<string, Recorded> }).ruleSets;
}

/**
 * The recorded firing sets of `sets`; throws, naming the update command, when a set was never
 * recorded or its digest differs from the files promtool would read for it now.
 */
export function recordedFiring(sets: readonly RuleSet[]): Map<string, Firing> {
  const golden = readGolden();
  const stale = sets.filter((s) => golden[s.name]?.digest !== ruleSetDigest(s)).map((s) => s.name);
  if (stale.length > 0) {
    throw new Error(`${GOLDEN_NAME}: no recording of the current rules and scenarios for ${stale.join(', ')}; run ${SLOTH_FIRING_UPDATE}`);
  }
  return new Map(sets.map((s) => [s.name, fromJson(golden[s.name]!.firing, steps(s))]));
}

/** Runs `sets` through promtool and returns the recording of them (not written). */
export async function recordFiring(sets: readonly RuleSet[]): Promise<Record<string, Recorded>> {
  const runs = await firingSets(sets);
  return Object.fromEntries(
    sets.map((s) => {
      const firing = runs.get(s.name)!;
      const recorded = toJson(firing, steps(s));
      // the recording must read back as exactly what promtool reported
      const back = fromJson(recorded, steps(s));
      const lost = [...new Set([...firing.keys(), ...back.keys()])].flatMap((sc) => differences(firing.get(sc), back.get(sc)));
      if (lost.length > 0) throw new Error(`${s.name}: the recording does not read back as promtool's report: ${lost.join('; ')}`);
      return [s.name, { digest: ruleSetDigest(s), firing: recorded }];
    }),
  );
}

/** Writes a recording as the golden file. */
export function writeGolden(ruleSets: Record<string, Recorded>): void {
  const doc = { generated: `by ${SLOTH_FIRING_UPDATE}; do not edit (see tests/alerts/prometheus/sloth-firing.ts)`, ruleSets };
  writeFileSync(SLOTH_FIRING_GOLDEN, `${JSON.stringify(doc, null, 2).replace(/\[\s+(\d+),\s+(\d+)\s+\]/g, '[$1, $2]')}\n`);
}

/** `npm run peers:firing [-- --write]`. */
async function main(args: readonly string[]): Promise<number> {
  const unknown = args.filter((a) => a !== '--write');
  if (unknown.length > 0) {
    process.stderr.write(`peers:firing: unknown argument ${unknown[0]}; usage: npm run peers:firing [-- --write]\n`);
    return 2;
  }
  const sets = peerFixtures().map(slothRuleSet);
  const fresh = await recordFiring(sets);
  if (args.includes('--write')) {
    writeGolden(fresh);
    process.stdout.write(`peers:firing: recorded ${sets.length} rule sets in ${GOLDEN_NAME}\n`);
    return 0;
  }
  const golden = readGolden();
  const problems: string[] = [];
  for (const s of sets) {
    const recorded = golden[s.name];
    if (!recorded) {
      problems.push(`${s.name}: not recorded`);
      continue;
    }
    if (recorded.digest !== fresh[s.name]!.digest) problems.push(`${s.name}: recorded for other rules or scenarios`);
    const was = fromJson(recorded.firing, steps(s));
    const now = fromJson(fresh[s.name]!.firing, steps(s));
    for (const scenario of new Set([...was.keys(), ...now.keys()])) {
      for (const d of differences(was.get(scenario), now.get(scenario)))
        problems.push(`${s.name}, ${scenario}: recorded vs promtool now: ${d}`);
    }
  }
  const extra = Object.keys(golden).filter((name) => !sets.some((s) => s.name === name));
  for (const name of extra) problems.push(`${name}: recorded, but no such rule set any more`);
  if (problems.length > 0) {
    process.stderr.write(`peers:firing: ${GOLDEN_NAME} differs from promtool:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    process.stderr.write(`peers:firing: after checking the change, run ${SLOTH_FIRING_UPDATE}\n`);
    return 1;
  }
  process.stdout.write(`peers:firing: ${sets.length} recorded rule sets match promtool\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`peers:firing: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
