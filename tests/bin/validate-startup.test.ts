/**
 * bin/slo.js runs the built bundle in dist/: always in an installed package (which ships no
 * sources), and in a checkout only while it is fresh: built after every source it holds last
 * changed. Otherwise the sources run through tsx, so a stale bundle can never hide an edit.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface DistOptions {
  readonly root: string;
  readonly dist: string;
}
// The shim is plain CommonJS; its freshness check is not part of the typed CLI surface.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundlePath } = require('../../bin/slo.js') as { bundlePath: (command: string, options: DistOptions) => string | undefined };

/** A source of the bundle, whose modification time the manifests below are set against. */
const INPUT = 'bin/io.ts';
const SOURCE_MTIME_MS = Date.UTC(2026, 0, 1);
let root: string;
let dist: string;

beforeEach(() => {
  // given a checkout with the CLI's sources and a dist/ holding the bundles of `slo validate`
  root = mkdtempSync(join(tmpdir(), 'slo-checkout-'));
  dist = join(root, 'dist');
  mkdirSync(join(root, 'bin'));
  mkdirSync(dist);
  for (const f of ['bin/slo.ts', INPUT]) {
    writeFileSync(join(root, f), '');
    utimesSync(join(root, f), SOURCE_MTIME_MS / 1000, SOURCE_MTIME_MS / 1000);
  }
  for (const f of ['slo.js', 'slo-validate.js']) writeFileSync(join(dist, f), '');
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  delete process.env.SLO_NO_BUNDLE;
});

function manifest(builtAtMs: number, { input = INPUT } = {}): void {
  const outputs = { 'slo.js': [input], 'slo-validate.js': [input] };
  writeFileSync(join(dist, 'manifest.json'), JSON.stringify({ builtAtMs, outputs }));
}

describe('the built CLI bundle', () => {
  test('is used when built after its sources last changed', () => {
    // given
    manifest(SOURCE_MTIME_MS + 1);
    // then
    expect(bundlePath('validate', { root, dist })).toBe(join(dist, 'slo.js'));
  });

  test('is not used once a source it holds has changed since the build', () => {
    // given
    manifest(SOURCE_MTIME_MS - 1);
    // then
    expect(bundlePath('validate', { root, dist })).toBeUndefined();
  });

  test('is not used when a source it holds is gone, its command was not built, or there is no manifest', () => {
    // given
    manifest(SOURCE_MTIME_MS + 1, { input: 'bin/no-such-file.ts' });
    // then
    expect(bundlePath('validate', { root, dist })).toBeUndefined();
    // given a manifest that does not name the command
    manifest(SOURCE_MTIME_MS + 1);
    expect(bundlePath('explain', { root, dist })).toBeUndefined();
    // given no manifest
    rmSync(join(dist, 'manifest.json'));
    expect(bundlePath('validate', { root, dist })).toBeUndefined();
  });

  test('is not used in a checkout when SLO_NO_BUNDLE is set', () => {
    // given
    manifest(SOURCE_MTIME_MS + 1);
    process.env.SLO_NO_BUNDLE = '1';
    // then
    expect(bundlePath('validate', { root, dist })).toBeUndefined();
  });

  test('is always used in an installed package, which ships no sources to fall back to', () => {
    // given an installed package: dist/ without its sources, even with an old manifest
    rmSync(join(root, 'bin', 'slo.ts'));
    rmSync(join(root, INPUT));
    manifest(SOURCE_MTIME_MS - 1);
    process.env.SLO_NO_BUNDLE = '1';
    // then
    expect(bundlePath('validate', { root, dist })).toBe(join(dist, 'slo.js'));
  });
});
