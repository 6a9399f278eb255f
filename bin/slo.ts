/**
 * The `slo` CLI: validate | generate | explain | test. Exit codes are a contract (0 ok,
 * 1 invalid input, a failed check or a path the system refused, 2 usage error). Each command's
 * module is loaded only when run.
 */
import { EXIT, processIo, refusedBySystem, UsageError, type CliIo } from './io';

/** A command: parses its own arguments and returns the exit code. */
export type Command = (args: string[], io: CliIo) => Promise<number> | number;

const COMMANDS: Record<string, { summary: string; load: () => Command }> = {
  validate: {
    summary: 'check the SLO specs (and docs/SLOs.md) and report every problem',
    load: () => require('./commands/validate').validate,
  },
  generate: {
    summary: 'write Prometheus rules, promtool tests and Grafana dashboards',
    load: () => require('./commands/generate').generate,
  },
  explain: {
    summary: "show an SLO's error budget, alert windows, burn rates and detection times",
    load: () => require('./commands/explain').explain,
  },
  test: { summary: 'run promtool check rules and test rules on the generated files', load: () => require('./commands/test').test },
  schema: {
    summary: "write the specs' JSON Schema (slos/schema.json) for editors",
    load: () => require('./commands/schema').schema,
  },
};

/** Usage text. */
export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return `usage: slo <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nrun "slo <command> --help" for a command's options.`;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.out : io.err)(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`slo: unknown command "${name}"\n\n${usage()}`);
    return EXIT.usage;
  }
  try {
    return await command.load()(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`slo ${name}: ${e.message}`);
      return EXIT.usage;
    }
    const refused = refusedBySystem(e);
    if (refused !== undefined) {
      io.err(`slo ${name}: ${refused}`);
      return EXIT.invalid;
    }
    throw e;
  }
}
