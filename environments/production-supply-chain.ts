/**
 * Production rules on what a deploy runs: the container image by digest and every secret at a
 * fixed version. A tag (`:1.0.0`) or `latest` can point at different content from one deploy to the
 * next, so the same config would silently run something other than what was reviewed, and a
 * rollback would not roll back. Checked on the file as written, so each problem carries its
 * `file:line:col`, and in the same pass as the other production rules.
 */
import type { Problem } from '../slos/problems';
import { fieldPath } from '../slos/problems';
import { problemAt, type YamlSource } from '../slos/yaml-source';
import { SECRET_REF_RE } from './schema';

/** An image reference pinned by content: `<repository>@sha256:<64 hex>` (OCI image spec digest). */
export const IMAGE_DIGEST_RE = /@sha256:[0-9a-f]{64}$/;

/**
 * Every image a deploy runs, where the environment writes it: the API, the Managed Service for
 * Prometheus collector beside it, and Google's Grafana data source syncer. The last two default to
 * Google's tags when not written (docs/managed-prometheus.md).
 */
const PINNED_IMAGES: readonly (readonly string[])[] = [
  ['service', 'image'],
  ['managedPrometheus', 'collectorImage'],
  ['grafana', 'datasourceSyncer', 'image'],
];

function valueAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);
}

/** Problems of a production environment's image and secret references (empty when all are pinned). */
export function supplyChainProblems(source: YamlSource): Problem[] {
  const out: Problem[] = [];
  for (const path of PINNED_IMAGES) {
    const image = valueAt(source.value, path);
    if (typeof image === 'string' && !IMAGE_DIGEST_RE.test(image)) {
      out.push(
        problemAt(
          source,
          path,
          `${fieldPath(path)} is not pinned by digest; a production environment needs <image>@sha256:<digest> so every deploy runs the reviewed image`,
          'production',
          true,
        ),
      );
    }
  }
  visitStrings(source.value, [], (path, value) => {
    if (SECRET_REF_RE.test(value) && value.endsWith('/versions/latest')) {
      out.push(
        problemAt(
          source,
          path,
          `${fieldPath(path)} reads secret version latest; a production environment needs a version number, so a new secret version deploys only by a reviewed change`,
          'production',
          true,
        ),
      );
    }
  });
  return out;
}

function visitStrings(value: unknown, path: PropertyKey[], visit: (path: PropertyKey[], value: string) => void): void {
  if (typeof value === 'string') visit(path, value);
  else if (Array.isArray(value)) value.forEach((v, i) => visitStrings(v, [...path, i], visit));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visitStrings(v, [...path, k], visit);
}
