/** `slo validate [--slos DIR] [--docs FILE] [--format text|github|json]`: never writes a file. */
import { join } from 'node:path';
import { loadCatalog } from '../../slos/load';
import { formatProblem, isWarning, sortProblems, type Problem } from '../../slos/problems';
import { oneOf, parseCommandArgs } from '../args';
import { EXIT, type CliIo } from '../io';

const HELP = `usage: slo validate [--slos DIR] [--docs FILE] [--no-docs] [--format text|github|json]

Checks every SLO spec and the documented targets table, and reports every problem found.
  --slos DIR     spec directory (default: slos)
  --docs FILE    documented targets (default: docs/SLOs.md)
  --no-docs      skip the documentation check (for spec directories without docs)
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
    format: { type: 'string' },
  });
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  const format = oneOf('format', values.format, ['text', 'github', 'json'] as const, 'text');
  const slosDir = values.slos ?? DEFAULT_SLOS_DIR;
  const docsFile = values['no-docs'] ? undefined : (values.docs ?? DEFAULT_DOCS_FILE);
  const { catalog, problems, warnings = [] } = loadCatalog({ slosDir, ...(docsFile ? { docsFile } : {}) });
  io.out(render(format, problems, catalog ? catalog.slos.length : 0, warnings));
  return problems.length > 0 ? EXIT.invalid : EXIT.ok;
}

/**
 * Renders problems (errors) and warnings in one of the output formats. Warnings are shown in every
 * format but never make the specs invalid.
 */
export function render(
  format: 'text' | 'github' | 'json',
  problems: readonly Problem[],
  sloCount: number,
  warnings: readonly Problem[] = [],
): string {
  if (format === 'json') return JSON.stringify({ valid: problems.length === 0, sloCount, problems, warnings }, null, 2);
  if (format === 'github') {
    const annotate = (p: Problem) =>
      `::${isWarning(p) ? 'warning' : 'error'} file=${esc(p.file, true)},line=${p.line},col=${p.col},title=${esc(`slo ${p.rule}`, true)}::${esc(p.message, false)}`;
    const lines = [...warnings, ...problems].map(annotate);
    if (problems.length === 0) lines.push(`::notice::${sloCount} slos valid`);
    return lines.join('\n');
  }
  const lines = sortProblems([...warnings, ...problems]).map(formatProblem);
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  if (problems.length === 0) {
    return [...lines, `ok: ${sloCount} slos valid${warnings.length > 0 ? ` (${count(warnings.length, 'warning')})` : ''}`].join('\n');
  }
  const tail = `${count(problems.length, 'problem')} found${warnings.length > 0 ? `, and ${count(warnings.length, 'warning')}` : ''}`;
  return [...lines, tail].join('\n');
}

/** GitHub workflow-command escaping (data and, for properties, also `:` and `,`). */
function esc(s: string, property: boolean): string {
  const out = s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return property ? out.replace(/:/g, '%3A').replace(/,/g, '%2C') : out;
}
