/**
 * The syncer behind `slo generate`'s staging (bin/private/file-syncer.ts): past its inline files a
 * worker thread fsyncs them; `finish` returns only when all are done and reports a failure.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSyncer } from '../../../bin/private/file-syncer';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'slo-syncer-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes `n` files to tmp and returns their paths. */
function files(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const path = join(tmp, `f${i}`);
    writeFileSync(path, `file ${i}\n`);
    return path;
  });
}

describe('fileSyncer', () => {
  test.each([
    ['inline only', 64],
    ['in the worker only', 0],
    ['inline, then in the worker', 5],
  ])('fsyncs every file it is given (%s)', (_, inline) => {
    // given
    const syncer = fileSyncer(inline);
    // when
    for (const path of files(40)) syncer.add(path);
    // then
    expect(() => syncer.finish()).not.toThrow();
  });

  test('fails on finish when the worker cannot fsync a file, naming why', () => {
    // given
    const syncer = fileSyncer(0);
    syncer.add(files(1)[0]!);
    // when
    syncer.add(join(tmp, 'never-written'));
    // then
    expect(() => syncer.finish()).toThrow(/^cannot fsync a staged file: ENOENT/);
  });

  test('fails at once when a file given inline cannot be fsynced', () => {
    // given
    const syncer = fileSyncer(1);
    // then
    expect(() => syncer.add(join(tmp, 'never-written'))).toThrow(/ENOENT/);
  });

  test('stops without waiting when cancelled', () => {
    // given
    const syncer = fileSyncer(0);
    for (const path of files(10)) syncer.add(path);
    // when
    syncer.cancel();
    // then: finishing afterwards has nothing left to wait for
    expect(() => syncer.finish()).not.toThrow();
  });
});
