/** A Grafana dashboard deployed from rendered dashboard JSON. */
import { Construct } from '../framework';
import { Dashboard } from './bindings';
import { assertGrafanaUid } from './private/uid';

/** Props of {@link GrafanaDashboard}. */
export interface GrafanaDashboardProps {
  /** UID of the folder the dashboard lives in (pass the folder construct's `uid`). */
  readonly folderUid: string;
  /** Stable dashboard UID: the dashboard's identity in Grafana. */
  readonly uid: string;
  /**
   * The dashboard model (classic JSON), as `renderDashboards` returns it. Its `uid`, when
   * present, must equal `uid`; when absent, `uid` is added.
   */
  readonly json: Readonly<Record<string, unknown>>;
}

/**
 * A `grafana_dashboard`. `overwrite` is on because the rendered JSON is the source of truth:
 * edits made in the Grafana UI are replaced on the next apply.
 */
export class GrafanaDashboard extends Construct {
  /** The dashboard resource. */
  readonly resource: Dashboard;
  /** The dashboard UID from the JSON. */
  readonly uid: string;

  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    assertGrafanaUid('dashboard', props.uid);
    if (props.json.uid !== undefined && props.json.uid !== props.uid) {
      throw new Error(`dashboard json uid ${JSON.stringify(props.json.uid)} differs from the dashboard uid "${props.uid}"`);
    }
    this.uid = props.uid;
    this.resource = new Dashboard(this, 'Resource', {
      folder: props.folderUid,
      configJson: JSON.stringify(props.json.uid === undefined ? { ...props.json, uid: props.uid } : props.json),
      overwrite: true,
    });
  }
}
