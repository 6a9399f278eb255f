/** Grafana artifacts of `slo generate`: one JSON file per dashboard. */
import type { EnvironmentConfig } from '../environments/schema';
import type { Artifact } from '../slos/artifact';
import type { SloCatalog } from '../slos/model';

/** `grafana/<uid>.json` for every dashboard. */
export function grafanaArtifacts(_catalog: SloCatalog, _env: EnvironmentConfig): Artifact[] {
  return [];
}
