/**
 * Turns zod issues into problems located in the YAML source. Messages follow STYLE §3: lower
 * case, naming the field, the value given and what is allowed.
 */
import type { z } from 'zod';
import type { Problem } from './problems';
import { fieldPath } from './problems';
import { problemAt, type YamlSource } from './yaml-source';
import { editDistance } from './edit-distance';
import { secretFields, shownValue, type SecretField } from './text-policy';

/**
 * Turns one zod issue into problems (one per unknown key, otherwise one). `schema` is the root
 * schema the value was parsed with; it lets unknown-field messages list the allowed fields.
 *
 * Schemas are typed as zod's core `$ZodType` here, never the classic `z.ZodType`: passing a whole
 * spec schema where `z.ZodType` is expected makes tsc relate every method of the classic API (a
 * third of the types and instantiations of the type check).
 */
export function zodProblems(source: YamlSource, issue: z.core.$ZodIssue, schema?: z.core.$ZodType): Problem[] {
  const path = issue.path as PropertyKey[];
  const field = fieldPath(path) || 'the document';
  const input = (issue as { input?: unknown }).input;
  // A field that holds a secret is never shown, whatever is wrong with it.
  const secret = schema ? secretFieldAt(schema, path) : undefined;
  const describe = (v: unknown) => describeValue(v, secret);
  const at = (message: string, where: readonly PropertyKey[] = path, preferValue = true) =>
    problemAt(source, where, message, 'schema', preferValue);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = schema ? objectKeysAt(schema, path) : [];
      const scope = path.length > 0 ? `in ${field}` : 'at the top level';
      return issue.keys.map((key) => {
        const hint = closest(key, allowed);
        const allowedText = allowed.length > 0 ? `; allowed: ${allowed.join(', ')}` : '';
        return at(`unknown field "${key}" ${scope}${hint ? ` (did you mean "${hint}"?)` : ''}${allowedText}`, [...path, key], false);
      });
    }
    case 'invalid_type':
      if (path.length === 0 && input === null) {
        const keys = schema ? objectKeysAt(schema, []).filter((k) => !k.startsWith('$')) : [];
        return [at(`the file has no content; allowed: a mapping${keys.length > 0 ? ` with ${keys.join(', ')}` : ''}`, path, false)];
      }
      if (input === undefined) return [at(`missing required field ${field} (expected ${article(issue.expected)})`, path, false)];
      return [at(`${field} must be ${article(issue.expected)}, got ${describe(input)}`)];
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v)).join(', ');
      if (input === undefined) return [at(`missing required field ${field}; allowed: ${allowed}`, path, false)];
      return [at(`${field} is ${describe(input)}; allowed: ${allowed}`)];
    }
    case 'invalid_key': {
      // A record key (a label name) that fails its own check: name the key, not its value.
      const inner = issue.issues[0]?.message ?? 'invalid key';
      const parent = fieldPath(path.slice(0, -1)) || 'the document';
      return [at(`${parent} key ${describe(input)} is not a valid name; ${lower(inner)}`, path, false)];
    }
    case 'too_small':
    case 'too_big':
      // A schema's own message says what is allowed (e.g. both ends of a range); zod's default does not.
      return [at(`${field} is ${describe(input)}; allowed: ${/^too (small|big)/i.test(issue.message) ? bound(issue) : issue.message}`)];
    case 'invalid_format': {
      const custom = !/^invalid /i.test(issue.message);
      return [at(`${field} is ${describe(input)}; ${custom ? lower(issue.message) : `allowed: ${article(issue.format)}`}`)];
    }
    default:
      return [at(`${field} is ${describe(input)}: ${lower(issue.message)}`)];
  }
}

/**
 * One problem for a zod issue (the first, when an issue names several unknown keys). Kept for
 * callers that map issues one to one; prefer `zodProblems`, which reports every unknown key.
 */
export function zodProblem(source: YamlSource, issue: z.core.$ZodIssue, schema?: z.core.$ZodType): Problem {
  return zodProblems(source, issue, schema)[0]!;
}

/** The field names of the strict object at `path` in `schema` (empty when not an object). */
export function objectKeysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  const node = nodeAt(schema, path);
  const shape = node?._zod.def.type === 'object' ? node._zod.def.shape : undefined;
  return shape ? Object.keys(shape) : [];
}

/** How the field at `path` of `schema` may be shown, when it is registered in `secretFields`. */
export function secretFieldAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): SecretField | undefined {
  let node: ZodDefNode | undefined = schema as unknown as ZodDefNode;
  for (const part of path) {
    node = childOf(node, part);
    if (!node) return undefined;
  }
  // The registered schema may sit under optional/default wrappers; check each layer.
  for (let i = 0; node && i < 10; i++) {
    const meta = secretFields.get(node as unknown as z.core.$ZodType);
    if (meta) return meta;
    const def: ZodDefNode['_zod']['def'] = node._zod.def;
    node = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
  }
  return undefined;
}

/** The schema node at `path`, wrappers stripped (undefined when the path leaves the schema). */
function nodeAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): ZodDefNode | undefined {
  let node: ZodDefNode | undefined = unwrap(schema as unknown as ZodDefNode);
  for (const part of path) {
    node = unwrap(childOf(node, part));
    if (!node) return undefined;
  }
  return node;
}

function childOf(node: ZodDefNode | undefined, part: PropertyKey): ZodDefNode | undefined {
  const def = unwrap(node)?._zod.def;
  if (!def) return undefined;
  if (def.type === 'object' && typeof part === 'string') return def.shape?.[part];
  if (def.type === 'array' && typeof part === 'number') return def.element;
  if (def.type === 'record') return def.valueType;
  return undefined;
}

/** The slice of zod's internal definition this module walks. */
interface ZodDefNode {
  readonly _zod: {
    readonly def: {
      readonly type: string;
      readonly shape?: Record<string, ZodDefNode>;
      readonly element?: ZodDefNode;
      readonly valueType?: ZodDefNode;
      readonly innerType?: ZodDefNode;
      readonly in?: ZodDefNode;
    };
  };
}

/** Strips optional/default/nullable/pipe wrappers, which do not change the field set. */
function unwrap(node: ZodDefNode | undefined): ZodDefNode | undefined {
  let n = node;
  for (let i = 0; n && i < 10; i++) {
    const def = n._zod.def;
    if (def.innerType) n = def.innerType;
    else if (def.type === 'pipe' && def.in) n = def.in;
    else break;
  }
  return n;
}

/** What a size issue allows, in words: `greater than 0`, `at least 1 item`. */
function bound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  const inclusive = issue.inclusive ?? true;
  const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' || issue.origin === 'set' ? ' items' : '';
  if (unit) return `${small ? 'at least' : 'at most'} ${String(limit)}${Number(limit) === 1 ? unit.slice(0, -1) : unit}`;
  const word = small ? (inclusive ? 'at least' : 'greater than') : inclusive ? 'at most' : 'less than';
  return `${issue.origin === 'int' ? 'a whole number ' : ''}${word} ${String(limit)}`;
}

/** The allowed name nearest to a misspelt key, when it is close enough to be a likely typo. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of allowed) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= Math.max(1, Math.floor(name.length / 4)) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function describeValue(v: unknown, secret: SecretField | undefined): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null (empty)';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return shownValue(v, secret);
  if (secret) return `a ${typeof v} (not shown)`;
  if (typeof v === 'number') return String(v);
  return `${typeof v} ${String(v)}`;
}

/** YAML words for zod's JavaScript type names, since SREs write YAML, not JavaScript. */
const YAML_TYPE: Readonly<Record<string, string>> = { object: 'mapping', array: 'list', record: 'mapping' };

function article(type: string): string {
  const word = YAML_TYPE[type] ?? type;
  return /^[aeiou]/.test(word) && !/^u[rn]/.test(word) ? `an ${word}` : `a ${word}`;
}

/** Lower-cases a sentence's first letter, but not an acronym's (`SLO`, `URL`). */
function lower(s: string): string {
  return s.length > 1 && s[1] === s[1]!.toLowerCase() ? s[0]!.toLowerCase() + s.slice(1) : s;
}
