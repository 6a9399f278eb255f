/**
 * Our alerts from the team's Sloth specs against rules in Sloth's documented shape
 * (tests/slos/sloth-reference.ts) on the same input series: page and ticket fire at the same
 * evaluation steps. promtool runs our rules here; the steps the rules of Sloth's shape fire at
 * depend only on the fixtures and the reference, so they are recorded once
 * (`__golden__/sloth-firing.json`, recomputed and compared by `npm run peers:firing` in CI, see
 * tests/alerts/prometheus/sloth-firing.ts), and this test fails when that recording is not of the
 * current rules and scenarios. The same comparison against the rules Sloth itself generated for its
 * own examples is `npm run peers -- --reference DIR` (scripts/compare-peers.ts), which CI runs
 * beside the tests.
 */
import { serviceRuleFile } from '../../../alerts/prometheus/artifacts';
import { firingConditionsOnly } from '../../../alerts/prometheus/rules';
import { ruleFileYaml } from '../../../alerts/prometheus/serialize';
import { environmentLinks } from '../../../layers/platform/layer';
import { exampleEnv } from '../../layers/platform/example';
import { branchDetectionSeconds, burnBranch, burnWindowsLagSeconds } from '../../../slos/alert-timing';
import type { SloCatalog } from '../../../slos/model';
import { slothCatalog } from '../../slos/sloth-fixtures';
import { burnScenarioName, firingSets, laggedDifferences, type Firing } from './peers-harness';
import { peerFixtures, recordedFiring, recordFiring, slothRuleSet, writeGolden, type PeerFixture } from './sloth-firing';

/** Our rule file for a catalog of one service, as `slo generate` renders it, without `keep_firing_for` (see firingConditionsOnly). */
function ourRules(catalog: SloCatalog): string {
  expect(catalog.services).toHaveLength(1);
  return ruleFileYaml(
    firingConditionsOnly(serviceRuleFile(catalog, catalog.services[0]!, { links: environmentLinks(exampleEnv), layers: [] })),
  );
}

interface Fixture extends PeerFixture {
  sloth?: Firing;
  ours?: Firing;
}

const fixtures: Fixture[] = peerFixtures();

/** promtool runs days of samples per scenario; on a busy 2-core machine that takes more than jest's default. */
const PROMTOOL_TIMEOUT_MS = 240_000;

beforeAll(async () => {
  // given, for every fixture, rules in sloth's documented shape and ours, both from the same spec,
  // over the same scenarios: ours run by promtool (one invocation per rule file, in parallel), and
  // sloth's firing steps as recorded (UPDATE_GOLDEN=1 records them anew with promtool)
  const slothSets = fixtures.map(slothRuleSet);
  if (process.env.UPDATE_GOLDEN) writeGolden(await recordFiring(slothSets));
  const sloth = recordedFiring(slothSets);
  const ours = await firingSets(
    fixtures.map((f) => {
      const catalog = slothCatalog(f.fixture);
      return {
        name: `${f.key}-ours`,
        rules: ourRules(catalog),
        alertnames: [...new Set(catalog.slos.map((s) => s.alerting.name))],
        scenarios: f.scenarios,
      };
    }),
  );
  for (const f of fixtures) {
    f.sloth = sloth.get(`${f.key}-sloth`)!;
    f.ours = ours.get(`${f.key}-ours`)!;
  }
}, PROMTOOL_TIMEOUT_MS);

const cases = fixtures.flatMap((f) => f.scenarios.map((s) => [f.fixture.name, s.name, f, s] as const));

describe("alerts from sloth specs fire like rules of sloth's documented shape", () => {
  test.each(cases)('%s, %s: page and ticket fire at the same evaluation steps', (_fixture, _scenario, f, s) => {
    // then: the firing sets agree at every step, except that where our windows of a day or more
    // are summed from recorded 5m rates, ours may start and stop up to their lag later (0 at a 5m step)
    const lag = burnWindowsLagSeconds(f.slo, s.intervalSeconds);
    expect(laggedDifferences(f.sloth!.get(s.name), f.ours!.get(s.name), s.intervalSeconds, lag)).toEqual([]);
  });

  test.each(fixtures.map((f) => [f.fixture.name, f] as const))(
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

  test.each(fixtures.map((f) => [f.fixture.name, f] as const))(
    '%s: both catch a full outage no later than the first evaluation after the computed detection time',
    (_name, f) => {
      // given the outage scenario and the fastest window of each kind, a summed window's lag included
      const outage = f.scenarios.find((s) => s.name === 'full outage then recovery')!;
      for (const kind of ['page', 'ticket'] as const) {
        const detection = Math.min(
          ...f.slo.alerting.windows
            .filter((w) => w.kind === kind)
            .map((w) => branchDetectionSeconds(burnBranch(f.slo, w, outage.intervalSeconds))),
        );
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
