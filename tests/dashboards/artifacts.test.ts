import { grafanaArtifacts, jsonParts, stableJson } from '../../dashboards/artifacts';
import { renderDashboards } from '../../dashboards/render';
import { GENERATED_HEADER } from '../../slos/conventions';
import { loadBundled } from './dashboard-json';
import { artifactText } from '../../slos/artifact';

// given the bundled specs and the example environment
const { catalog, inputs } = loadBundled();
const artifacts = grafanaArtifacts(catalog, inputs);

describe('grafana artifacts', () => {
  test('writes grafana/<uid>.json for every dashboard', () => {
    // then
    expect(artifacts.map((a) => a.path)).toEqual(renderDashboards(catalog, inputs).map((d) => `grafana/${d.uid}.json`));
  });

  test('each file is the dashboard model, pretty-printed with sorted keys and a trailing newline', () => {
    for (const a of artifacts) {
      // when
      const parsed = JSON.parse(artifactText(a));
      // then
      expect(artifactText(a)).toBe(stableJson(parsed));
      expect(artifactText(a).endsWith('}\n')).toBe(true);
      expect(artifactText(a).split('\n')[1]).toMatch(/^ {2}"/);
      expect(parsed.description).toContain(GENERATED_HEADER);
    }
  });

  test.each<[string, object]>([
    ['an object with array members', { panels: [{ a: 1, b: [] }, [], {}, null, 'x \u00d7', [1, [2]]], empty: [], n: 1 }],
    ['array elements JSON writes as null', { list: [undefined, () => 1, { u: undefined }] }],
    ['a key JSON escapes', { 'k"\u2014y': [1, 2], 'a\\b': { c: [3] } }],
    ['members JSON leaves out', { u: undefined, f: () => 1, list: [1] }],
    ['an empty object', {}],
    ['a top-level array', [{ a: [1] }]],
  ])('dashboard JSON in parts joins to JSON.stringify of %s', (_, value) => {
    // when
    const parts = jsonParts(value);
    // then
    expect(parts.join('')).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });

  test('stable JSON orders keys at every level and keeps array order', () => {
    // when
    const text = stableJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } });
    // then
    expect(text).toBe(
      '{\n  "a": {\n    "c": null,\n    "d": [\n      3,\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n',
    );
  });
});
