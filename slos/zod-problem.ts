/** Turns zod issues into problems located in the YAML source. */
import type { z } from 'zod';
import type { Problem } from './problems';
import { fieldPath } from './problems';
import { problemAt, type YamlSource } from './yaml-source';

/** Turns a zod issue into a lower-case problem naming the field, the value and what is allowed. */
export function zodProblem(source: YamlSource, issue: z.core.$ZodIssue): Problem {
  const path = issue.path as PropertyKey[];
  const field = fieldPath(path) || '(document)';
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0]!;
      const where = [...path, key];
      const extra = issue.keys.length > 1 ? ` (also: ${issue.keys.slice(1).join(', ')})` : '';
      return problemAt(source, where, `unknown field "${key}" in ${field}${extra}`, 'schema');
    }
    case 'invalid_type':
      if (input === undefined) return problemAt(source, path, `missing required field ${field} (expected ${issue.expected})`, 'schema');
      return problemAt(source, path, `${field} must be ${article(issue.expected)}, got ${describe(input)}`, 'schema', true);
    case 'invalid_value':
      return problemAt(
        source,
        path,
        `${field} is ${describe(input)}; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
        'schema',
        true,
      );
    case 'too_small':
    case 'too_big':
    case 'invalid_format':
    case 'custom':
    default:
      return problemAt(source, path, `${field} is ${describe(input)}: ${lower(issue.message)}`, 'schema', true);
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function lower(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}
