/**
 * The one place that imports the CDK for Terraform framework. Upstream cdktf is archived; its
 * community fork (cdktn) should be a swap of this file only. Provider classes are imported by
 * deep path in the binding modules next to the constructs that use them.
 *
 * It is also the one place where literal text becomes Terraform: every stack of this project is
 * a {@link TerraformStack} from here, which escapes Terraform's template sequences in every
 * literal string its elements synthesize (see {@link escapeTerraformTemplates}).
 */
import { Lazy, TerraformElement, TerraformRemoteState, TerraformStack as CdktfTerraformStack, Token, Tokenization } from 'cdktf';

export { App, Fn, GcsBackend, LocalBackend, TerraformOutput, Testing, Token, Annotations } from 'cdktf';
export type { TerraformResource, ITerraformDependable } from 'cdktf';
export { Construct } from 'constructs';

/**
 * How cdktf encodes a string token inside a string (`BEGIN_STRING_TOKEN_MARKER`, `VALID_KEY_CHARS`
 * and `END_TOKEN_MARKER` in cdktf's lib/tokens/private/encoding.js). Everything between two such
 * markers is literal text written by our code or taken from a spec.
 */
const STRING_TOKEN_MARKER = /\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}/g;

/**
 * A token that resolves to `$${`, Terraform's literal form of `${`. In a string that holds
 * tokens, literal `${` is replaced by this token rather than by the text `$${` because cdktf reads
 * a literal `${` in such a string as the start of a hand-written expression and then renders the
 * tokens after it without their `${…}` braces, turning a real reference into text. Resolved in a
 * context of its own, the token's value is plain text to the string around it.
 */
const LITERAL_INTERPOLATION_START = Lazy.stringValue({ produce: () => '$${' });

/**
 * Terraform's literal forms of the template sequences in `text`, which must hold no token:
 * `${` becomes `$${` and `%{` becomes `%%{`, so Terraform reads the text as written. In Terraform
 * JSON every string (and every object key in an expression) is a template
 * (https://developer.hashicorp.com/terraform/language/syntax/json#expression-mapping); unescaped,
 * `${file("/etc/hostname")}` in a label would run on the deployer's machine and `${datasource}`
 * in a Grafana dashboard stops `terraform plan` with "Invalid reference".
 */
export function escapeTerraformTemplates(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** cdktf's markers of a string, list or map token inside a string (encoding.js). */
const TOKEN_SYNTAX = /[$#&]\{TfToken\[/;
/** How cdktf finds a number token inside a string (`NUMBER_TOKEN_REGEX` in encoding.js). */
const NUMBER_IN_STRING = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/g;

/**
 * Fields of plain input data (an environment, an SLO catalog) that cdktf would take for one of its
 * tokens: text holding `${TfToken[…]}` (or a list or map marker), or a number, alone or written in
 * a string, that encodes a number token. cdktf substitutes such text with the value the token
 * names, e.g. a cross-stack reference to a secret, so it is refused before any construct sees it;
 * escaping cannot help, since a real token looks the same once it is part of a string.
 */
export function tokenLookalikes(value: unknown, path: string): string[] {
  if (typeof value === 'string') {
    const numbers = [...value.matchAll(NUMBER_IN_STRING)].some((m) => Token.isUnresolved(parseFloat(m[0])));
    return TOKEN_SYNTAX.test(value) || numbers ? [path] : [];
  }
  if (typeof value === 'number') return Token.isUnresolved(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => tokenLookalikes(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...tokenLookalikes(k, `${path} (key ${JSON.stringify(k)})`).slice(0, 1),
    ...tokenLookalikes(v, `${path}.${k}`),
  ]);
}

/** `s` with the template sequences of its literal parts escaped and its tokens left as they are. */
function escapeLiteralParts(s: string): string {
  // Most strings hold neither a template sequence nor a token marker: each of those has a `{`.
  if (!s.includes('{')) return s;
  // A string without a token marker is written as it is (cdktf tokenizes only a string that holds
  // one), so its literal forms can be text. Long texts (a dashboard's JSON) stay free of tokens:
  // cdktf's tokenizer rescans the rest of a string at every `}` after a token, quadratic in length.
  if (s.search(STRING_TOKEN_MARKER) < 0) return escapeTerraformTemplates(s);
  let out = '';
  let last = 0;
  for (const match of s.matchAll(STRING_TOKEN_MARKER)) {
    out += escapeLiteral(s.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + escapeLiteral(s.slice(last));
}

function escapeLiteral(text: string): string {
  return text.replace(/%\{/g, () => '%%{').replace(/\$\{/g, () => LITERAL_INTERPOLATION_START);
}

/**
 * A synthesized element with every literal string (values and object keys) escaped. Tokens
 * (references, cdktf functions, cross-stack references) are objects or markers here, before
 * resolution, so they stay Terraform expressions.
 */
function escapeLiterals(value: unknown): unknown {
  if (typeof value === 'string') return escapeLiteralParts(value);
  if (Array.isArray(value)) return value.map(escapeLiterals);
  if (value === null || typeof value !== 'object' || Tokenization.isResolvable(value)) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  // A fresh object, as Object.fromEntries would make, without its intermediate arrays (every
  // element is escaped twice per synth, in cdktf's preparing pass and in the written one).
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = escapeLiterals((value as Record<string, unknown>)[key]);
    const k = escapeLiteralParts(key);
    if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}

const ESCAPING = Symbol('slo-platform.escapes-terraform-templates');

type Json = Record<string, unknown>;

/**
 * A cross-stack reference's `terraform_remote_state` escaped, except its `workspace`: cdktf writes
 * that as the expression `${terraform.workspace}` in plain text (lib/backends/*-backend.js).
 */
function escapeRemoteState(raw: { data: { terraform_remote_state: Record<string, Json> } }): unknown {
  const states = Object.entries(raw.data.terraform_remote_state).map(([id, body]) => [
    id,
    { ...(escapeLiterals(body) as Json), workspace: body.workspace },
  ]);
  return { data: { terraform_remote_state: Object.fromEntries(states) } };
}

/** Makes `element` synthesize with its literal strings escaped (once per element). */
function escapeElement(element: TerraformElement & { [ESCAPING]?: true }): void {
  if (element[ESCAPING]) return;
  const toTerraform = element.toTerraform.bind(element);
  element.toTerraform =
    element instanceof TerraformRemoteState ? () => escapeRemoteState(toTerraform()) : () => escapeLiterals(toTerraform());
  element[ESCAPING] = true;
}

/**
 * A Terraform stack (one `cdk.tf.json`) whose elements' literal strings reach Terraform as
 * literal text: every resource, data source, output, local, provider and backend of the stack,
 * whichever construct made it. A value that must stay a Terraform expression is a token
 * (a resource attribute, `Fn.*`, `Token.asString(ref)`), never a hand-written `${…}` string.
 * Stack-level `addOverride` values are written as given (they set the `terraform` block).
 * JSON synthesis only: this project never synthesizes HCL.
 */
export class TerraformStack extends CdktfTerraformStack {
  override prepareStack(): void {
    this.escapeElements();
    super.prepareStack();
  }

  override toTerraform(): unknown {
    this.escapeElements();
    return super.toTerraform() as unknown;
  }

  private escapeElements(): void {
    for (const node of this.node.findAll()) {
      if (TerraformElement.isTerraformElement(node) && TerraformStack.of(node) === this) escapeElement(node);
    }
  }
}
