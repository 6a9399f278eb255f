/**
 * The syncer behind `slo generate`'s staging (bin/private/file-syncer.ts): past its inline files a
 * worker thread fsyncs them; `finish` returns only when all are done and reports a failure.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSyncer } from '../../../bin/private/file-syncer';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'slo-syncer-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

/** The size of a file written by `files` (what the writer tells the syncer). */
const sizeOf = (path: string) => statSync(path).size;

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
    for (const path of files(40)) syncer.add(path, sizeOf(path));
    // then
    expect(() => syncer.finish()).not.toThrow();
  });

  test('fails on finish when the worker cannot fsync a file, naming why', () => {
    // given
    const syncer = fileSyncer(0);
    const [written] = files(1);
    syncer.add(written!, sizeOf(written!));
    // when
    syncer.add(join(tmp, 'never-written'), 0);
    // then
    expect(() => syncer.finish()).toThrow(/^cannot fsync a staged file: ENOENT/);
  });

  test('fails at once when a file given inline cannot be fsynced', () => {
    // given
    const syncer = fileSyncer(1);
    // then
    expect(() => syncer.add(join(tmp, 'never-written'), 0)).toThrow(/ENOENT/);
  });

  test('fsyncs in the worker once the files fsynced inline reach its byte budget, however few', () => {
    // given: room for 64 files inline, but only 8 bytes, which the first file (`file 0\n`, 7 bytes) and a second reach
    const syncer = fileSyncer(64, 8);
    for (const path of files(2)) syncer.add(path, sizeOf(path));
    // when: a third file is given; inline, a failing fsync would throw here
    syncer.add(join(tmp, 'never-written'), 0);
    // then: the worker reports it
    expect(() => syncer.finish()).toThrow(/^cannot fsync a staged file: ENOENT/);
  });

  test('stops without waiting when cancelled', () => {
    // given
    const syncer = fileSyncer(0);
    for (const path of files(10)) syncer.add(path, sizeOf(path));
    // when
    syncer.cancel();
    // then: finishing afterwards has nothing left to wait for
    expect(() => syncer.finish()).not.toThrow();
  });
});
