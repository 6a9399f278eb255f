/**
 * `slo schema [--kind spec|environment] [--out DIR]`: the JSON Schema of the spec files (or of
 * an environment file), for editors. In a repository that installs the package, `slo schema --out
 * slos` writes `slos/schema.json`, which the specs' modeline `# yaml-language-server:
 * $schema=./schema.json` names. The text is the committed schema of this package, so it always
 * matches the validator that runs.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import environmentSchema from '../../environments/schema.json';
import specSchema from '../../slos/schema.json';
import { oneOf, parseCommandArgs } from '../args';
import { blockedPath } from '../private/blocked-path';
import { EXIT, UsageError, type CliIo } from '../io';

const HELP = `usage: slo schema [--kind spec|environment] [--out DIR]

Prints the JSON Schema of the SLO spec files, or writes it to DIR/schema.json, the file the
specs' modeline "# yaml-language-server: $schema=./schema.json" names.
  --kind K    spec (default) or environment
  --out DIR   write DIR/schema.json (the folder is created) instead of printing it
exit: 0 written, 1 the system refused a path, 2 usage error`;

/** The JSON Schemas, by kind. */
export const JSON_SCHEMAS = { spec: specSchema, environment: environmentSchema } as const;

/** The file name the modeline of a spec (or environment) names, beside it. */
export const SCHEMA_FILE = 'schema.json';

/** Runs `slo schema`. */
export function schema(args: string[], io: CliIo): number {
  const { values } = parseCommandArgs(args, { kind: { type: 'string' }, out: { type: 'string' } });
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  const kind = oneOf('kind', values.kind, ['spec', 'environment'] as const, 'spec');
  const json = JSON.stringify(JSON_SCHEMAS[kind], null, 2);
  if (!values.out) {
    io.out(json);
    return EXIT.ok;
  }
  const blocked = blockedPath(values.out);
  if (blocked) throw new UsageError(`--out ${values.out}: cannot write into ${blocked}; name a directory`);
  if (existsSync(values.out) && !statSync(values.out).isDirectory())
    throw new UsageError(`--out ${values.out}: cannot write into a file; name a directory`);
  const path = join(values.out, SCHEMA_FILE);
  if (existsSync(path) && statSync(path).isDirectory())
    throw new UsageError(`--out ${values.out}: ${path} is a directory where the schema file goes; move it away`);
  mkdirSync(values.out, { recursive: true });
  // Written beside and renamed, so an editor never reads half a schema; the temporary file never
  // stays behind.
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${json}\n`);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
  io.out(`wrote ${path}`);
  return EXIT.ok;
}
