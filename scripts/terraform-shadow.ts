/**
 * Terraform itself, offline, on every synthesized stack: each stack becomes a "shadow"
 * configuration in which every resource, data source and provider block is Terraform's builtin
 * `terraform_data` resource whose `input` holds its attributes, with references rewritten to
 * the shadows. `terraform init -backend=false` and `terraform validate` then parse every template
 * and resolve every reference of every stack with no provider to download.
 *
 * What it proves: every string is a template Terraform accepts (an unescaped `${datasource}`
 * fails with "Invalid reference"), every reference names a resource, data source, local, variable
 * or cross-stack output that exists, and `depends_on` names real resources. What it does not
 * prove: attribute names, types and values against the provider schemas (no provider is loaded).
 *
 * Usage: `npx tsx scripts/terraform-shadow.ts [environment.yaml ...]` (default: every file in
 * environments/); exits 1 and prints every diagnostic when Terraform rejects a stack.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { App } from '../constructs/framework';
import { loadEnvironmentOrThrow } from '../environments/load';
import { loadCatalog } from '../slos/load';
import { formatProblem } from '../slos/problems';
import { composeEnvironment } from '../stacks/app';

/** Synthesized Terraform JSON: untyped by nature. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped
export type TfJson = Record<string, any>;

/** Printed when the terraform CLI is missing: the check never skips. */
export const TERRAFORM_INSTALL_HINT =
  'terraform not found: set TERRAFORM to its path or put it on PATH. Install Terraform >= 1.5 from ' +
  'https://developer.hashicorp.com/terraform/install (one binary; this check downloads no provider).';

/** Binaries already found to run, so one process probes each once. */
const found = new Set<string>();

/** The terraform CLI to run (`TERRAFORM` or `terraform` on PATH); throws the install hint when absent. */
export function terraformBinary(): string {
  const bin = process.env.TERRAFORM ?? 'terraform';
  if (!found.has(bin)) {
    const probe = spawnSync(bin, ['version'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    if (probe.error || probe.status !== 0) throw new Error(TERRAFORM_INSTALL_HINT);
    found.add(bin);
  }
  return bin;
}

/**
 * The environment of a terraform run in `dir`: an empty CLI configuration written there (no plugin
 * cache, mirror or credentials of the machine), no prompts, no update check.
 */
function offlineEnv(dir: string): NodeJS.ProcessEnv {
  writeFileSync(join(dir, 'empty.tfrc'), '');
  return { ...process.env, TF_CLI_CONFIG_FILE: join(dir, 'empty.tfrc'), TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
}

/** One problem Terraform (or the shadow builder) found in a stack. */
export interface ShadowDiagnostic {
  readonly stack: string;
  /** The original address (`grafana_dashboard.Slo_X`) or block the problem is in, when known. */
  readonly address: string;
  readonly summary: string;
  readonly detail: string;
}

/** `stack: address: summary: detail`, one line. */
export function formatDiagnostic(d: ShadowDiagnostic): string {
  return [d.stack, d.address, d.summary, d.detail].filter((s) => s !== '').join(': ');
}

/** References Terraform resolves on its own: they stay as written. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** The traversal root `type.name` or `data.type.name`, not preceded by part of another traversal. */
const TRAVERSAL_ROOT = /(?<![\w.\-\]])(data\.)?([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)/g;
/** A cdktf cross-stack reference: `data.terraform_remote_state.<input>.outputs.<output>`. */
const REMOTE_OUTPUT = /(?<![\w.\-\]])data\.terraform_remote_state\.([\w-]+)\.outputs\.([\w-]+)/g;
/** cdktf names the remote state of a cross-stack reference after the producing stack. */
const CROSS_STACK_INPUT = /^cross-stack-reference-input-(.+)$/;
/** Lifecycle arguments terraform_data accepts as they are; `ignore_changes` names provider attributes. */
const KEPT_LIFECYCLE = new Set(['create_before_destroy', 'prevent_destroy']);

/** A stack turned into its shadow, with what the builder itself found. */
export interface Shadow {
  readonly config: TfJson;
  /** `shadow address → original address`, to name originals in diagnostics. */
  readonly originals: ReadonlyMap<string, string>;
  /** Cross-stack outputs read: `{ producer stack, output name }`. */
  readonly remoteOutputs: readonly { readonly stack: string; readonly output: string }[];
  readonly problems: readonly string[];
}

/** The shadow name of a resource, data source or provider block. */
function shadowName(kind: 'resource' | 'data' | 'provider', type: string, name: string): string {
  return `${kind === 'resource' ? '' : `${kind}__`}${type}__${name}`;
}

/**
 * The shadow of one synthesized stack: resources, data sources and provider blocks as
 * `terraform_data`, `locals`, `variable` and `output` kept, backend and `required_providers`
 * dropped. Every template in it is rewritten so references point at the shadows.
 */
export function shadowStack(stack: TfJson): Shadow {
  const problems: string[] = [];
  const originals = new Map<string, string>();
  const addresses = new Map<string, string>();
  const remoteOutputs: { stack: string; output: string }[] = [];
  const shadows: TfJson = {};
  const declare = (kind: 'resource' | 'data' | 'provider', type: string, name: string): string => {
    const shadow = shadowName(kind, type, name);
    const original = kind === 'resource' ? `${type}.${name}` : `${kind}.${type}.${name}`;
    if (!IDENTIFIER.test(shadow)) problems.push(`${original}: "${shadow}" is not a terraform identifier`);
    if (originals.has(`terraform_data.${shadow}`)) problems.push(`${original}: shadow name "${shadow}" is taken twice`);
    originals.set(`terraform_data.${shadow}`, original);
    if (kind !== 'provider') addresses.set(original, shadow);
    return shadow;
  };

  const blocks: [kind: 'resource' | 'data', type: string, name: string, body: TfJson][] = [];
  for (const kind of ['resource', 'data'] as const) {
    for (const [type, byName] of Object.entries((stack[kind] ?? {}) as TfJson)) {
      for (const [name, body] of Object.entries(byName as TfJson)) blocks.push([kind, type, name, body as TfJson]);
    }
  }
  const declared = blocks.map(([kind, type, name, body]) => [declare(kind, type, name), kind, type, name, body] as const);
  const providers: [string, TfJson][] = [];
  for (const [type, configs] of Object.entries((stack.provider ?? {}) as TfJson)) {
    (Array.isArray(configs) ? configs : [configs]).forEach((body: TfJson, i: number) => {
      providers.push([declare('provider', type, String(body.alias ?? i)), body]);
    });
  }

  const rewriteCode = (code: string): string => {
    for (const m of code.matchAll(REMOTE_OUTPUT)) {
      const producer = CROSS_STACK_INPUT.exec(m[1]!)?.[1];
      if (producer) remoteOutputs.push({ stack: producer, output: m[2]! });
    }
    return code.replace(TRAVERSAL_ROOT, (whole, data: string | undefined, type: string, name: string) => {
      const shadow = addresses.get(`${data ?? ''}${type}.${name}`);
      return shadow ? `terraform_data.${shadow}.output` : whole;
    });
  };
  const rewrite = (value: unknown): unknown => rewriteValue(value, rewriteCode);
  const dependsOn = (list: unknown): unknown =>
    Array.isArray(list) ? list.map((d) => (typeof d === 'string' && addresses.has(d) ? `terraform_data.${addresses.get(d)}` : d)) : list;

  for (const [shadow, kind, type, name, body] of declared) {
    const original = kind === 'resource' ? `${type}.${name}` : `data.${type}.${name}`;
    // `provider` selects a provider configuration; every shadow uses the builtin one.
    const { depends_on, lifecycle, count, for_each, provisioner, connection, ...rest } = body;
    const attributes = Object.fromEntries(Object.entries(rest).filter(([k]) => k !== 'provider'));
    for (const [arg, value] of Object.entries({ count, for_each, provisioner, connection })) {
      if (value !== undefined) problems.push(`${original}: the shadow does not model ${arg}`);
    }
    const kept: TfJson = {};
    for (const [arg, value] of Object.entries((lifecycle ?? {}) as TfJson)) {
      if (KEPT_LIFECYCLE.has(arg)) kept[arg] = value;
      else if (arg !== 'ignore_changes') problems.push(`${original}: the shadow does not model lifecycle.${arg}`);
    }
    if (containsKey(attributes, 'dynamic')) problems.push(`${original}: the shadow does not model dynamic blocks`);
    shadows[shadow] = {
      input: rewrite(withoutComments(attributes)),
      ...(depends_on ? { depends_on: dependsOn(depends_on) } : {}),
      ...(Object.keys(kept).length > 0 ? { lifecycle: kept } : {}),
    };
  }
  for (const [shadow, body] of providers) shadows[shadow] = { input: rewrite(withoutComments(body)) };

  const outputs = Object.fromEntries(
    Object.entries((stack.output ?? {}) as TfJson).map(([name, body]) => {
      const { value, depends_on, ...rest } = body as TfJson;
      return [name, { ...rest, value: rewrite(value), ...(depends_on ? { depends_on: dependsOn(depends_on) } : {}) }];
    }),
  );
  for (const key of Object.keys(stack)) {
    if (!['//', 'terraform', 'provider', 'resource', 'data', 'locals', 'variable', 'output'].includes(key)) {
      problems.push(`top-level block "${key}": the shadow does not model it`);
    }
  }
  const config: TfJson = {
    ...(Object.keys(shadows).length > 0 ? { resource: { terraform_data: shadows } } : {}),
    ...(stack.locals ? { locals: rewrite(stack.locals) } : {}),
    ...(stack.variable ? { variable: stack.variable } : {}),
    ...(Object.keys(outputs).length > 0 ? { output: outputs } : {}),
  };
  return { config, originals, remoteOutputs, problems };
}

/** `value` with cdktf's `//` metadata keys removed at every level. */
function withoutComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutComments);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== '//')
      .map(([k, v]) => [k, withoutComments(v)]),
  );
}

function containsKey(value: unknown, key: string): boolean {
  if (Array.isArray(value)) return value.some((v) => containsKey(v, key));
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => k === key || containsKey(v, key));
}

/** Every string (and object key) of `value`, each a Terraform template, with `rewriteCode` applied to its expressions. */
function rewriteValue(value: unknown, rewriteCode: (code: string) => string): unknown {
  if (typeof value === 'string') return rewriteTemplate(value, rewriteCode);
  if (Array.isArray(value)) return value.map((v) => rewriteValue(v, rewriteCode));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [rewriteTemplate(k, rewriteCode), rewriteValue(v, rewriteCode)]));
}

/**
 * A template with `rewriteCode` applied to the code of each `${…}` and `%{…}` sequence. The
 * literal forms `$${` and `%%{` are text; quoted strings inside an expression are templates again.
 * An unterminated sequence is left as it is, for Terraform to report.
 */
export function rewriteTemplate(template: string, rewriteCode: (code: string) => string): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const two = template.slice(i, i + 2);
    if (template.startsWith('$${', i) || template.startsWith('%%{', i)) {
      out += template.slice(i, i + 3);
      i += 3;
    } else if (two === '${' || two === '%{') {
      const end = expressionEnd(template, i + 2);
      if (end < 0) return out + template.slice(i);
      out += two + rewriteExpression(template.slice(i + 2, end), rewriteCode) + '}';
      i = end + 1;
    } else {
      out += template[i];
      i += 1;
    }
  }
  return out;
}

/** Index of the `}` closing an expression that starts at `from`, or -1. */
function expressionEnd(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      i = quotedEnd(s, i);
      if (i < 0) return -1;
    } else if (c === '{') depth += 1;
    else if (c === '}') {
      if (depth === 0) return i;
      depth -= 1;
    }
  }
  return -1;
}

/** Index of the `"` closing the quoted string that opens at `from`, or -1. */
function quotedEnd(s: string, from: number): number {
  for (let i = from + 1; i < s.length; i++) {
    if (s[i] === '\\') i += 1;
    else if (s[i] === '"') return i;
  }
  return -1;
}

/** Code of an expression rewritten; its quoted strings are templates, rewritten as such. */
function rewriteExpression(expr: string, rewriteCode: (code: string) => string): string {
  let out = '';
  let code = '';
  for (let i = 0; i < expr.length; i++) {
    if (expr[i] !== '"') {
      code += expr[i];
      continue;
    }
    const end = quotedEnd(expr, i);
    out += rewriteCode(code) + '"' + rewriteTemplate(expr.slice(i + 1, end), rewriteCode) + '"';
    code = '';
    i = end;
  }
  return out + rewriteCode(code);
}

/** The result of checking the stacks of one environment. */
export interface ShadowCheck {
  /** Stack names, in synthesis order. */
  readonly stacks: readonly string[];
  readonly diagnostics: readonly ShadowDiagnostic[];
  /** Wall time of terraform init and validate, in milliseconds. */
  readonly terraformMs: number;
}

/**
 * Checks `stacks` (name → synthesized JSON) with Terraform in `workDir`: one root module calls one
 * module per stack, so one `terraform init -backend=false` and one `terraform validate` cover all.
 * Cross-stack references are checked against the producing stack's outputs here.
 */
export async function checkStacks(stacks: ReadonlyMap<string, TfJson>, workDir: string): Promise<ShadowCheck> {
  return (await checkStackSets([stacks], workDir))[0]!;
}

/**
 * {@link checkStacks} for several sets of stacks (environments) at once, with one `terraform init`
 * and one `terraform validate` for all (each pair costs about 0.4 CPU-s beyond the stacks' own
 * checking): a stack's cross-stack references resolve within its own set, and its diagnostics are
 * reported with its set. Stack names must differ across the sets; one check per set each.
 */
export async function checkStackSets(sets: readonly ReadonlyMap<string, TfJson>[], workDir: string): Promise<ShadowCheck[]> {
  const bin = terraformBinary();
  const diagnostics = sets.map((): ShadowDiagnostic[] => []);
  const setOf = new Map<string, number>();
  const shadows = new Map<string, Shadow>();
  const root: TfJson = { module: {} };
  sets.forEach((stacks, set) => {
    for (const [name, json] of stacks) {
      if (!IDENTIFIER.test(name)) throw new Error(`stack name ${JSON.stringify(name)} is not a terraform module name`);
      if (setOf.has(name)) throw new Error(`stack name ${JSON.stringify(name)} is in more than one set checked together`);
      setOf.set(name, set);
      const shadow = shadowStack(json);
      shadows.set(name, shadow);
      for (const p of shadow.problems) diagnostics[set]!.push({ stack: name, address: '', summary: 'shadow', detail: p });
      for (const { stack, output } of shadow.remoteOutputs) {
        const producer = stacks.get(stack);
        if (!producer?.output?.[output]) {
          diagnostics[set]!.push({
            stack: name,
            address: '',
            summary: 'Reference to undeclared cross-stack output',
            detail: producer ? `stack ${stack} declares no output "${output}"` : `no stack named ${stack} in this environment`,
          });
        }
      }
      mkdirSync(join(workDir, 'stacks', name), { recursive: true });
      writeFileSync(join(workDir, 'stacks', name, 'main.tf.json'), JSON.stringify(shadow.config, null, 1));
      root.module[name] = { source: `./stacks/${name}` };
    }
  });
  mkdirSync(workDir, { recursive: true });
  writeFileSync(join(workDir, 'main.tf.json'), JSON.stringify(root, null, 1));
  const env = offlineEnv(workDir);
  const started = Date.now();
  const init = await run(bin, ['init', '-backend=false', '-input=false', '-no-color'], workDir, env);
  if (init.code !== 0) throw new Error(`terraform init failed in ${workDir}:\n${init.stderr || init.stdout}`);
  const validate = await run(bin, ['validate', '-json', '-no-color'], workDir, env);
  const terraformMs = Date.now() - started;
  const report = JSON.parse(validate.stdout) as { diagnostics: TfValidateDiagnostic[] };
  for (const d of report.diagnostics) {
    const diagnostic = fromTerraform(d, shadows);
    // a diagnostic outside every stack's module (the root) belongs to every set
    const set = setOf.get(diagnostic.stack);
    for (const [i, list] of diagnostics.entries()) if (set === undefined || set === i) list.push(diagnostic);
  }
  return sets.map((stacks, i) => ({ stacks: [...stacks.keys()], diagnostics: diagnostics[i]!, terraformMs }));
}

interface TfValidateDiagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
  range?: { filename: string; start: { line: number } };
  snippet?: { context?: string | null };
}

/** A Terraform diagnostic named by stack and original address. */
function fromTerraform(d: TfValidateDiagnostic, shadows: ReadonlyMap<string, Shadow>): ShadowDiagnostic {
  const stack = /^stacks\/([^/]+)\//.exec(d.range?.filename ?? '')?.[1] ?? '';
  const context = d.snippet?.context ?? '';
  const shadow = /^resource\.(terraform_data\.[\w-]+)/.exec(context)?.[1];
  const original = shadow ? shadows.get(stack)?.originals.get(shadow) : undefined;
  const address = original ?? context;
  return {
    stack,
    address,
    summary: `${d.severity === 'warning' ? 'warning: ' : ''}${d.summary}`,
    detail: (d.detail ?? '').replace(/\s+/g, ' ').trim(),
  };
}

function run(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * Synthesizes every stack of an environment file with the bundled specs, as `npm run synth`
 * does, into `outdir`; returns name → synthesized JSON.
 */
export function synthesizeEnvironment(envFile: string, outdir: string, slosDir = 'slos'): Map<string, TfJson> {
  const { catalog, problems } = loadCatalog({ slosDir });
  if (!catalog) throw new Error(`invalid slo specs:\n${problems.map(formatProblem).join('\n')}`);
  const env = loadEnvironmentOrThrow(envFile, catalog);
  const app = new App({ outdir, context: { '@cdktf/disable_stack_trace_in_metadata': true } });
  composeEnvironment(app, { env, catalog });
  app.synth();
  const dir = join(outdir, 'stacks');
  return new Map(readdirSync(dir).map((name) => [name, JSON.parse(readFileSync(join(dir, name, 'cdk.tf.json'), 'utf8')) as TfJson]));
}

/** Synthesizes and checks one environment file in a temporary directory it removes afterwards. */
export async function checkEnvironment(envFile: string): Promise<ShadowCheck> {
  const dir = mkdtempSync(join(tmpdir(), `tf-shadow-${basename(envFile, '.yaml')}-`));
  try {
    const stacks = synthesizeEnvironment(envFile, join(dir, 'cdktf.out'));
    return await checkStacks(stacks, join(dir, 'shadow'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The values Terraform reads from `templates`, each a string as it appears in Terraform JSON:
 * `terraform console` evaluates them as locals (offline, no state). Throws on a template Terraform
 * rejects, with its message.
 */
export function terraformReadBack(templates: readonly string[]): string[] {
  const bin = terraformBinary();
  const dir = mkdtempSync(join(tmpdir(), 'tf-read-back-'));
  try {
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ locals: { values: templates } }));
    const res = spawnSync(bin, ['console', '-no-color'], {
      cwd: dir,
      env: offlineEnv(dir),
      input: 'jsonencode(local.values)\n',
      encoding: 'utf8',
    });
    if (res.status !== 0) throw new Error(`terraform console rejected the templates: ${res.stderr.replace(/\s+/g, ' ').trim()}`);
    // console prints the JSON text as a quoted string
    return JSON.parse(JSON.parse(res.stdout.trim()) as string) as string[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `check` over `items`, at most `concurrency` at a time, results in input order. */
export async function mapConcurrent<T, R>(items: readonly T[], concurrency: number, check: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await check(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

async function main(argv: string[]): Promise<number> {
  const files =
    argv.length > 0
      ? argv
      : readdirSync('environments')
          .filter((f) => f.endsWith('.yaml'))
          .map((f) => join('environments', f));
  const checks = await mapConcurrent(files, 2, checkEnvironment);
  let failed = false;
  checks.forEach((check, i) => {
    for (const d of check.diagnostics) process.stderr.write(`${files[i]}: ${formatDiagnostic(d)}\n`);
    failed ||= check.diagnostics.length > 0;
    process.stdout.write(
      `${files[i]}: ${check.stacks.length} stacks, ${check.diagnostics.length} problems (terraform ${check.terraformMs} ms)\n`,
    );
  });
  return failed ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
