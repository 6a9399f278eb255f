/** A Grafana folder that holds an environment's dashboards and alert rules. */
import { Construct } from '../framework';
import { Folder } from './bindings';
import { assertGrafanaUid } from './private/uid';

/** Props of {@link GrafanaFolder}. */
export interface GrafanaFolderProps {
  /** Folder title shown in Grafana. */
  readonly title: string;
  /**
   * Stable folder UID (at most 40 characters of letters, digits, `-` and `_`).
   *
   * Dashboards and rule groups refer to the folder by it; changing it moves them.
   */
  readonly uid: string;
}

/** A `grafana_folder`. */
export class GrafanaFolder extends Construct {
  /** The folder resource. */
  readonly resource: Folder;
  /** The folder UID as a Terraform reference, so users of it depend on the folder. */
  readonly uid: string;

  constructor(scope: Construct, id: string, props: GrafanaFolderProps) {
    super(scope, id);
    assertGrafanaUid('folder', props.uid);
    if (props.title.trim() === '') throw new Error('folder title must not be empty');
    this.resource = new Folder(this, 'Resource', { title: props.title, uid: props.uid });
    this.uid = this.resource.uid;
  }
}
