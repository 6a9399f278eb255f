/**
 * `slo generate [--slos DIR] [--env NAME|FILE] --out DIR [--adopt]`: writes every artifact as one
 * unit, never destroying a file it did not write (bin/generated-output.ts holds the policy).
 */
import { eachEngineArtifact, metricsContractArtifact } from '../../layers/layer';
import type { Artifact } from '../../slos/artifact';
import { serverArtifacts, serverInputs } from '../../alerts/servers';
import { loadCatalog } from '../../slos/load';
import { parseCommandArgs } from '../args';
import { ENGINE_HELP, ENGINE_OPTIONS, engineInputs } from '../engine-inputs';
import { EXIT, UsageError, type CliIo } from '../io';
import { checkOutputDir, OutputBusyError, writeGeneratedOutput } from '../generated-output';
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
exit: 0 written, 1 invalid specs or another run kept DIR locked (nothing written),
      2 usage error or a refused --out (nothing written)`;

/** Runs `slo generate`. */
export function generate(args: string[], io: CliIo): number {
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
  const { catalog, problems } = loadCatalog({ slosDir: values.slos ?? DEFAULT_SLOS_DIR });
  const resolved = catalog ? engineInputs(values, catalog) : { problems: [] };
  const all = [...problems, ...resolved.problems];
  if (!catalog || !resolved.inputs) {
    io.err(render('text', all, 0));
    return EXIT.invalid;
  }
  const { inputs, env } = resolved;
  // Rendered one file at a time as the writer takes them: the output (420 MB at 10,000 SLOs) is
  // never held whole. The platform's own servers (Alertmanager, Prometheus, blackbox exporter)
  // only with an environment, from the rule files: without one the output is the specs' alone.
  const artifacts = function* (): Generator<Artifact> {
    const ruleFiles: Artifact[] = [];
    for (const a of eachEngineArtifact(catalog, inputs)) {
      if (env && a.path.startsWith('prometheus/') && a.path.endsWith('.rules.yaml')) ruleFiles.push(a);
      yield a;
    }
    yield metricsContractArtifact(catalog, inputs);
    if (env) yield* serverArtifacts(serverInputs(env, catalog), ruleFiles);
  };
  try {
    const written = writeGeneratedOutput(values.out, artifacts(), target);
    for (const note of written.notes) io.err(`slo generate: ${note}`);
    io.out(written.summary);
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof OutputBusyError)) throw e;
    io.err(`slo generate: ${e.message}`);
    return EXIT.invalid;
  }
}
