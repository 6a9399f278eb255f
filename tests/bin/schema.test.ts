/**
 * `slo schema`: the committed JSON Schemas, for editors in a repository that installs the
 * package (its specs' modeline names `./schema.json`).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'slo-schema-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const committed = (path: string) => readFileSync(path, 'utf8');

describe('slo schema', () => {
  test('prints the spec schema, the one committed as slos/schema.json', async () => {
    // when
    const r = await runCli('schema');
    // then
    expect(r.code).toBe(0);
    expect(r.out).toBe(committed('slos/schema.json'));
  });

  test('writes DIR/schema.json with --out, creating the folder', async () => {
    // given a folder that does not exist yet
    const dir = join(tmp, 'slos');
    // when
    const r = await runCli('schema', '--out', dir);
    // then
    expect(r).toEqual({ code: 0, out: `wrote ${join(dir, 'schema.json')}\n`, err: '' });
    expect(readFileSync(join(dir, 'schema.json'), 'utf8')).toBe(committed('slos/schema.json'));
  });

  test('writes the environment schema with --kind environment', async () => {
    // when
    const r = await runCli('schema', '--kind', 'environment', '--out', tmp);
    // then
    expect(r.code).toBe(0);
    expect(readFileSync(join(tmp, 'schema.json'), 'utf8')).toBe(committed('environments/schema.json'));
  });

  test.each([
    ['a file', (file: string) => file, 'cannot write into a file'],
    ['a folder below a file', (file: string) => join(file, 'slos'), 'cannot write into a path below <file>, which is not a directory'],
  ])('rejects an --out that is %s with a usage error, keeping the file', async (_name, out, why) => {
    // given
    const file = join(tmp, 'notes.txt');
    writeFileSync(file, 'kept\n');
    // when
    const r = await runCli('schema', '--out', out(file));
    // then
    expect(r).toEqual({ code: 2, out: '', err: `slo schema: --out ${out(file)}: ${why.replace('<file>', file)}; name a directory\n` });
    expect(readFileSync(file, 'utf8')).toBe('kept\n');
  });

  test('rejects an --out whose schema.json is a directory with a usage error, leaving nothing beside it', async () => {
    // given
    mkdirSync(join(tmp, 'schema.json'));
    // when
    const r = await runCli('schema', '--out', tmp);
    // then
    expect(r).toEqual({
      code: 2,
      out: '',
      err: `slo schema: --out ${tmp}: ${join(tmp, 'schema.json')} is a directory where the schema file goes; move it away\n`,
    });
    expect(readdirSync(tmp)).toEqual(['schema.json']);
  });

  test('rejects an unknown kind with a usage error and writes nothing', async () => {
    // when
    const r = await runCli('schema', '--kind', 'dashboard', '--out', tmp);
    // then
    expect(r.code).toBe(2);
    expect(r.err).toBe('slo schema: --kind must be one of spec, environment; got "dashboard"\n');
    expect(existsSync(join(tmp, 'schema.json'))).toBe(false);
  });
});
