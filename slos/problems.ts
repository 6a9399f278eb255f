/** Validation problems: every check reports these, all at once, each with file, line and column. */

/** One problem found in the input. */
export interface Problem {
  /** File the problem is in. */
  readonly file: string;
  /** 1-based line (1 when the whole file is meant). */
  readonly line: number;
  /** 1-based column. */
  readonly col: number;
  /** YAML path of the field, e.g. `slos[0].objective`; empty for the whole file. */
  readonly field: string;
  /** Lower-case message naming the field, the value given and what is allowed. */
  readonly message: string;
  /** Short id of the rule that found it, e.g. `schema`, `yaml`, `docs-mismatch`. */
  readonly rule: string;
  /**
   * `warning` for input that is valid but suspicious (it is reported, and fails nothing); absent
   * for an error.
   */
  readonly severity?: 'warning';
}

/** True for a warning: reported, but the input is still valid. */
export function isWarning(p: Problem): boolean {
  return p.severity === 'warning';
}

/** `file:line:col: message` (`file:line:col: warning: message` for a warning) — the text format of `slo validate`. */
export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${isWarning(p) ? 'warning: ' : ''}${p.message}`;
}

/** Sorts problems by file, line and column so output is stable. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.message.localeCompare(b.message),
  );
}

/** Renders a YAML path array as `slos[0].sli.latency`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
