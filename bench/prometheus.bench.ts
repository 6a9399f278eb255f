/**
 * Prometheus rule generation: the time to render the rule files (and, separately, rules plus
 * promtool test files) for 1,000 generated SLOs, goal under 1 s; and the rules per SLO beside
 * Sloth's count for the same SLO, Sloth's counted from its documented rule shape
 * (tests/slos/sloth-reference.ts) for the team's Sloth spec tests/fixtures/sloth/specs/payments.yml.
 */
import { performance } from 'node:perf_hooks';
import { prometheusArtifacts, serviceRuleFile } from '../alerts/prometheus/artifacts';
import { ruleFileYaml } from '../alerts/prometheus/serialize';
import { sliRecordingRules } from '../alerts/prometheus/sli-rules';
import { sloAlertRules, sloRuleGroup } from '../alerts/prometheus/slo-alerts';
import { loadEnvironmentOrThrow } from '../environments/load';
import { environmentLinks } from '../layers/platform/layer';
import { buildCatalog } from '../slos/catalog';
import type { Slo, SloCatalog } from '../slos/model';
import { readSloth } from '../tests/slos/sloth-fixtures';
import { slothShapedRules, specSlos } from '../tests/slos/sloth-reference';

const SLOTH_SPEC = 'specs/payments.yml';
const env = loadEnvironmentOrThrow('example');
/** The catalog holds no platform SLO, so the platform layer adds nothing: the example's links only. */
const inputs = { links: environmentLinks(env), layers: [] };

/** 1,000 SLOs over 50 services: ratio and latency SLIs, 7-, 28- and 30-day windows, some ticket-only. */
function thousandSlos(): SloCatalog {
  const files = Array.from({ length: 50 }, (_, s) => {
    const slos = Array.from({ length: 20 }, (_, i) => {
      const window = ['7d', '28d', '30d'][i % 3];
      const sli =
        i % 2 === 0
          ? `      ratio:\n        errorQuery: sum(rate(http_requests_total{job="svc${s}", route="r${i}", code=~"5.."}[{{.window}}]))\n        totalQuery: sum(rate(http_requests_total{job="svc${s}", route="r${i}"}[{{.window}}]))`
          : `      latency:\n        histogram: http_request_duration_seconds\n        selector: job="svc${s}", route="r${i}"\n        thresholdSeconds: 0.25\n        buckets: [0.05, 0.1, 0.25, 0.5, 1]`;
      const pages = i % 4 === 3 ? '\n      page:\n        enabled: false' : '';
      return `  - name: slo-${i}\n    description: Generated SLO ${i}.\n    objective: ${[99, 99.5, 99.9][i % 3]}\n    window: ${window}\n    sli:\n${sli}\n    alerting:\n      runbookUrl: https://runbooks.example.org/svc${s}#slo-${i}${pages}`;
    });
    const text = `apiVersion: slo-platform/v1\nkind: ServiceLevelObjectives\nservice: svc${s}\nowner: team-${s % 7}\nslos:\n${slos.join('\n')}\n`;
    return { file: `svc${s}.yaml`, text };
  });
  const { catalog, problems } = buildCatalog(files);
  if (!catalog) throw new Error(`generated specs are invalid: ${problems[0]?.message}`);
  return catalog;
}

/** Median of `runs` timings of `fn`, in milliseconds. */
function median(runs: number, fn: () => void): number {
  const times = Array.from({ length: runs }, () => {
    const t = performance.now();
    fn();
    return performance.now() - t;
  }).sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

const rulesOf = (slo: Slo) => sloRuleGroup(slo).rules.length;

const catalog = thousandSlos();
const rulesOnly = median(5, () => {
  for (const s of catalog.services) ruleFileYaml(serviceRuleFile(catalog, s, inputs));
});
const withTests = median(3, () => prometheusArtifacts(catalog, inputs));
const totalRules = catalog.slos.reduce((n, s) => n + rulesOf(s), 0);
console.log(`rule files for ${catalog.slos.length} SLOs (${totalRules} rules): ${rulesOnly.toFixed(0)} ms (goal < 1000 ms)`);
console.log(`rule files + promtool test files for ${catalog.slos.length} SLOs: ${withTests.toFixed(0)} ms`);

// A Sloth spec's SLO: Sloth's rules for it, by its documented shape, and ours for the same SLO.
const slothText = readSloth(SLOTH_SPEC);
const slothOut = slothShapedRules(slothText, '30d');
const slothCount = (kind: string) => slothOut.groups.filter((g) => g.name.includes(kind)).reduce((n, g) => n + g.rules.length, 0);
const slothTotal = slothOut.groups.reduce((n, g) => n + g.rules.length, 0);
const theirs = specSlos(slothText)[0]!;
const [errorQuery, totalQuery] = theirs.errorRatio('{{.window}}').split('\n/\n') as [string, string];
const equivalent = buildCatalog([
  {
    file: `${theirs.service}.yaml`,
    text: `apiVersion: slo-platform/v1
kind: ServiceLevelObjectives
service: ${theirs.service}
owner: ${theirs.labels['owner'] ?? theirs.service}
slos:
  - name: ${theirs.name}
    description: The SLO of ${SLOTH_SPEC}.
    objective: ${theirs.objective}
    window: 30d
    sli:
      ratio:
        errorQuery: ${JSON.stringify(errorQuery)}
        totalQuery: ${JSON.stringify(totalQuery)}
    alerting:
      runbookUrl: https://runbooks.example.org/${theirs.service}#${theirs.name}
`,
  },
]).catalog!;
const fromSlothSpec = buildCatalog([{ file: SLOTH_SPEC, text: slothText }]).catalog;
const ours = equivalent.slos[0]!;
const describe = (slo: Slo) => {
  const sli = sliRecordingRules(slo).length;
  const alerts = sloAlertRules(slo).length;
  return `${sli + alerts} (${sli} SLI and metadata records, ${alerts} alerts)`;
};
console.log(
  `rules per SLO, ${SLOTH_SPEC}: Sloth ${slothTotal} (${slothCount('sli-recordings')} SLI, ${slothCount('meta-recordings')} metadata, ${slothCount('alerts')} alerts)`,
);
console.log(`  slo-platform, equivalent native spec (Workbook windows, one budget alert with three thresholds): ${describe(ours)}`);
if (fromSlothSpec) console.log(`  slo-platform, the Sloth spec read as is (Sloth's 4 windows): ${describe(fromSlothSpec.slos[0]!)}`);
