import { serviceRuleFile } from '../../../alerts/prometheus/artifacts';
import { ruleFileYaml } from '../../../alerts/prometheus/serialize';
import { loadEnvironmentOrThrow } from '../../../environments/load';
import { fullOutageDetectionSeconds } from '../../../slos/burn-rate';
import type { Slo, SloCatalog } from '../../../slos/model';
import {
  SLOTH_PAIRS,
  slothAlertRules,
  slothCatalog,
  slothConditions,
  slothExpectedText,
  type SlothCondition,
  type SlothPair,
} from '../../slos/sloth-fixtures';
import { burnScenarioName, differences, firingSets, scenariosFor, type Firing, type Scenario } from './peers-harness';

/** Our rule file for a catalog of one service, as `slo generate` renders it. */
function ourRules(catalog: SloCatalog): string {
  expect(catalog.services).toHaveLength(1);
  return ruleFileYaml(serviceRuleFile(catalog, catalog.services[0]!, loadEnvironmentOrThrow('example')));
}

/** Sloth's pairs that use its built-in windows and the counters the harness feeds. */
const PAIRS = SLOTH_PAIRS.filter((p) => p.name !== 'kubernetes-apiserver');

interface Fixture {
  readonly pair: SlothPair;
  /** The SLO with alerts (each fixture has one; the rest are disabled). */
  readonly slo: Slo;
  /** Sloth's alert windows and factors, read from its expected output. */
  readonly windows: readonly SlothCondition[];
  readonly scenarios: Scenario[];
  sloth?: Firing;
  ours?: Firing;
}

const fixtures: Fixture[] = PAIRS.map((pair) => {
  const slo = slothCatalog(pair).slos.find((s) => s.alerting.windows.length > 0)!;
  const windows = slothConditions(pair.expected);
  return { pair, slo, windows, scenarios: scenariosFor(windows[0]!.budget, windows) };
});

beforeAll(async () => {
  // given, for every fixture, sloth's expected rules and ours rendered from sloth's spec, run
  // by promtool over the same scenarios (one promtool invocation per rule file, in parallel)
  const runs = await firingSets(
    fixtures.flatMap((f) => {
      const catalog = slothCatalog(f.pair);
      const key = f.pair.name.replace(/\W+/g, '-');
      return [
        {
          name: `${key}-sloth`,
          rules: slothExpectedText(f.pair.expected),
          alertnames: [...new Set(slothAlertRules(f.pair.expected).map((r) => r.alert))],
          scenarios: f.scenarios,
        },
        {
          name: `${key}-ours`,
          rules: ourRules(catalog),
          alertnames: [...new Set(catalog.slos.map((s) => s.alerting.name))],
          scenarios: f.scenarios,
        },
      ];
    }),
  );
  for (const f of fixtures) {
    const key = f.pair.name.replace(/\W+/g, '-');
    f.sloth = runs.get(`${key}-sloth`)!;
    f.ours = runs.get(`${key}-ours`)!;
  }
});

const cases = fixtures.flatMap((f) => f.scenarios.map((s) => [f.pair.name, s.name, f, s] as const));

describe("alerts from sloth's specs fire like sloth's own rules", () => {
  test.each(cases)('%s, %s: page and ticket fire at the same evaluation steps', (_fixture, _scenario, f, s) => {
    // then: the firing sets agree at every step
    expect(differences(f.sloth!.get(s.name), f.ours!.get(s.name))).toEqual([]);
  });

  test.each(fixtures.map((f) => [f.pair.name, f] as const))(
    '%s: the comparison is not vacuous — outages and burns above each factor fire, a clean history does not',
    (_name, f) => {
      // then
      const id = f.slo.name;
      const kindsFired = (scenario: string) => new Set([...(f.sloth!.get(scenario)?.values() ?? [])].flat());
      expect(f.sloth!.get('clean')).toBeUndefined();
      expect(kindsFired('full outage then recovery')).toEqual(new Set([`${id}/page`, `${id}/ticket`]));
      for (const w of f.windows) {
        expect(kindsFired(burnScenarioName('above', w))).toContain(`${id}/${w.kind}`);
      }
    },
  );

  test.each(fixtures.map((f) => [f.pair.name, f] as const))(
    '%s: both catch a full outage no later than the first evaluation after the computed detection time',
    (_name, f) => {
      // given the outage scenario and the fastest window of each kind
      const outage = f.scenarios.find((s) => s.name === 'full outage then recovery')!;
      for (const kind of ['page', 'ticket'] as const) {
        const detection = Math.min(...f.slo.alerting.windows.filter((w) => w.kind === kind).map(fullOutageDetectionSeconds));
        const due = outage.startSeconds + Math.ceil(detection / outage.intervalSeconds) * outage.intervalSeconds;
        for (const firing of [f.sloth!, f.ours!]) {
          // when
          const first = [...firing.get(outage.name)!.entries()].find(([, keys]) => keys.includes(`${f.slo.name}/${kind}`));
          // then (earlier is possible for the long windows: the scenario's clean history is shorter than them)
          expect(first?.[0]).toBeGreaterThan(outage.startSeconds);
          expect(first?.[0]).toBeLessThanOrEqual(due);
        }
      }
    },
  );
});
