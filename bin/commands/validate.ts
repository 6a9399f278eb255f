/** `slo validate [--slos DIR] [--docs FILE] [--format text|github|json]`: never writes a file. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironment } from '../../environments/load';
import { loadCatalog } from '../../slos/load';
import { formatProblem, isWarning, sortProblems, type Problem } from '../../slos/problems';
import { oneOf, parseCommandArgs } from '../args';
import { EXIT, UsageError, type CliIo } from '../io';

const HELP = `usage: slo validate [--slos DIR] [--docs FILE] [--no-docs] [--env NAME|FILE] [--format text|github|json]

Checks every SLO spec and, when there is one, the documented targets table; reports every
problem found, and whether the targets table was checked.
  --slos DIR     spec directory (default: slos)
  --docs FILE    documented targets; a missing FILE is an error (default: docs/SLOs.md when
                 it exists, else no documentation check)
  --no-docs      skip the documentation check
  --env NAME|FILE
                 also check an environment (environments/NAME.yaml or a file) against the
                 specs: its platform SLOs, and a prometheusServers.retention too short for
                 the longest SLO window
  --format F     text (default), github (workflow annotations) or json
exit: 0 valid, 1 problems found, 2 usage error`;

/** Default spec directory and docs file, relative to the working directory. */
export const DEFAULT_SLOS_DIR = 'slos';
export const DEFAULT_DOCS_FILE = join('docs', 'SLOs.md');

/** Runs `slo validate`. */
export function validate(args: string[], io: CliIo): number {
  const { values } = parseCommandArgs(args, {
    slos: { type: 'string' },
    docs: { type: 'string' },
    'no-docs': { type: 'boolean' },
    env: { type: 'string' },
    format: { type: 'string' },
  });
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  const format = oneOf('format', values.format, ['text', 'github', 'json'] as const, 'text');
  if (values['no-docs'] && values.docs !== undefined) throw new UsageError('--docs and --no-docs exclude each other');
  const slosDir = values.slos ?? DEFAULT_SLOS_DIR;
  const docs = docsCheck(values.docs, values['no-docs'] === true);
  const loaded = loadCatalog({ slosDir, ...(docs.file ? { docsFile: docs.file } : {}) });
  const { catalog, warnings = [] } = loaded;
  // The environment is checked against the catalog, so only once the specs themselves are valid.
  const problems = [...loaded.problems, ...(values.env !== undefined && catalog ? loadEnvironment(values.env, catalog).problems : [])];
  io.out(render(format, problems, catalog ? catalog.slos.length : 0, warnings, docs));
  return problems.length > 0 ? EXIT.invalid : EXIT.ok;
}

/** Whether the targets table is checked, and why not when it is not. */
export interface DocsCheck {
  /** The table checked; undefined when the check is off. */
  readonly file?: string;
  /** One line for the output: what was checked, or why nothing was. */
  readonly summary: string;
}

/**
 * The docs-table binding: on for a file named with `--docs` (a missing one is then a problem,
 * reported by the loader), else on when `docs/SLOs.md` exists in the working directory, else off;
 * `--no-docs` turns it off. A spec directory of another repository has no docs table, and needs
 * none.
 */
export function docsCheck(named: string | undefined, off: boolean): DocsCheck {
  if (off) return { summary: 'targets table not checked (--no-docs)' };
  const file = named ?? (existsSync(DEFAULT_DOCS_FILE) ? DEFAULT_DOCS_FILE : undefined);
  if (file === undefined) return { summary: `targets table not checked (no ${DEFAULT_DOCS_FILE}; name one with --docs)` };
  return { file, summary: `checked targets table ${file}` };
}

/**
 * Renders problems (errors) and warnings in one of the output formats. Warnings are shown in every
 * format but never make the specs invalid; `docs` says whether the targets table was checked.
 */
export function render(
  format: 'text' | 'github' | 'json',
  problems: readonly Problem[],
  sloCount: number,
  warnings: readonly Problem[] = [],
  docs?: DocsCheck,
): string {
  const docsNote = docs ? `; ${docs.summary}` : '';
  if (format === 'json')
    return JSON.stringify(
      { valid: problems.length === 0, sloCount, ...(docs ? { docsTable: docs.file ?? null } : {}), problems, warnings },
      null,
      2,
    );
  if (format === 'github') {
    const annotate = (p: Problem) =>
      `::${isWarning(p) ? 'warning' : 'error'} file=${esc(p.file, true)},line=${p.line},col=${p.col},title=${esc(`slo ${p.rule}`, true)}::${esc(p.message, false)}`;
    const lines = [...warnings, ...problems].map(annotate);
    if (problems.length === 0) lines.push(`::notice::${sloCount} slos valid${docsNote}`);
    return lines.join('\n');
  }
  const lines = sortProblems([...warnings, ...problems]).map(formatProblem);
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  if (problems.length === 0) {
    return [...lines, `ok: ${sloCount} slos valid${warnings.length > 0 ? ` (${count(warnings.length, 'warning')})` : ''}${docsNote}`].join(
      '\n',
    );
  }
  const tail = `${count(problems.length, 'problem')} found${warnings.length > 0 ? `, and ${count(warnings.length, 'warning')}` : ''}`;
  return [...lines, tail].join('\n');
}

/** GitHub workflow-command escaping (data and, for properties, also `:` and `,`). */
function esc(s: string, property: boolean): string {
  const out = s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return property ? out.replace(/:/g, '%3A').replace(/,/g, '%2C') : out;
}
