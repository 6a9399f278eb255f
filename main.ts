/**
 * The cdktf app: synthesizes every stack of one environment (`SLO_ENV`, default `example`) into
 * `cdktf.out/stacks/<stack>/cdk.tf.json`. Works with `cdktf synth`/`cdktf deploy` and directly
 * (`npm run synth`), offline and without credentials.
 */
import { App } from './constructs/framework';
import { loadEnvironmentOrThrow } from './environments/load';
import { loadCatalog } from './slos/load';
import { formatProblem } from './slos/problems';
import { composeEnvironment } from './stacks/app';

function main(): void {
  const { catalog, problems } = loadCatalog({ slosDir: process.env.SLO_DIR ?? 'slos' });
  if (!catalog) throw new Error(`invalid slo specs:\n${problems.map(formatProblem).join('\n')}`);
  const env = loadEnvironmentOrThrow(process.env.SLO_ENV ?? 'example', catalog);
  // Synth warnings would otherwise carry absolute stack traces into manifest.json; the output
  // must be the same on every machine.
  const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out', context: { '@cdktf/disable_stack_trace_in_metadata': true } });
  composeEnvironment(app, { env, catalog });
  app.synth();
}

try {
  main();
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
}
