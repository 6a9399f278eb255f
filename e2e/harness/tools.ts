/**
 * The server binaries the end-to-end run starts, found on PATH (or through an environment
 * variable). A missing one fails with the Debian package that provides it: the run never skips.
 */
import { delimiter, join } from 'node:path';
import { isExecutable } from '../../bin/promtool';

/** One tool: its binary names (first found wins), the variable that overrides it, the package to install. */
interface ToolSpec {
  readonly names: readonly string[];
  readonly env: string;
  readonly debianPackage: string;
}

/** Every tool the harness can start or call. */
export const TOOLS = Object.freeze({
  prometheus: { names: ['prometheus'], env: 'PROMETHEUS', debianPackage: 'prometheus' },
  promtool: { names: ['promtool'], env: 'PROMTOOL', debianPackage: 'prometheus' },
  // Debian installs the daemon as prometheus-alertmanager; upstream tarballs call it alertmanager.
  alertmanager: { names: ['prometheus-alertmanager', 'alertmanager'], env: 'ALERTMANAGER', debianPackage: 'prometheus-alertmanager' },
  amtool: { names: ['amtool'], env: 'AMTOOL', debianPackage: 'prometheus-alertmanager' },
  blackbox: {
    names: ['prometheus-blackbox-exporter', 'blackbox_exporter'],
    env: 'BLACKBOX_EXPORTER',
    debianPackage: 'prometheus-blackbox-exporter',
  },
} satisfies Record<string, ToolSpec>);

/** Name of a tool the harness knows. */
export type ToolName = keyof typeof TOOLS;

/** Raised when a tool is missing; the message says how to install it. */
export class MissingToolError extends Error {}

/**
 * Absolute path of `tool`: `$<ENV>` when set, else the first of its names on PATH, then in
 * `fallbackDirs` (Debian's /usr/bin, for a PATH that lacks it).
 */
export function findTool(tool: ToolName, env: NodeJS.ProcessEnv = process.env, fallbackDirs: readonly string[] = ['/usr/bin']): string {
  const spec: ToolSpec = TOOLS[tool];
  const override = env[spec.env];
  if (override) {
    if (isExecutable(override)) return override;
    throw new MissingToolError(`$${spec.env} is set to ${override}, which is not an executable file`);
  }
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...fallbackDirs];
  for (const name of spec.names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  throw new MissingToolError(
    `${spec.names[0]} not found on PATH (or $${spec.env}): install it with \`apt-get install -y ${spec.debianPackage}\` (Debian/Ubuntu)`,
  );
}

/** Every tool of `tools`, or one error listing each missing tool with its install hint. */
export function findTools<T extends ToolName>(tools: readonly T[]): Record<T, string> {
  const found = {} as Record<T, string>;
  const missing: string[] = [];
  for (const tool of tools) {
    try {
      found[tool] = findTool(tool);
    } catch (e) {
      missing.push((e as Error).message);
    }
  }
  if (missing.length > 0) throw new MissingToolError(missing.join('\n'));
  return found;
}
