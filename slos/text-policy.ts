/**
 * What text from a spec or an environment file may hold, and how messages show it. One place for
 * the policies that keep hostile text from steering the output or leaking into logs:
 *
 * - Go template delimiters (`{{`, `}}`) are refused in every value that becomes an alert label or
 *   annotation: Prometheus and Grafana expand alert labels and annotations as Go templates at
 *   every evaluation, so `{{ with query "up" }}` in a label would run a query.
 * - URLs never carry user info (`https://user:password@host`): they are copied into rule files,
 *   dashboards and Terraform, and credentials belong in Secret Manager.
 * - A message about a secret field never shows its value, only its length and a hash prefix.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { fieldPath, type Problem } from './problems';
import { problemAt, type YamlSource } from './yaml-source';

/** Go's `text/template` delimiters, which Prometheus and Grafana use for labels and annotations. */
const TEMPLATE_DELIMITER = /\{\{|\}\}/;

/** A string without Go template delimiters, as a regex (so the JSON Schema carries it for editors too). */
export const NO_TEMPLATE_RE = /^(?![\s\S]*(\{\{|\}\}))[\s\S]*$/;

/** The reason given when a value holds a template delimiter. */
export const NO_TEMPLATE_MESSAGE =
  'must not contain {{ or }}: prometheus and grafana would run it as a go template in every alert; write the text without them';

/** True when `text` holds `{{` or `}}`. */
export function hasTemplateDelimiter(text: string): boolean {
  return TEMPLATE_DELIMITER.test(text);
}

/** A scheme, then an authority that holds an `@`: the user-info part of a URL. */
const USER_INFO = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/?#]*)@/;

/** True when `text` is a URL with user info (a user name, a password or both). */
export function hasUserInfo(text: string): boolean {
  return USER_INFO.test(text);
}

/** The reason given when a URL holds user info. */
export const NO_USER_INFO_MESSAGE =
  'holds a user name or password; allowed: a url without credentials (keep credentials in secret manager; they would be copied into every rule, dashboard and terraform file)';

/**
 * An http(s) URL for a field whose value ends up in alert annotations or links: no template
 * delimiters (user info is refused for every field by `userInfoPaths`).
 */
export function linkUrl(what: string) {
  return z
    .url({ protocol: /^https?$/, message: 'allowed: an http or https url' })
    .regex(NO_TEMPLATE_RE, { message: NO_TEMPLATE_MESSAGE })
    .describe(what);
}

/** How a message may show a field registered in `secretFields`. */
export interface SecretField {
  /** Source of a regex: a value matching it is a reference to a secret (a Secret Manager name), not one, and is shown. */
  readonly referencePattern?: string;
}

/** Fields whose value is, or may be by mistake, a secret: messages about them never show the value. */
export const secretFields = z.registry<SecretField>();

/** A secret value in a message: its length and the first 8 hex digits of its SHA-256, never the value. */
export function redactedSecret(value: string): string {
  const digest = createHash('sha256').update(value).digest('hex').slice(0, 8);
  return `a value of ${value.length} characters (sha256 ${digest}…, not shown)`;
}

/** A URL with its user info replaced by its length: `https://<8 characters hidden>@host`. */
export function redactUserInfo(text: string): string {
  return text.replace(USER_INFO, (_, scheme: string, info: string) => `${scheme}<${info.length} characters hidden>@`);
}

/**
 * How a message shows a value given in a file: quoted, with URL user info hidden, or (for a
 * secret field, unless the value is a reference) only by length and hash prefix.
 */
export function shownValue(value: string, secret?: SecretField): string {
  if (secret && !(secret.referencePattern !== undefined && new RegExp(secret.referencePattern).test(value))) return redactedSecret(value);
  const text = redactUserInfo(value);
  return text.length > MAX_SHOWN ? `${JSON.stringify(text.slice(0, MAX_SHOWN))}… (${text.length} characters)` : JSON.stringify(text);
}

/** Longest value a message quotes in full; a longer one is cut, with its length. */
const MAX_SHOWN = 160;

/**
 * Every string of a parsed file that is a URL with user info, with its path: the check applies to
 * every field, so a field added later is covered too.
 */
export function userInfoPaths(value: unknown, path: PropertyKey[] = []): PropertyKey[][] {
  if (typeof value === 'string') return hasUserInfo(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => userInfoPaths(v, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => userInfoPaths(v, [...path, k]));
  return [];
}

/**
 * One problem per string of a parsed file that is a URL with user info, naming the field and
 * never showing the value.
 */
export function userInfoProblems(source: YamlSource): Problem[] {
  return userInfoPaths(source.value).map((path) =>
    problemAt(source, path, `${fieldPath(path)} ${NO_USER_INFO_MESSAGE}`, 'credentials', true),
  );
}
