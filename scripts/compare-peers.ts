/**
 * Compares this package with its peers' own fixtures, which are not part of this repository:
 * Sloth's example and golden spec/rule pairs and its built-in window catalogues, in a folder laid
 * out as Sloth's repository (`<reference>/sloth/examples/...`, `.../test/integration/...`,
 * `.../internal/alert/windows/...`). CI (.ci/run) runs it beside `npm test`, never inside it, with
 * the copy of those files it keeps next to the checkout:
 *
 * ```sh
 * npm run -s peers -- --reference DIR
 * ```
 *
 * What it checks, each against Sloth's own files:
 * 1. the window tables of tests/fixtures/sloth/windows.yaml equal Sloth's catalogues;
 * 2. our Sloth reader gives, for each of Sloth's specs, the alert windows, factors, error budgets
 *    and thresholds Sloth wrote;
 * 3. the rules of Sloth's documented shape (tests/slos/sloth-reference.ts), which `npm test`
 *    compares our alerts with, are Sloth's rules: same groups, records, alerts, labels, SLI
 *    queries and alert conditions;
 * 4. with promtool, our alerts and Sloth's generated rules fire page and ticket at the same
 *    evaluation steps on the same input series, the comparison is not vacuous, and both catch a
 *    full outage by the computed detection time;
 * 5. no SLO of the shipped specs has more rules than Sloth writes for an SLO.
 *
 * Exit 0 when every check passes, 1 when one fails (each failure is printed), 2 on a usage error.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): string {
  const usage = 'usage: npm run -s peers -- --reference DIR   (DIR holds a copy of the Sloth repository files under sloth/)';
  if (argv.length !== 2 || argv[0] !== '--reference' || !argv[1]) throw new UsageError(usage);
  const dir = resolve(argv[1]);
  if (!existsSync(join(dir, 'sloth'))) throw new UsageError(`peers: ${argv[1]} has no sloth/ folder\n${usage}`);
  return dir;
}

async function main(argv: readonly string[]): Promise<number> {
  const referenceDir = parseArgs(argv);
  // the checks load the whole engine: only after the arguments are known to be good
  const { comparePeers } = require('./compare-peers-checks') as typeof import('./compare-peers-checks');
  return comparePeers(referenceDir);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}
