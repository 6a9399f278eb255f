/**
 * `slo generate [--slos DIR] [--env NAME|FILE] --out DIR [--adopt]`: writes every artifact as one
 * unit, never destroying a file it did not write (bin/generated-output.ts holds the policy).
 */
import {
  eachEngineArtifact,
  engineArtifactUnits,
  metricsContractArtifact,
  renderEngineArtifactUnit,
  type EngineInputs,
} from '../../layers/layer';
import type { Artifact } from '../../slos/artifact';
import { serverArtifacts, serverInputs } from '../../alerts/servers';
import { buildCatalog } from '../../slos/catalog';
import { readSpecDir } from '../../slos/load';
import { parseCommandArgs } from '../args';
import { ENGINE_HELP, ENGINE_OPTIONS, engineInputs } from '../engine-inputs';
import { EXIT, UsageError, type CliIo } from '../io';
import {
  checkOutputDir,
  openGeneratedOutput,
  OutputBusyError,
  writeGeneratedOutput,
  type EncodedArtifact,
  type OutputResult,
} from '../generated-output';
import { renderThreads, startRenderWorkers, WORKER_THRESHOLD_SLOS } from '../private/render-workers';
import type { SloCatalog } from '../../slos/model';
import type { InputFile } from '../../slos/catalog';
import type { EngineOptionValues } from '../engine-inputs';
import { DEFAULT_SLOS_DIR, render } from './validate';

const HELP = `usage: slo generate [--slos DIR] [--env NAME|FILE] [--grafana-url URL] [--runbook-base-url URL] --out DIR [--adopt]

Writes DIR/prometheus/<service>.rules.yaml, DIR/prometheus/<service>.test.yaml and
DIR/grafana/<dashboard-uid>.json for exactly the specs given, and DIR/metrics-contract.json (every
metric and label they read: docs/metrics.md); with --env also
DIR/alertmanager/alertmanager.yml (+ its template and routing test), DIR/prometheus/prometheus.yml
(+ prometheus.flags: the retention the longest SLO window needs)
and DIR/blackbox/blackbox.yml. Invalid specs write nothing (exit 1).
  --slos DIR              spec directory (default: slos)
${ENGINE_HELP}
  --out DIR               output directory. Only files slo generate wrote there (listed in
                          DIR/.slo-manifest.json, unchanged since) are replaced or removed; all
                          others are kept. Refused (exit 2): the repository root or a folder
                          holding it, the spec directory, a folder holding it or inside it,
                          the home directory, /, and a non-empty directory without a manifest
  --adopt                 write into a non-empty directory without a manifest, and overwrite
                          files at generated paths that slo generate did not write or that
                          were edited since
exit: 0 written, 1 invalid specs, another run kept DIR locked or the system refused a path
      (nothing written), 2 usage error or a refused --out (nothing written)
environment: SLO_GENERATE_THREADS=N renders with N worker threads beside the main thread (0: in
      the main thread alone); by default one per CPU but one (at most 7) from
      ${WORKER_THRESHOLD_SLOS} SLOs on, none below`;

/** Runs `slo generate`. */
export async function generate(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, {
    slos: { type: 'string' },
    ...ENGINE_OPTIONS,
    out: { type: 'string' },
    adopt: { type: 'boolean' },
  });
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  if (!values.out) throw new UsageError('--out DIR is required');
  const target = { slosDir: values.slos ?? DEFAULT_SLOS_DIR, adopt: values.adopt ?? false };
  checkOutputDir(values.out, target);
  // loadCatalog without a docs table, keeping the texts read: worker threads build from them
  const specs = readSpecDir(values.slos ?? DEFAULT_SLOS_DIR);
  const { catalog, problems } = specs.problems.length > 0 ? { catalog: undefined, problems: specs.problems } : buildCatalog(specs.files);
  const resolved = catalog ? engineInputs(values, catalog) : { problems: [] };
  const all = [...problems, ...resolved.problems];
  if (!catalog || !resolved.inputs) {
    io.err(render('text', all, 0));
    return EXIT.invalid;
  }
  const { inputs, env } = resolved;
  const threads = renderThreads(catalog.slos.length);
  // Rendered one file at a time as the writer takes them: the output (420 MB at 10,000 SLOs) is
  // never held whole. The platform's own servers (Alertmanager, Prometheus, blackbox exporter)
  // only with an environment, from the rule files: without one the output is the specs' alone.
  const ruleFiles: Artifact[] = [];
  const isRuleFile = (path: string) => env !== undefined && path.startsWith('prometheus/') && path.endsWith('.rules.yaml');
  const rest = function* (): Generator<Artifact> {
    yield metricsContractArtifact(catalog, inputs);
    if (env) yield* serverArtifacts(serverInputs(env, catalog), ruleFiles);
  };
  try {
    let written: OutputResult;
    if (threads === 0) {
      const artifacts = function* (): Generator<Artifact> {
        for (const a of eachEngineArtifact(catalog, inputs)) {
          if (isRuleFile(a.path)) ruleFiles.push(a);
          yield a;
        }
        yield* rest();
      };
      written = writeGeneratedOutput(values.out, artifacts(), target);
    } else {
      const writer = openGeneratedOutput(values.out, target);
      try {
        for await (const a of engineInWorkers(catalog, inputs, specs.files, values, threads)) {
          writer.add(a);
          if (isRuleFile(a.path)) ruleFiles.push('bytes' in a ? decoded(a) : a);
        }
        for (const a of rest()) writer.add(a);
        written = writer.finish();
      } finally {
        writer.abandon();
      }
    }
    for (const note of written.notes) io.err(`slo generate: ${note}`);
    io.out(written.summary);
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof OutputBusyError)) throw e;
    io.err(`slo generate: ${e.message}`);
    return EXIT.invalid;
  }
}

/**
 * The engine's files in `eachEngineArtifact` order: the per-service units rendered by this thread
 * and `threads` worker threads, whichever is free (bin/private/render-workers.ts), then the SLO
 * dashboard (the last unit) by this thread once the workers are done.
 * It spans every service, and its model (hundreds of megabytes at 10,000 SLOs) is built after the
 * workers' heaps are gone, which keeps the peak memory that of a run without workers.
 *
 * With `SLO_TEST_WORKERS_RENDER` set, this thread leaves every per-service unit to the workers:
 * the tests of the workers' output set it, since with a catalog as small as theirs this thread
 * renders every unit before a worker has loaded.
 */
async function* engineInWorkers(
  catalog: SloCatalog,
  inputs: EngineInputs,
  files: readonly InputFile[],
  options: EngineOptionValues,
  threads: number,
): AsyncGenerator<Artifact | EncodedArtifact> {
  const units = engineArtifactUnits(catalog);
  const last = (i: number) => units[i]!.kind === 'slo-dashboard';
  const perService = units.flatMap((_, i) => (last(i) ? [] : [i]));
  const workers = startRenderWorkers(files, options, perService, threads);
  const here = process.env.SLO_TEST_WORKERS_RENDER ? undefined : (u: number) => renderEngineArtifactUnit(catalog, inputs, units[u]!);
  try {
    for (let k = 0; k < perService.length; k++) yield* await workers.take(k, here);
    await workers.stop();
    for (const i of units.keys()) if (last(i)) yield* renderEngineArtifactUnit(catalog, inputs, units[i]!);
  } finally {
    await workers.stop();
  }
}

/** An encoded artifact as text again (rule files, which the server configuration reads). */
function decoded(a: EncodedArtifact): Artifact {
  return { path: a.path, content: Buffer.from(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength).toString('utf8') };
}
