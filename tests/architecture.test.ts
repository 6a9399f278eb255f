/**
 * The architecture, checked on the import graph of every TypeScript file in the repository
 * (STYLE §1, §10; DESIGN "Rules of the house"): no cycles, imports only go downstream
 * (slos/ → alerts/ + dashboards/ → layers/ → constructs/ → stacks/), the generic SLO engine never
 * reaches an environment or the platform layer, only constructs/framework.ts touches cdktf,
 * provider classes by deep path only, and the `slo` CLI never reaches cdktf.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/** Folders that are not this package's source (dependencies, generated bindings, output). */
const SKIP = new Set(['node_modules', 'providers', 'cdktf.out', 'out', '.gen', 'coverage', '.git']);
/** Packages that are the cdktf framework itself. */
const FRAMEWORK = /^(cdktf|constructs)$/;
/** Packages that load cdktf when imported. */
const LOADS_CDKTF = /^(cdktf|constructs|@cdktf\/)/;

/** One import of a file: a repository file (relative path) or a package name. */
interface Edge {
  readonly to: string;
  readonly kind: 'file' | 'package';
  /** False for `import type` and type positions, which vanish at run time. */
  readonly runtime: boolean;
}

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name) || name.startsWith('.')) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listTs(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Resolves a relative specifier to a repository file, as node16 resolution of a `.ts` tree would. */
function resolveFile(from: string, spec: string): string {
  const base = join(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return base;
}

/** The package name of a bare specifier (`@scope/name/deep/path` → kept whole, to check deep paths). */
function importsOf(file: string): Edge[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
  const edges: Edge[] = [];
  const add = (spec: string, runtime: boolean) => {
    if (spec.startsWith('node:') || !spec) return;
    if (spec.startsWith('.')) edges.push({ to: resolveFile(file, spec), kind: 'file', runtime });
    else edges.push({ to: spec, kind: 'package', runtime });
  };
  const visit = (node: ts.Node, inType: boolean): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        !!clause?.isTypeOnly ||
        (!!clause &&
          !clause.name &&
          !!clause.namedBindings &&
          ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.length > 0 &&
          clause.namedBindings.elements.every((e) => e.isTypeOnly));
      add(node.moduleSpecifier.text, !typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, !node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, false);
    } else if (
      ts.isCallExpression(node) &&
      node.arguments.length >= 1 &&
      ts.isStringLiteral(node.arguments[0]!) &&
      ((ts.isIdentifier(node.expression) && node.expression.text === 'require') || node.expression.kind === ts.SyntaxKind.ImportKeyword)
    ) {
      add((node.arguments[0] as ts.StringLiteral).text, !inType);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expr = node.moduleReference.expression;
      if (ts.isStringLiteral(expr)) add(expr.text, !node.isTypeOnly);
    }
    ts.forEachChild(node, (child) => visit(child, inType || ts.isTypeNode(child)));
  };
  visit(source, false);
  return edges;
}

const ROOT = process.cwd();
const files = listTs(ROOT).map((f) => relative(ROOT, f));
const graph = new Map(files.map((f) => [f, importsOf(f).map((e) => (e.kind === 'file' ? { ...e, to: relative(ROOT, e.to) } : e))]));

/** Folder layer of a file: its first path segment, or the file name for top-level files. */
const layer = (file: string) => file.split('/')[0]!;

/** `file → target` lines for every import matching `bad` from files matching `from`. */
function violations(from: (file: string) => boolean, bad: (edge: Edge) => boolean): string[] {
  return [...graph]
    .filter(([file]) => from(file))
    .flatMap(([file, edges]) => edges.filter(bad).map((e) => `${file} → ${e.to}`))
    .sort();
}

/** Every file (and package) reachable from `start` by run-time imports, with one path to it. */
function reachable(start: readonly string[]): Map<string, string[]> {
  const paths = new Map<string, string[]>(start.map((s) => [s, [s]]));
  const queue = [...start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const e of graph.get(file) ?? []) {
      if (!e.runtime || paths.has(e.to)) continue;
      paths.set(e.to, [...paths.get(file)!, e.to]);
      if (e.kind === 'file') queue.push(e.to);
    }
  }
  return paths;
}

describe('architecture', () => {
  test('finds the source files and their imports', () => {
    // then: the parser sees the layers and the imports between them
    for (const dir of ['slos', 'bin', 'environments']) expect(files.some((f) => layer(f) === dir)).toBe(true);
    expect(graph.get('bin/commands/validate.ts')!.map((e) => e.to)).toContain('slos/load.ts');
    expect(graph.get('bin/slo.ts')!.map((e) => e.to)).toContain('bin/commands/validate.ts');
  });

  test('has no import cycles among run-time imports', () => {
    // given: depth-first search with colouring; a grey target closes a cycle
    const state = new Map<string, 'grey' | 'black'>();
    const cycles: string[] = [];
    const stack: string[] = [];
    const dfs = (file: string) => {
      state.set(file, 'grey');
      stack.push(file);
      for (const e of graph.get(file) ?? []) {
        if (e.kind !== 'file' || !e.runtime || !graph.has(e.to)) continue;
        if (state.get(e.to) === 'grey') cycles.push([...stack.slice(stack.indexOf(e.to)), e.to].join(' → '));
        else if (!state.has(e.to)) dfs(e.to);
      }
      stack.pop();
      state.set(file, 'black');
    };
    // when
    for (const f of [...graph.keys()].sort()) if (!state.has(f)) dfs(f);
    // then
    expect(cycles).toEqual([]);
  });

  test('slos/ imports nothing downstream (alerts, dashboards, layers, constructs, stacks, bin)', () => {
    const downstream = /^(alerts|dashboards|layers|constructs|stacks|bin)\//;
    expect(
      violations(
        (f) => layer(f) === 'slos',
        (e) => e.kind === 'file' && downstream.test(e.to),
      ),
    ).toEqual([]);
  });

  test('environments/ imports only slos/ and itself', () => {
    expect(
      violations(
        (f) => layer(f) === 'environments',
        (e) => e.kind === 'file' && !/^(slos|environments)\//.test(e.to),
      ),
    ).toEqual([]);
  });

  test('alerts/ and dashboards/ import no layers/, constructs/, stacks/ or cdktf', () => {
    expect(
      violations(
        (f) => ['alerts', 'dashboards'].includes(layer(f)),
        (e) => (e.kind === 'file' && /^(layers|constructs|stacks|bin)\//.test(e.to)) || (e.kind === 'package' && LOADS_CDKTF.test(e.to)),
      ),
    ).toEqual([]);
  });

  test('the generic SLO engine never imports an environment or the platform layer, even by type', () => {
    // given the engine: specs and model, Prometheus rules and tests, dashboards, and the layer seam
    const engine = (f: string) => /^(slos|alerts\/prometheus|dashboards)\//.test(f) || f === 'layers/layer.ts';
    // then: no import (run-time or type-only) reaches environments/ or layers/platform/
    expect(
      violations(
        // slos/export-json-schema.ts is a script that writes both schemas, not part of the engine
        (f) => engine(f) && f !== 'slos/export-json-schema.ts',
        (e) => e.kind === 'file' && /^(environments|layers\/platform)\//.test(e.to),
      ),
    ).toEqual([]);
    expect(files.filter(engine).length).toBeGreaterThan(20);
  });

  test('the platform layer is reached only downstream of the engine (layers/platform/, stacks/, bin/, scripts/, main.ts)', () => {
    expect(
      violations(
        (f) => !/^(layers\/platform|stacks|bin|scripts|tests|bench|e2e)\//.test(f) && f !== 'main.ts',
        (e) => e.kind === 'file' && /^layers\/platform\//.test(e.to),
      ),
    ).toEqual([]);
  });

  test('layers/ import no constructs/, stacks/, bin/ or cdktf', () => {
    expect(
      violations(
        (f) => layer(f) === 'layers',
        (e) => (e.kind === 'file' && /^(constructs|stacks|bin)\//.test(e.to)) || (e.kind === 'package' && LOADS_CDKTF.test(e.to)),
      ),
    ).toEqual([]);
  });

  test('constructs/ import nothing from stacks/', () => {
    expect(
      violations(
        (f) => layer(f) === 'constructs',
        (e) => e.kind === 'file' && /^stacks\//.test(e.to),
      ),
    ).toEqual([]);
  });

  test("only constructs/framework.ts imports 'cdktf' or 'constructs' directly", () => {
    expect(
      violations(
        (f) => f !== 'constructs/framework.ts',
        (e) => e.kind === 'package' && FRAMEWORK.test(e.to),
      ),
    ).toEqual([]);
  });

  test('no file imports the root of @cdktf/provider-google (deep paths only)', () => {
    expect(
      violations(
        () => true,
        (e) => e.kind === 'package' && /^@cdktf\/provider-google$/.test(e.to),
      ),
    ).toEqual([]);
  });

  test('provider bindings are imported only in constructs/', () => {
    expect(
      violations(
        (f) => layer(f) !== 'constructs' && layer(f) !== 'tests',
        (e) => e.kind === 'package' && /^@cdktf\/provider-(?!generator)/.test(e.to),
      ),
    ).toEqual([]);
  });

  test('the slo CLI (bin/) never reaches cdktf, constructs/ or stacks/, even through lazy commands', () => {
    // given everything bin/ loads at run time
    const reached = reachable(files.filter((f) => layer(f) === 'bin'));
    // when
    const bad = [...reached]
      .filter(([to]) => LOADS_CDKTF.test(to) || /^(constructs|stacks)\//.test(to) || to === 'main.ts')
      .map(([, path]) => path.join(' → '));
    // then
    expect(bad).toEqual([]);
    expect([...reached.keys()]).toContain('slos/load.ts');
  });
});
