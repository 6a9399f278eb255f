/**
 * Reader for Sloth's `prometheus/v1` spec format, so existing Sloth specs work as input.
 * (Filled in by the Prometheus rules work; until then a Sloth file is reported as unsupported.)
 */
import type { Slo } from './model';
import type { Problem } from './problems';
import { problemAt, type YamlSource } from './yaml-source';

/** True when a parsed YAML value looks like a Sloth `prometheus/v1` spec. */
export function isSlothSpec(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { version?: unknown }).version === 'prometheus/v1';
}

/** Maps a Sloth spec to SLO models. */
export function fromSloth(source: YamlSource): { slos: Slo[]; problems: Problem[] } {
  return { slos: [], problems: [problemAt(source, ['version'], 'sloth prometheus/v1 specs are not supported yet', 'sloth')] };
}
