/**
 * bin/slo.js runs the prebuilt bundle only while it is fresh: built after every source it holds
 * last changed, in this checkout. Otherwise the sources run through tsx, so a stale bundle can
 * never hide an edit.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The shim is plain CommonJS; its freshness check is not part of the typed CLI surface.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundlePath } = require('../../bin/slo.js') as { bundlePath: (command: string, cache?: string) => string | undefined };

const ROOT = resolve(__dirname, '..', '..');
/** A real source of the bundle, whose modification time the manifests below are set against. */
const INPUT = 'bin/io.ts';
const inputMtime = statSync(join(ROOT, INPUT)).mtimeMs;
let cache: string;

beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), 'slo-cache-'));
});
afterEach(() => {
  rmSync(cache, { recursive: true, force: true });
  delete process.env.SLO_NO_BUNDLE;
});

function manifest(builtAtMs: number, { root = ROOT, input = INPUT } = {}): void {
  const outputs = { 'slo.js': [input], 'commands/validate.js': [input] };
  writeFileSync(join(cache, 'manifest.json'), JSON.stringify({ root, builtAtMs, outputs }));
}

describe('the prebuilt CLI bundle', () => {
  test('is used when built after its sources last changed', () => {
    // given
    manifest(inputMtime + 1);
    // then
    expect(bundlePath('validate', cache)).toBe(join(cache, 'slo.js'));
  });

  test('is not used once a source it holds has changed since the build', () => {
    // given
    manifest(inputMtime - 1);
    // then
    expect(bundlePath('validate', cache)).toBeUndefined();
  });

  test('is not used when built in another checkout', () => {
    // given
    manifest(inputMtime + 1, { root: '/somewhere/else' });
    // then
    expect(bundlePath('validate', cache)).toBeUndefined();
  });

  test('is not used when a source it holds is gone, or there is no manifest', () => {
    // given
    manifest(inputMtime + 1, { input: 'bin/no-such-file.ts' });
    // then
    expect(bundlePath('validate', cache)).toBeUndefined();
    expect(bundlePath('validate', join(cache, 'none'))).toBeUndefined();
  });

  test('is not used when SLO_NO_BUNDLE is set', () => {
    // given
    manifest(inputMtime + 1);
    process.env.SLO_NO_BUNDLE = '1';
    // then
    expect(bundlePath('validate', cache)).toBeUndefined();
  });
});
