/**
 * The team's Sloth-format specs (`tests/fixtures/sloth/specs/`, written for these tests, not
 * copied from Sloth) and the small steps that read them through our Sloth reader.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SloCatalog } from '../../slos/model';
import type { Problem } from '../../slos/problems';
import { fromSloth, type SlothPeriod } from '../../slos/sloth';
import { parseYaml } from '../../slos/yaml-source';
import { SLOTH_FIXTURES_DIR } from './sloth-reference';

/** A Sloth spec of the fixtures and the period to read it with. */
export interface SlothFixture {
  /** Short name for test titles. */
  readonly name: string;
  /** Spec path relative to the fixtures directory. */
  readonly spec: string;
  /** `--default-slo-period` Sloth would run with. */
  readonly period: SlothPeriod;
  /**
   * The `job` of the request counters its alerting SLO reads, when the promtool scenarios can
   * feed it (`http_request_duration_seconds_count{job, code}`).
   */
  readonly job?: string;
}

/** The fixtures, each read with a period Sloth has a built-in catalogue for. */
export const SLOTH_FIXTURES: readonly SlothFixture[] = [
  { name: 'payments', spec: 'specs/payments.yml', period: '30d', job: 'payments' },
  { name: 'ledger', spec: 'specs/ledger.yml', period: '30d' },
  { name: 'inventory', spec: 'specs/inventory.yml', period: '30d', job: 'inventory' },
  { name: 'inventory 28d', spec: 'specs/inventory.yml', period: '28d', job: 'inventory' },
];

/** Reads a fixture file as text. */
export function readSloth(rel: string): string {
  return readFileSync(join(SLOTH_FIXTURES_DIR, rel), 'utf8');
}

/** Reads a Sloth spec through our reader; throws with the problems when it is rejected. */
export function slothCatalog(fixture: Pick<SlothFixture, 'spec' | 'period'>, read: (rel: string) => string = readSloth): SloCatalog {
  const { slos, problems } = readSlothSpec(fixture.spec, read(fixture.spec), fixture.period);
  if (problems.length > 0) throw new Error(problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join('\n'));
  const services = [...new Set(slos.map((s) => s.service))].sort();
  return { slos, services };
}

/** Runs our Sloth reader on YAML text. */
export function readSlothSpec(file: string, text: string, period?: SlothPeriod): ReturnType<typeof fromSloth> {
  const parsed = parseYaml(file, text);
  if (!parsed.source) return { slos: [], problems: parsed.problems as Problem[] };
  return fromSloth(parsed.source, period ? { period } : {});
}
