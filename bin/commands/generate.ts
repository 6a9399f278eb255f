/** `slo generate [--slos DIR] [--env NAME|FILE] --out DIR`: writes every artifact atomically. */
import { prometheusArtifacts } from '../../alerts/prometheus/artifacts';
import { grafanaArtifacts } from '../../dashboards/artifacts';
import { loadEnvironment } from '../../environments/load';
import { loadCatalog } from '../../slos/load';
import { parseCommandArgs } from '../args';
import { EXIT, UsageError, type CliIo } from '../io';
import { writeArtifactsAtomically } from '../write-atomic';
import { DEFAULT_SLOS_DIR, render } from './validate';

const HELP = `usage: slo generate [--slos DIR] [--env NAME|FILE] --out DIR

Writes DIR/prometheus/<service>.rules.yaml, DIR/prometheus/<service>.test.yaml and
DIR/grafana/<dashboard-uid>.json. Invalid specs write nothing (exit 1).
  --slos DIR   spec directory (default: slos)
  --env NAME   environment for thresholds and links (default: example)
  --out DIR    output directory (replaced as a whole)`;

/** Runs `slo generate`. */
export function generate(args: string[], io: CliIo): number {
  const { values } = parseCommandArgs(args, { slos: { type: 'string' }, env: { type: 'string' }, out: { type: 'string' } });
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  if (!values.out) throw new UsageError('--out DIR is required');
  const { catalog, problems } = loadCatalog({ slosDir: values.slos ?? DEFAULT_SLOS_DIR });
  const envResult = loadEnvironment(values.env ?? 'example', catalog);
  const all = [...problems, ...envResult.problems];
  if (!catalog || !envResult.env) {
    io.err(render('text', all, 0));
    return EXIT.invalid;
  }
  const artifacts = [...prometheusArtifacts(catalog, envResult.env), ...grafanaArtifacts(catalog, envResult.env)];
  writeArtifactsAtomically(values.out, artifacts);
  io.out(`wrote ${artifacts.length} files to ${values.out}`);
  return EXIT.ok;
}
