/**
 * A Memorystore for Redis instance in one region: Standard tier (primary and replica in two
 * zones, automatic failover), AUTH, TLS, RDB persistence, a fixed maintenance window, addressed
 * through private services access. Memorystore instances have no deletion protection, so
 * Terraform refuses to destroy it instead (`lifecycle.prevent_destroy`).
 */
import { Construct, type ITerraformDependable } from '../framework';
import { RedisInstance } from './bindings';

/** Properties of {@link RedisHaInstance}. */
export interface RedisHaInstanceProps {
  /**
   * Instance name.
   */
  readonly name: string;
  /**
   * Region of the instance.
   */
  readonly region: string;
  /**
   * Memory capacity.
   */
  readonly memorySizeGb: number;
  /**
   * Redis version, e.g. `REDIS_7_2`.
   */
  readonly redisVersion: string;
  /**
   * VPC id the instance is reachable from.
   */
  readonly authorizedNetwork: string;
  /**
   * Name of the private services access range to allocate from.
   */
  readonly reservedIpRange: string;
  /**
   * How often the RDB snapshot is taken: what a restart of both nodes can lose.
   */
  readonly rdbSnapshotPeriod: 'ONE_HOUR' | 'SIX_HOURS' | 'TWELVE_HOURS' | 'TWENTY_FOUR_HOURS';
  /**
   * Weekly maintenance window: `day` MONDAY … SUNDAY, `hourUtc` 0–23.
   */
  readonly maintenanceWindow: { readonly day: string; readonly hourUtc: number };
  /**
   * Resources the instance waits for (the private services connection).
   *
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Cloud KMS key (same region) that encrypts the instance's data at rest (RDB snapshots
   * included). Set only at creation: changing it replaces the instance. The Memorystore service
   * agent needs `cryptoKeyEncrypterDecrypter` on it.
   *
   * @default - Google-managed encryption
   */
  readonly customerManagedKey?: string;
}

/** A highly available, authenticated, encrypted Memorystore for Redis instance. */
export class RedisHaInstance extends Construct {
  /** The instance. */
  readonly resource: RedisInstance;

  constructor(scope: Construct, id: string, props: RedisHaInstanceProps) {
    super(scope, id);
    // Memorystore for Redis instances hold 1–300 GB; the maintenance window starts on a whole hour 0–23 UTC.
    if (!Number.isInteger(props.memorySizeGb) || props.memorySizeGb < 1 || props.memorySizeGb > 300) {
      throw new Error(`redis instance ${props.name}: memorySizeGb must be 1–300, got ${props.memorySizeGb}`);
    }
    if (!Number.isInteger(props.maintenanceWindow.hourUtc) || props.maintenanceWindow.hourUtc < 0 || props.maintenanceWindow.hourUtc > 23) {
      throw new Error(`redis instance ${props.name}: maintenance hour must be 0–23, got ${props.maintenanceWindow.hourUtc}`);
    }
    this.resource = new RedisInstance(this, 'Resource', {
      name: props.name,
      region: props.region,
      tier: 'STANDARD_HA',
      replicaCount: 1,
      memorySizeGb: props.memorySizeGb,
      redisVersion: props.redisVersion,
      authEnabled: true, // CKV_GCP_95
      transitEncryptionMode: 'SERVER_AUTHENTICATION', // CKV_GCP_97
      connectMode: 'PRIVATE_SERVICE_ACCESS',
      authorizedNetwork: props.authorizedNetwork,
      reservedIpRange: props.reservedIpRange,
      persistenceConfig: { persistenceMode: 'RDB', rdbSnapshotPeriod: props.rdbSnapshotPeriod },
      maintenancePolicy: {
        weeklyMaintenanceWindow: [{ day: props.maintenanceWindow.day, startTime: { hours: props.maintenanceWindow.hourUtc, minutes: 0 } }],
      },
      customerManagedKey: props.customerManagedKey,
      lifecycle: { preventDestroy: true },
      dependsOn: props.dependsOn,
    });
  }
}
