/** `slo validate [--slos DIR] [--docs FILE] [--format text|github|json]`: never writes a file. */
import { join } from 'node:path';
import { loadCatalog } from '../../slos/load';
import { formatProblem, type Problem } from '../../slos/problems';
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
  const { catalog, problems } = loadCatalog({ slosDir, ...(docsFile ? { docsFile } : {}) });
  io.out(render(format, problems, catalog ? catalog.slos.length : 0));
  return problems.length > 0 ? EXIT.invalid : EXIT.ok;
}

/** Renders problems in one of the output formats. */
export function render(format: 'text' | 'github' | 'json', problems: readonly Problem[], sloCount: number): string {
  if (format === 'json') return JSON.stringify({ valid: problems.length === 0, sloCount, problems }, null, 2);
  if (format === 'github') {
    if (problems.length === 0) return `::notice::${sloCount} slos valid`;
    return problems
      .map(
        (p) =>
          `::error file=${esc(p.file, true)},line=${p.line},col=${p.col},title=${esc(`slo ${p.rule}`, true)}::${esc(p.message, false)}`,
      )
      .join('\n');
  }
  if (problems.length === 0) return `ok: ${sloCount} slos valid`;
  return `${problems.map(formatProblem).join('\n')}\n${problems.length} problem${problems.length === 1 ? '' : 's'} found`;
}

/** GitHub workflow-command escaping (data and, for properties, also `:` and `,`). */
function esc(s: string, property: boolean): string {
  const out = s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return property ? out.replace(/:/g, '%3A').replace(/,/g, '%2C') : out;
}
