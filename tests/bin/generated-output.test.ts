/**
 * The output policy of `slo generate` (bin/generated-output.ts), on small artifacts: where it
 * refuses to write, the manifest, files it did not write, edited files, a crash at every step
 * followed by recovery, and the lock.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  checkOutputDir,
  encodeArtifact,
  MANIFEST_FILE,
  OutputBusyError,
  recoverOutput,
  writeGeneratedOutput,
} from '../../bin/generated-output';
import { UsageError } from '../../bin/io';
import { acquireLock } from '../../bin/private/output-lock';
import { artifactText, type Artifact } from '../../slos/artifact';
import { outputFiles, writerEntries } from './output-files';

/** The first generation: three files, one of which the second no longer generates. */
const OLD: readonly Artifact[] = [
  { path: 'prometheus/api.rules.yaml', content: 'groups: [old]\n' },
  { path: 'prometheus/reports.rules.yaml', content: 'groups: [reports]\n' },
  { path: 'grafana/reports/slo.json', content: '{"uid":"reports"}\n' },
  { path: 'grafana/slo.json', content: '{"uid":"slo"}\n' },
];
/** The second: one file changed, one unchanged, two gone, one new. */
const NEW: readonly Artifact[] = [
  { path: 'prometheus/api.rules.yaml', content: 'groups: [new]\n' },
  { path: 'grafana/slo.json', content: '{"uid":"slo"}\n' },
  { path: 'prometheus/checkout.rules.yaml', content: 'groups: [checkout]\n' },
];
/** Files of someone else, which every run must keep. */
const FOREIGN: Record<string, string> = { 'README.txt': 'mine\n', 'prometheus/custom.rules.yaml': 'groups: [custom]\n' };

const asFiles = (artifacts: readonly Artifact[], extra: Record<string, string> = {}) => ({
  ...Object.fromEntries(artifacts.map((a) => [a.path, artifactText(a)])),
  ...extra,
});
const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

let tmp: string;
let slosDir: string;
let n = 0;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'slo-output-'));
  slosDir = join(tmp, 'specs');
  mkdirSync(slosDir);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A new output directory path (not created). */
const freshDir = () => join(tmp, `out-${++n}`);
const write = (
  dir: string,
  artifacts: Iterable<Artifact>,
  options: { adopt?: boolean; onStep?: (s: string) => void; lockTimeoutMs?: number } = {},
) => writeGeneratedOutput(dir, artifacts, { slosDir, ...options });
const put = (dir: string, files: Record<string, string>) => {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
};
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));

describe('the output directory of slo generate', () => {
  test('writes texts of any length and in parts as their UTF-8 bytes, a surrogate pair at a piece boundary included', () => {
    // given: texts around the writer's piece of 2^20 characters, with a non-ASCII header apart, and parts given as bytes
    const dir = freshDir();
    const long = `${'a'.repeat(2 ** 20 - 1)}\u{1f600}b\n`;
    const artifacts: Artifact[] = [
      { path: 'long.txt', content: long },
      { path: 'parts.txt', content: ['# \u2014 header\n', long, 'tail \u00d7\n'] },
      { path: 'empty-part.txt', content: ['', 'x\n'] },
      { path: 'bytes.txt', content: ['# \u2014 header\n', Buffer.from('body \u00d7\n', 'utf8'), new Uint8Array(0), 'tail\n'] },
      { path: 'many-parts.txt', content: Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? `${i} \u00d7\n` : Buffer.from(`${i}\n`))) },
      { path: 'mixed.txt', content: ['a\u00d7', long, Buffer.from('\u2014'), 'b', long, ''] },
    ];
    // when
    write(dir, artifacts);
    // then: the files, their hashes, and what a worker thread encodes for them
    expect(readFileSync(join(dir, 'bytes.txt'), 'utf8')).toBe('# \u2014 header\nbody \u00d7\ntail\n');
    for (const a of artifacts) {
      expect(readFileSync(join(dir, a.path)).equals(Buffer.from(artifactText(a), 'utf8'))).toBe(true);
      expect(manifestOf(dir).files[a.path]).toBe(sha256(artifactText(a)));
      const encoded = encodeArtifact(a);
      expect(Buffer.from(encoded.bytes).equals(readFileSync(join(dir, a.path)))).toBe(true);
      expect(encoded.hash).toBe(manifestOf(dir).files[a.path]);
    }
  });

  test('holds the generated files and a manifest of each with its sha-256, the generator and its version', () => {
    // given
    const dir = freshDir();
    // when
    const result = write(dir, OLD);
    // then
    expect(outputFiles(dir)).toEqual(asFiles(OLD));
    expect(writerEntries(dir)).toEqual([MANIFEST_FILE]);
    const packageVersion = JSON.parse(readFileSync('package.json', 'utf8')).version;
    expect(manifestOf(dir)).toEqual({
      generator: 'slo-platform slo generate',
      version: packageVersion,
      format: 1,
      files: Object.fromEntries(OLD.map((a) => [a.path, sha256(artifactText(a))])),
    });
    expect(Object.keys(manifestOf(dir).files)).toEqual(OLD.map((a) => a.path).sort());
    expect(result.summary).toBe(`wrote ${OLD.length} files to ${dir}`);
  });

  test('removes the stale files it wrote, and the folders they leave empty, and keeps every file it did not write', () => {
    // given a previous generation and someone else's files beside it
    const dir = freshDir();
    write(dir, OLD);
    put(dir, FOREIGN);
    // when
    const result = write(dir, NEW);
    // then
    expect(outputFiles(dir)).toEqual(asFiles(NEW, FOREIGN));
    expect(existsSync(join(dir, 'grafana/reports'))).toBe(false);
    expect(Object.keys(manifestOf(dir).files)).toEqual(NEW.map((a) => a.path).sort());
    expect(result.summary).toBe(`wrote ${NEW.length} files to ${dir}; removed 2 it wrote before and no longer generates`);
    expect(result.notes).toEqual([]);
  });

  test('removes a folder of several stale files it wrote, as a run without --env does after one with it (alertmanager/)', () => {
    // given a generation with a folder of two files, then one without that folder
    const dir = freshDir();
    const alertmanager: Artifact[] = [
      { path: 'alertmanager/alertmanager.yml', content: 'route: {}\n' },
      { path: 'alertmanager/template.tmpl', content: 'text\n' },
    ];
    write(dir, [...NEW, ...alertmanager]);
    // when
    const result = write(dir, NEW);
    // then the swap completes: no folder left, no swap left half done
    expect(outputFiles(dir)).toEqual(asFiles(NEW));
    expect(existsSync(join(dir, 'alertmanager'))).toBe(false);
    expect(existsSync(join(dir, '.slo-commit'))).toBe(false);
    expect(result.summary).toBe(`wrote ${NEW.length} files to ${dir}; removed 2 it wrote before and no longer generates`);
  });

  test('keeps a stale file edited since it wrote it, reports it and drops it from the manifest', () => {
    // given
    const dir = freshDir();
    write(dir, OLD);
    put(dir, { 'prometheus/reports.rules.yaml': 'groups: [edited]\n' });
    // when
    const result = write(dir, NEW);
    // then
    expect(outputFiles(dir)['prometheus/reports.rules.yaml']).toBe('groups: [edited]\n');
    expect(result.notes).toEqual([
      `kept ${join(dir, 'prometheus/reports.rules.yaml')}: it is no longer generated, but was edited since slo generate wrote it`,
    ]);
    expect(Object.keys(manifestOf(dir).files)).not.toContain('prometheus/reports.rules.yaml');
    // and the next run leaves it alone silently: it is someone else's file now
    expect(write(dir, NEW).notes).toEqual([]);
    expect(outputFiles(dir)['prometheus/reports.rules.yaml']).toBe('groups: [edited]\n');
  });

  test('rejects overwriting a generated file edited since, or a file it did not write, naming both; --adopt overwrites them', () => {
    // given an edited generated file and someone else's file where the new generation writes
    const dir = freshDir();
    write(dir, OLD);
    put(dir, { 'prometheus/api.rules.yaml': 'groups: [hand-edited]\n', 'prometheus/checkout.rules.yaml': 'groups: [theirs]\n' });
    const before = outputFiles(dir);
    // when / then
    expect(() => write(dir, NEW)).toThrow(
      new UsageError(
        `--out ${dir}: refusing to overwrite prometheus/api.rules.yaml (edited since slo generate wrote it), ` +
          'prometheus/checkout.rules.yaml (not written by slo generate); move them away, or pass --adopt to overwrite',
      ),
    );
    expect(outputFiles(dir)).toEqual(before);
    expect(writerEntries(dir)).toEqual([MANIFEST_FILE]);
    // when adopting
    write(dir, NEW, { adopt: true });
    // then
    expect(outputFiles(dir)).toEqual(asFiles(NEW));
  });

  test('overwrites a file it did not write when it holds exactly what would be written', () => {
    const dir = freshDir();
    write(dir, OLD);
    put(dir, { 'prometheus/checkout.rules.yaml': artifactText(NEW[2]!) });
    write(dir, NEW);
    expect(outputFiles(dir)).toEqual(asFiles(NEW));
  });

  test.each([
    [
      'a directory',
      (dir: string) => mkdirSync(join(dir, 'prometheus/checkout.rules.yaml'), { recursive: true }),
      'a directory where slo generate writes a file',
    ],
    ['a file', (dir: string) => writeFileSync(join(dir, 'grafana'), 'x'), 'a file where slo generate writes a directory'],
    ['a symbolic link', (dir: string) => symlinkSync(tmp, join(dir, 'grafana')), 'a symbolic link where slo generate writes a directory'],
  ])('rejects %s at a generated path, even with --adopt', (_kind, make, message) => {
    // given
    const dir = freshDir();
    mkdirSync(dir);
    make(dir);
    // when / then
    expect(() => write(dir, NEW, { adopt: true })).toThrow(message);
    expect(writerEntries(dir)).toEqual([]);
  });

  test('rejects a non-empty directory it did not create; with --adopt writes into it and keeps what was there', () => {
    // given
    const dir = freshDir();
    put(dir, FOREIGN);
    // when / then
    expect(() => write(dir, OLD)).toThrow(
      `--out ${dir}: refusing to write into a non-empty directory that slo generate did not create (it has no ${MANIFEST_FILE}); choose an empty or new directory, or pass --adopt`,
    );
    expect(outputFiles(dir)).toEqual(FOREIGN);
    expect(writerEntries(dir)).toEqual([]);
    write(dir, OLD, { adopt: true });
    expect(outputFiles(dir)).toEqual(asFiles(OLD, FOREIGN));
    // and later runs need no --adopt: the directory has a manifest now
    write(dir, NEW);
    expect(outputFiles(dir)).toEqual(asFiles(NEW, FOREIGN));
  });

  test('writes into an existing empty directory', () => {
    const dir = freshDir();
    mkdirSync(dir);
    write(dir, OLD);
    expect(outputFiles(dir)).toEqual(asFiles(OLD));
  });

  test('rejects a manifest it cannot read', () => {
    const dir = freshDir();
    put(dir, { [MANIFEST_FILE]: '{"generator":"someone else","files":{}}' });
    expect(() => write(dir, OLD)).toThrow(`--out ${dir}: ${MANIFEST_FILE} is not a format-1 manifest of slo-platform slo generate`);
  });
});

describe('artifacts rendered one at a time', () => {
  test('are each on disk before the next is rendered, so the output is never held whole', () => {
    // given a renderer that looks at the staging directory each time it is asked for the next file
    const dir = freshDir();
    const stagedBefore: string[][] = [];
    function* rendered(): Generator<Artifact> {
      for (const a of NEW) {
        stagedBefore.push(existsSync(join(dir, '.slo-staging')) ? Object.keys(outputFiles(join(dir, '.slo-staging'))) : []);
        yield a;
      }
    }
    // when
    write(dir, rendered());
    // then: every earlier file was written when the next was rendered, and the output is complete
    expect(stagedBefore).toEqual(
      NEW.map((_, i) =>
        NEW.slice(0, i)
          .map((a) => a.path)
          .sort(),
      ),
    );
    expect(outputFiles(dir)).toEqual(asFiles(NEW));
  });

  test('fails, leaving the complete old output and nothing of its own, when rendering fails halfway', () => {
    // given a previous generation, and a renderer that fails after its first file
    const dir = freshDir();
    write(dir, OLD);
    function* failing(): Generator<Artifact> {
      yield NEW[0]!;
      throw new Error('internal: rendering failed');
    }
    // when / then
    expect(() => write(dir, failing())).toThrow('internal: rendering failed');
    expect(outputFiles(dir)).toEqual(asFiles(OLD));
    expect(writerEntries(dir)).toEqual([MANIFEST_FILE]);
  });
});

describe('the places slo generate refuses to write to', () => {
  // given a home directory, a repository with a spec directory deep inside, and a second repository
  const root = mkdtempSync(join(tmpdir(), 'slo-output-places-'));
  const layout = {
    root,
    home: join(root, 'home'),
    work: join(root, 'work'),
    repo: join(root, 'work', 'repo'),
    cwd: join(root, 'work', 'repo', 'tools'),
    config: join(root, 'work', 'repo', 'config'),
    slos: join(root, 'work', 'repo', 'config', 'slos'),
    other: join(root, 'other-repo'),
    file: join(root, 'work', 'repo', 'README.md'),
    link: join(root, 'link-to-repo'),
  };
  beforeAll(() => {
    for (const d of [layout.home, join(layout.repo, '.git'), layout.cwd, layout.slos, join(layout.other, '.git')])
      mkdirSync(d, { recursive: true });
    writeFileSync(layout.file, 'readme\n');
    symlinkSync(layout.repo, layout.link);
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  const check = (out: string) => checkOutputDir(out, { slosDir: layout.slos, cwd: layout.cwd, home: layout.home });

  test.each([
    ['the filesystem root', () => '/', 'the filesystem root'],
    ['the home directory', () => layout.home, 'the home directory'],
    ['a folder holding the home directory', () => layout.root, 'a folder holding the home directory'],
    ['the repository root', () => layout.repo, 'the root of a git repository'],
    ['the repository root through a symbolic link', () => layout.link, 'the root of a git repository'],
    ['another repository root', () => layout.other, 'the root of a git repository'],
    ['a folder holding the current repository', () => layout.work, `a folder holding the git repository ${layout.repo}`],
    ['the spec directory', () => layout.slos, 'the spec directory'],
    ['a folder holding the spec directory', () => layout.config, `a folder holding the spec directory ${layout.slos}`],
    ['a folder inside the spec directory', () => join(layout.slos, 'generated'), `a folder inside the spec directory ${layout.slos}`],
    ['a file', () => layout.file, 'a file'],
  ])('rejects %s', (_name, out, why) => {
    expect(() => check(out())).toThrow(UsageError);
    expect(() => check(out())).toThrow(`--out ${out()}: refusing to write into ${why}`);
  });

  test('accepts a new folder inside the repository', () => {
    expect(() => check(join(layout.repo, 'out'))).not.toThrow();
  });
});

describe('a run killed at any step', () => {
  /** The disk-changing steps of a run that replaces OLD with NEW, in order. */
  let steps: string[];
  beforeAll(() => {
    const dir = freshDir();
    write(dir, OLD);
    steps = [];
    write(dir, NEW, { onStep: (s) => steps.push(s) });
  });

  test('has every kind of step', () => {
    expect(steps).toEqual([
      'locked',
      ...NEW.map((_, i) => `stage-${i + 1}`),
      'staged',
      'committed',
      ...NEW.map((_, i) => `moved-${i + 1}`),
      'deleted-grafana/reports/slo.json',
      'deleted-prometheus/reports.rules.yaml',
      'manifest',
    ]);
  });

  test('leaves the complete old output before the commit, and recovery yields exactly the old or the new one', () => {
    for (const [i, killAt] of steps.entries()) {
      // given a previous generation with someone else's files beside it
      const dir = freshDir();
      write(dir, OLD);
      put(dir, FOREIGN);
      // when the next run dies at this step
      expect(() =>
        write(dir, NEW, {
          onStep: (s) => {
            if (s === killAt) throw new Error(`killed at ${s}`);
          },
        }),
      ).toThrow(`killed at ${killAt}`);
      // then before its commit, the old output is untouched
      const committed = i >= steps.indexOf('committed');
      if (!committed) expect({ killAt, files: outputFiles(dir) }).toEqual({ killAt, files: asFiles(OLD, FOREIGN) });
      // and recovery completes the one that was committed, leaving nothing of its own behind
      recoverOutput(dir);
      expect({ killAt, files: outputFiles(dir) }).toEqual({ killAt, files: asFiles(committed ? NEW : OLD, FOREIGN) });
      expect(Object.keys(manifestOf(dir).files)).toEqual((committed ? NEW : OLD).map((a) => a.path).sort());
      expect(writerEntries(dir)).toEqual([MANIFEST_FILE]);
    }
  });

  test('is recovered even when the recovery itself is killed', () => {
    // given a run killed after its commit
    const dir = freshDir();
    write(dir, OLD);
    const crash = (at: string) => (s: string) => {
      if (s === at) throw new Error(`killed at ${s}`);
    };
    expect(() => write(dir, NEW, { onStep: crash('moved-1') })).toThrow();
    // when the recovery is killed in turn, then run again
    expect(() => recoverOutput(dir, { onStep: crash('moved-3') })).toThrow();
    const notes = recoverOutput(dir);
    // then
    expect(notes).toEqual([`finished the swap of an interrupted slo generate run in ${dir}`]);
    expect(outputFiles(dir)).toEqual(asFiles(NEW));
  });
});

describe('concurrent runs', () => {
  test('fail cleanly when another live run keeps the directory locked, writing nothing', () => {
    // given a directory whose lock a live process (this one) holds
    const dir = freshDir();
    write(dir, OLD);
    const release = acquireLock(dir, 0);
    try {
      // when / then
      expect(() => write(dir, NEW, { lockTimeoutMs: 100 })).toThrow(OutputBusyError);
      expect(() => write(dir, NEW, { lockTimeoutMs: 100 })).toThrow(
        new RegExp(`^--out ${dir}: another slo generate \\(locked by pid ${process.pid}\\) kept writing it for 0\\.\\d s; nothing written`),
      );
      expect(outputFiles(dir)).toEqual(asFiles(OLD));
    } finally {
      release();
    }
    expect(writerEntries(dir)).toEqual([MANIFEST_FILE]);
  });

  test('break the lock of a process that died', () => {
    // given a lock left by a process of this host that has exited
    const dir = freshDir();
    write(dir, OLD);
    const dead = spawnSync('sh', ['-c', ':']).pid;
    writeFileSync(join(dir, '.slo-lock'), `${dead} ${hostname()}\n`);
    // when
    write(dir, NEW, { lockTimeoutMs: 0 });
    // then
    expect(outputFiles(dir)).toEqual(asFiles(NEW));
    expect(writerEntries(dir)).toEqual([MANIFEST_FILE]);
  });

  test("wait for a lock of another host, whose holder's liveness cannot be checked", () => {
    const dir = freshDir();
    write(dir, OLD);
    writeFileSync(join(dir, '.slo-lock'), `${process.pid} some-other-host\n`);
    expect(() => write(dir, NEW, { lockTimeoutMs: 50 })).toThrow(OutputBusyError);
    expect(outputFiles(dir)).toEqual(asFiles(OLD));
  });
});
