/**
 * Placeholders for values Terraform only knows after apply (an uptime check's generated id, an
 * SLO's full resource name). The plan stays plain data; the stack substitutes the resource
 * attributes when it wires the policies.
 */

/** Kinds of late-bound values. */
export type RefKind = 'uptimeCheckId' | 'sloName';

/** The placeholder of one late-bound value: `{{uptimeCheckId:<key>}}`. */
export function ref(kind: RefKind, key: string): string {
  return `{{${kind}:${key}}}`;
}

const REF_RE = /\{\{(uptimeCheckId|sloName):([^}]+)\}\}/g;

/** Replaces every placeholder in `text`; throws naming a placeholder the resolver does not know. */
export function fillRefs(text: string, resolve: (kind: RefKind, key: string) => string | undefined): string {
  return text.replace(REF_RE, (whole, kind: RefKind, key: string) => {
    const value = resolve(kind, key);
    if (value === undefined) throw new Error(`unresolved reference ${whole}`);
    return value;
  });
}

/** The placeholders `text` holds, in order. */
export function refsIn(text: string): { kind: RefKind; key: string }[] {
  return [...text.matchAll(REF_RE)].map((m) => ({ kind: m[1] as RefKind, key: m[2]! }));
}
