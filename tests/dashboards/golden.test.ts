import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stableJson } from '../../dashboards/artifacts';
import { renderDashboards } from '../../dashboards/render';
import { goldenSignalsUid, sloDashboardUid } from '../../slos/conventions';
import { loadBundled } from './dashboard-json';

/**
 * Committed golden files of one dashboard per kind. Regenerate after an intended change with
 *   UPDATE_GOLDEN=1 npx jest tests/dashboards/golden
 * and review the diff.
 */
const GOLDEN_DIR = join(__dirname, '__golden__');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

// given the bundled specs and the example environment
const { catalog, env, inputs } = loadBundled();
const dashboards = renderDashboards(catalog, inputs);

describe('golden dashboards', () => {
  test.each([
    ['the golden-signals dashboard of the Cloud Run service', goldenSignalsUid(env.service.name)],
    ['the golden-signals dashboard of an operations service', goldenSignalsUid('reports')],
    ['the SLO dashboard', sloDashboardUid()],
  ])('%s matches its golden file', (_what, uid) => {
    // when
    const d = dashboards.find((x) => x.uid === uid)!;
    const text = stableJson(d.json);
    const file = join(GOLDEN_DIR, `${uid}.json`);
    if (UPDATE) {
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(file, text);
    }
    // then
    expect(existsSync(file) ? readFileSync(file, 'utf8') : `missing ${file}: run UPDATE_GOLDEN=1 npx jest tests/dashboards/golden`).toBe(
      text,
    );
  });
});
