import { Testing } from '../../../constructs/framework';
import { GrafanaDashboard } from '../../../constructs/grafana/dashboard';
import { GrafanaFolder } from '../../../constructs/grafana/folder';
import { GrafanaProvider } from '../../../constructs/grafana/grafana-provider';
import { resourcesOf, scratchStack, type Json } from './helpers';

let out: Json;
const model = { title: 'Checkout', panels: [{ type: 'stat', title: 'Up' }], refresh: '30s' };

beforeAll(() => {
  // given a folder and a dashboard whose JSON has no uid, synthesized once
  out = JSON.parse(
    Testing.synthScope((scope) => {
      new GrafanaProvider(scope, 'Grafana', { url: 'https://grafana.test' });
      const folder = new GrafanaFolder(scope, 'Folder', { title: 'Team', uid: 'team' });
      new GrafanaDashboard(scope, 'Dash', { folderUid: folder.uid, uid: 'checkout-1', json: model });
    }),
  ) as Json;
});

describe('GrafanaDashboard', () => {
  test('deploys the dashboard JSON with its uid into the folder, overwriting edits', () => {
    // when
    const [d] = resourcesOf(out, 'grafana_dashboard');
    const [f] = resourcesOf(out, 'grafana_folder');
    // then
    expect(JSON.parse(d!.config_json)).toEqual({ ...model, uid: 'checkout-1' });
    expect(d!.folder).toMatch(/^\$\{grafana_folder\.Folder_[A-F0-9]+\.uid\}$/);
    expect(d!.overwrite).toBe(true);
    expect(f).toMatchObject({ title: 'Team', uid: 'team' });
  });

  test('rejects JSON whose uid differs from the dashboard uid', () => {
    // then
    expect(() => new GrafanaDashboard(scratchStack(), 'D', { folderUid: 'f', uid: 'a', json: { uid: 'b' } })).toThrow(
      'dashboard json uid "b" differs from the dashboard uid "a"',
    );
  });

  test('rejects a uid longer than Grafana allows', () => {
    // then
    expect(() => new GrafanaDashboard(scratchStack(), 'D', { folderUid: 'f', uid: 'x'.repeat(41), json: {} })).toThrow(
      'must be 1–40 characters of letters, digits, "-" and "_"',
    );
  });
});
