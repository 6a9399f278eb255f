/**
 * Turns on the Google APIs the platform's infrastructure calls. Kept enabled when the stack is
 * destroyed: disabling an API that other workloads of the project use would break them.
 */
import { Construct } from '../framework';
import { ProjectService } from './bindings';

/** Properties of {@link RequiredApis}. */
export interface RequiredApisProps {
  /**
   * Project id the APIs are enabled in.
   */
  readonly project: string;
  /**
   * Service names such as `run.googleapis.com`.
   */
  readonly services: readonly string[];
}

/** The APIs the network, data, service, edge and monitoring stacks need. */
export const PLATFORM_APIS: readonly string[] = [
  'compute.googleapis.com',
  'servicenetworking.googleapis.com',
  'sqladmin.googleapis.com',
  'redis.googleapis.com',
  'run.googleapis.com',
  'secretmanager.googleapis.com',
  'iam.googleapis.com',
  // Alert policies, uptime checks, services and SLOs of the monitoring stack.
  'monitoring.googleapis.com',
];

/** One `google_project_service` per API, each keyed by the API name (its construct id). */
export class RequiredApis extends Construct {
  /** The enabled services, by API name. */
  readonly services: ReadonlyMap<string, ProjectService>;

  constructor(scope: Construct, id: string, props: RequiredApisProps) {
    super(scope, id);
    this.services = new Map(
      props.services.map((service) => [
        service,
        new ProjectService(this, service, { project: props.project, service, disableOnDestroy: false, disableDependentServices: false }),
      ]),
    );
  }
}
