/**
 * docs/infrastructure.md states recovery objectives, backup schedule and rate limits; its marked
 * table must match the example environment, so the prose never drifts from the config.
 */
import { readFileSync } from 'node:fs';
import { loadEnvironmentOrThrow } from '../../environments/load';
import type { EnvironmentConfig } from '../../environments/schema';

const DOC = readFileSync('docs/infrastructure.md', 'utf8');

/** Rows of the table between the infra-targets markers, as config field → value. */
function documentedTargets(): Map<string, string> {
  const block = DOC.split('<!-- infra-targets:begin -->')[1]?.split('<!-- infra-targets:end -->')[0] ?? '';
  const rows = block
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2)
    .map((l) => l.split('|').map((c) => c.trim()));
  return new Map(rows.map((cells) => [cells[3]!.replace(/`/g, ''), cells[2]!]));
}

describe('docs/infrastructure.md', () => {
  let env: EnvironmentConfig;
  beforeAll(() => {
    env = loadEnvironmentOrThrow('example');
  });

  test.each([
    ['database.rpoSeconds', (e: EnvironmentConfig) => `${e.database.rpoSeconds} s`],
    ['database.rtoSeconds', (e: EnvironmentConfig) => `${e.database.rtoSeconds} s`],
    ['database.backupStartTime', (e: EnvironmentConfig) => e.database.backupStartTime],
    ['database.backupRetentionDays', (e: EnvironmentConfig) => String(e.database.backupRetentionDays)],
    ['rateLimit.executionsPerMinutePerWorkspace', (e: EnvironmentConfig) => String(e.rateLimit.executionsPerMinutePerWorkspace)],
    ['rateLimit.edgeRequestsPerMinutePerClient', (e: EnvironmentConfig) => String(e.rateLimit.edgeRequestsPerMinutePerClient)],
  ])('documents %s as the example environment sets it', (field, expected) => {
    expect(documentedTargets().get(field)).toBe(expected(env));
  });

  test('states the ratio of the edge limit to the workspace limit of the example environment', () => {
    const ratio = env.rateLimit.edgeRequestsPerMinutePerClient / env.rateLimit.executionsPerMinutePerWorkspace;
    expect(DOC.replace(/\s+/g, ' ')).toContain(`(${ratio}× in the example)`);
  });
});
