/**
 * The fast synth path (bin/synth.js, cdktf.json `app`): main.ts bundled with its dependencies and
 * run with plain node writes exactly what main.ts run from its sources writes, and a checkout
 * without a fresh bundle builds one first.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
/** Folders of a checkout that are not sources: dependencies, build output, synth output. */
const NOT_SOURCES = new Set(['node_modules', 'dist', 'cdktf.out', 'out', '.git', 'coverage']);

/** Every file below `dir` with its contents, by relative path. */
function tree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

/**
 * main.ts run from its sources, in this process (jest compiles the TypeScript as tsx would), with
 * its output in `outdir`: the reference the bundle is held to. A spawned `node --import tsx` did
 * the same at about twice the CPU (tsx compiles every source again, its cache empty in jest's
 * temporary folder).
 */
function synthFromSources(outdir: string): void {
  const before = process.env.CDKTF_OUTDIR;
  process.env.CDKTF_OUTDIR = outdir;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- main.ts synthesizes when loaded
    jest.isolateModules(() => require('../../main'));
  } finally {
    if (before === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = before;
  }
}

function run(cwd: string, args: string[], outdir: string): void {
  const r = spawnSync(process.execPath, args, { cwd, env: { ...process.env, CDKTF_OUTDIR: outdir }, encoding: 'utf8' });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
}

describe('bin/synth.js', () => {
  test('builds the bundle in a checkout without one and synthesizes the same files as main.ts from its sources', () => {
    // given a copy of this checkout with no dist/ (its dependencies linked) and two output folders
    const work = mkdtempSync(join(tmpdir(), 'slo-synth-'));
    try {
      const checkout = join(work, 'checkout');
      cpSync(ROOT, checkout, { recursive: true, filter: (src) => !NOT_SOURCES.has(relative(ROOT, src).split('/')[0]!) });
      symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
      // when the example environment is synthesized from the sources and through the bundle
      synthFromSources(join(work, 'sources'));
      run(checkout, ['bin/synth.js'], join(work, 'bundle'));
      // then the bundle was built, and the two cdktf.out trees are byte for byte the same
      expect(statSync(join(checkout, 'dist', 'synth.js')).isFile()).toBe(true);
      const fromSources = tree(join(work, 'sources'));
      expect(fromSources.size).toBeGreaterThan(7);
      expect(tree(join(work, 'bundle'))).toEqual(fromSources);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
