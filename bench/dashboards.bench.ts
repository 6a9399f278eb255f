/**
 * Dashboard rendering at scale: a catalog of 1,000 SLOs over 50 services (copies of the bundled
 * SLOs under new names), rendered and serialized as `slo generate` does. Goal: well under a
 * second, so dashboards never dominate `slo generate`.
 */
import { artifactText } from '../slos/artifact';
import { grafanaArtifacts } from '../dashboards/artifacts';
import { loadEnvironmentOrThrow } from '../environments/load';
import { platformSlos } from '../environments/platform-slos';
import { platformEngineInputs } from '../layers/platform/layer';
import { loadCatalog } from '../slos/load';
import type { Slo, SloCatalog } from '../slos/model';

const SLOS = 1000;
const SERVICES = 50;

const base = loadCatalog({ slosDir: 'slos' }).catalog!;
const env = loadEnvironmentOrThrow('example');
const slos: Slo[] = Array.from({ length: SLOS }, (_, i) => {
  const s = base.slos[i % base.slos.length]!;
  const service = i < base.slos.length ? s.service : `svc${String(i % SERVICES).padStart(2, '0')}`;
  const name = i < base.slos.length ? s.name : `${s.name}-${i}`;
  return { ...s, service, name, id: `${service}/${name}` };
});
const catalog: SloCatalog = {
  slos: [...slos].sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name)),
  services: [...new Set(slos.map((s) => s.service))].sort(),
};

let t0 = process.hrtime.bigint();
grafanaArtifacts(base, platformEngineInputs(base, env, platformSlos(env, base))); // also the warm-up: module loading and JIT
const firstMs = Number(process.hrtime.bigint() - t0) / 1e6;
t0 = process.hrtime.bigint();
grafanaArtifacts(base, platformEngineInputs(base, env, platformSlos(env, base)));
const bundledMs = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(`bundled catalog (${base.slos.length} SLOs): first run ${firstMs.toFixed(0)} ms (cold), then ${bundledMs.toFixed(0)} ms`);
const runs = 5;
const times: number[] = [];
// CPU time too: wall time on a shared machine measures the neighbours as much as this code.
const cpuTimes: number[] = [];
let bytes = 0;
for (let r = 0; r < runs; r++) {
  const t = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const files = grafanaArtifacts(catalog, platformEngineInputs(catalog, env, platformSlos(env, catalog)));
  const used = process.cpuUsage(cpu);
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
  cpuTimes.push((used.user + used.system) / 1000);
  bytes = files.reduce((n, f) => n + artifactText(f).length, 0);
}
times.sort((a, b) => a - b);
cpuTimes.sort((a, b) => a - b);
const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
console.log(
  `${catalog.slos.length} SLOs, ${catalog.services.length} services → ${catalog.services.length + 1} dashboards, ${mb(bytes)} MB JSON`,
);
console.log(
  `render + serialize: median ${times[Math.floor(runs / 2)]!.toFixed(0)} ms wall, ${cpuTimes[Math.floor(runs / 2)]!.toFixed(0)} ms CPU; min ${times[0]!.toFixed(0)} ms wall (goal < 1000 ms)`,
);
console.log(`peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB`);
