/**
 * A Cloud SQL for PostgreSQL instance: either the primary (regional HA, backups, point-in-time
 * recovery) or a cross-region read replica of it that can be promoted. Both are private-IP only,
 * require client certificates, carry the CIS / checkov logging flags and refuse deletion.
 */
import { Construct, type ITerraformDependable } from '../framework';
import { SqlDatabaseInstance, type SqlDatabaseInstanceSettingsDatabaseFlags, SqlUser } from './bindings';

/** Backups of the primary. */
export interface PostgresBackupProps {
  /**
   * Daily backup start, `HH:MM` UTC.
   */
  readonly startTimeUtc: string;
  /**
   * How many daily backups are kept (one a day, so also days).
   */
  readonly retainedBackups: number;
  /**
   * Days of write-ahead log kept for point-in-time recovery.
   */
  readonly transactionLogRetentionDays: number;
}

/** Properties of {@link PostgresInstance}. */
export interface PostgresInstanceProps {
  /**
   * Instance name (Cloud SQL names cannot be reused for a week after deletion).
   */
  readonly name: string;
  /**
   * Region of the instance.
   */
  readonly region: string;
  /**
   * `POSTGRES_<major>`; a replica must match its primary.
   */
  readonly databaseVersion: string;
  /**
   * `ENTERPRISE` or `ENTERPRISE_PLUS`; always set, because the API otherwise picks one.
   */
  readonly edition: 'ENTERPRISE' | 'ENTERPRISE_PLUS';
  /**
   * Machine tier, e.g. `db-custom-2-7680`.
   */
  readonly tier: string;
  /**
   * Initial SSD size; storage grows automatically from there.
   */
  readonly diskSizeGb: number;
  /**
   * The `max_connections` flag. A replica needs at least its primary's value, so both use it.
   */
  readonly maxConnections: number;
  /**
   * VPC id the private IP is allocated in.
   */
  readonly privateNetwork: string;
  /**
   * Name of the private services access range to allocate from.
   */
  readonly allocatedIpRange: string;
  /**
   * Weekly maintenance window: `day` 1 = Monday … 7 = Sunday, `hourUtc` 0–23. Applied to a
   * primary only: read replicas do not take one.
   */
  readonly maintenanceWindow: { readonly day: number; readonly hourUtc: number };
  /**
   * Backups of a primary. Exactly one of `backup` and `masterInstanceName` is set.
   *
   * @default - no backups: the instance is a replica
   */
  readonly backup?: PostgresBackupProps;
  /**
   * Name of the primary this instance replicates.
   *
   * @default - the instance is a primary
   */
  readonly masterInstanceName?: string;
  /**
   * Resources the instance waits for (the private services connection).
   *
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Cloud KMS key (same region) that encrypts the instance's disks and backups. Set only at
   * creation: changing it replaces the instance. The Cloud SQL service agent needs
   * `cryptoKeyEncrypterDecrypter` on it.
   *
   * @default - Google-managed encryption
   */
  readonly encryptionKeyName?: string;
  /**
   * Service account e-mails that log in with IAM database authentication
   * (`CLOUD_IAM_SERVICE_ACCOUNT` users). Created on a primary only: users replicate to replicas.
   * Each account also needs `roles/cloudsql.instanceUser`, and its privileges are granted in SQL.
   *
   * @default - no IAM users
   */
  readonly iamServiceAccountUsers?: readonly string[];
}

/**
 * The database flags of every instance: CIS Google Cloud benchmark v4 §6.2 and checkov's
 * PostgreSQL checks (IDs beside each flag). The `*_stats` flags stay off (CKV2_GCP_14–17) by not
 * being set. `pgaudit` also needs `CREATE EXTENSION pgaudit` in the database, which Terraform does
 * not run.
 */
export function postgresDatabaseFlags(maxConnections: number): SqlDatabaseInstanceSettingsDatabaseFlags[] {
  const flags: Record<string, string> = {
    'cloudsql.enable_pgaudit': 'on', // CKV_GCP_110
    // IAM database authentication: people and workloads log in with their Google identity and
    // short-lived tokens, so access is granted and revoked in IAM, not by shared passwords.
    'cloudsql.iam_authentication': 'on',
    log_checkpoints: 'on', // CKV_GCP_51
    log_connections: 'on', // CKV_GCP_52
    log_disconnections: 'on', // CKV_GCP_53
    log_duration: 'on', // CKV2_GCP_13
    log_error_verbosity: 'default', // CIS 6.2.1
    log_hostname: 'on', // CKV_GCP_108
    log_lock_waits: 'on', // CKV_GCP_54
    log_min_duration_statement: '-1', // CKV_GCP_57: no statement text in logs
    log_min_error_statement: 'error', // CKV_GCP_109
    log_min_messages: 'warning', // CKV_GCP_55
    log_statement: 'ddl', // CKV_GCP_111
    log_temp_files: '0', // CKV_GCP_56
    max_connections: String(maxConnections),
    'pgaudit.log': 'ddl,role',
  };
  return Object.entries(flags).map(([name, value]) => ({ name, value }));
}

/**
 * Days of write-ahead log Cloud SQL keeps for point-in-time recovery, by edition: "from 1-7 (For
 * PostgreSQL Enterprise Plus instances, from 1 to 35)" (provider doc of
 * `backup_configuration.transaction_log_retention_days`).
 */
export const MAX_TRANSACTION_LOG_RETENTION_DAYS = { ENTERPRISE: 7, ENTERPRISE_PLUS: 35 } as const;

/**
 * The API's rules for a machine tier of an edition, as problems (empty when the tier fits).
 * Enterprise Plus runs only the performance-optimized shapes (`db-perf-optimized-N-<vCPU>`);
 * Enterprise runs custom shapes (`db-custom-<vCPU>-<MiB>`: 1 or an even number of vCPUs up to 96,
 * memory a multiple of 256 MiB and 0.9–6.5 GB per vCPU) and the shared-core `db-f1-micro` /
 * `db-g1-small`. Source: Cloud SQL for PostgreSQL "Machine series overview" and "Editions".
 */
export function postgresTierProblems(edition: 'ENTERPRISE' | 'ENTERPRISE_PLUS', tier: string): string[] {
  if (edition === 'ENTERPRISE_PLUS') {
    return /^db-perf-optimized-N-\d+$/.test(tier) ? [] : [`tier ${tier} is not an Enterprise Plus tier (db-perf-optimized-N-<vCPU>)`];
  }
  if (tier === 'db-f1-micro' || tier === 'db-g1-small') return [];
  const custom = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  if (!custom) return [`tier ${tier} is not an Enterprise tier (db-custom-<vCPU>-<MiB>, db-f1-micro, db-g1-small)`];
  const cpus = Number(custom[1]);
  const mib = Number(custom[2]);
  const problems: string[] = [];
  if (cpus < 1 || cpus > 96 || (cpus > 1 && cpus % 2 !== 0)) problems.push(`tier ${tier}: vCPUs must be 1 or an even number up to 96`);
  if (mib % 256 !== 0) problems.push(`tier ${tier}: memory must be a multiple of 256 MiB`);
  const gbPerCpu = mib / 1024 / cpus;
  if (gbPerCpu < 0.9 || gbPerCpu > 6.5) problems.push(`tier ${tier}: memory must be 0.9–6.5 GB per vCPU, got ${gbPerCpu.toFixed(2)}`);
  return problems;
}

/** A Cloud SQL for PostgreSQL primary or cross-region replica. */
export class PostgresInstance extends Construct {
  /** The instance. */
  readonly resource: SqlDatabaseInstance;
  /** Whether this is a replica. */
  readonly isReplica: boolean;
  /** IAM database users, by service account e-mail. */
  readonly iamUsers: ReadonlyMap<string, SqlUser>;

  constructor(scope: Construct, id: string, props: PostgresInstanceProps) {
    super(scope, id);
    if ((props.backup === undefined) === (props.masterInstanceName === undefined)) {
      throw new Error(`postgres instance ${props.name}: set exactly one of backup (a primary) and masterInstanceName (a replica)`);
    }
    if (!/^POSTGRES_\d+$/.test(props.databaseVersion)) {
      throw new Error(`postgres instance ${props.name}: database version ${props.databaseVersion} is not POSTGRES_<major>`);
    }
    const problems = postgresTierProblems(props.edition, props.tier);
    const backup = props.backup;
    if (backup) {
      const maxLogDays = MAX_TRANSACTION_LOG_RETENTION_DAYS[props.edition];
      const days = backup.transactionLogRetentionDays;
      if (!Number.isInteger(days) || days < 1 || days > maxLogDays) {
        problems.push(`transactionLogRetentionDays must be 1–${maxLogDays} for ${props.edition}, got ${days}`);
      }
      if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(backup.startTimeUtc)) problems.push(`backup start ${backup.startTimeUtc} is not HH:MM (UTC)`);
      // Cloud SQL keeps 1–365 automated backups (retention_unit COUNT).
      if (!Number.isInteger(backup.retainedBackups) || backup.retainedBackups < 1 || backup.retainedBackups > 365) {
        problems.push(`retainedBackups must be 1–365, got ${backup.retainedBackups}`);
      }
    }
    const iamUsers = props.iamServiceAccountUsers ?? [];
    if (iamUsers.length > 0 && props.masterInstanceName !== undefined) {
      problems.push('iamServiceAccountUsers are created on the primary only (users replicate to replicas)');
    }
    for (const email of iamUsers) {
      if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z0-9-]+\.iam\.gserviceaccount\.com$/.test(email)) {
        problems.push(`iam database user ${email} is not a service account e-mail <id>@<project>.iam.gserviceaccount.com`);
      }
    }
    if (problems.length > 0) throw new Error(`postgres instance ${props.name}: ${problems.join('; ')}`);
    this.isReplica = props.masterInstanceName !== undefined;
    this.resource = new SqlDatabaseInstance(this, 'Resource', {
      name: props.name,
      region: props.region,
      databaseVersion: props.databaseVersion,
      encryptionKeyName: props.encryptionKeyName,
      deletionProtection: true,
      masterInstanceName: props.masterInstanceName,
      instanceType: this.isReplica ? 'READ_REPLICA_INSTANCE' : 'CLOUD_SQL_INSTANCE',
      dependsOn: props.dependsOn,
      settings: {
        tier: props.tier,
        edition: props.edition,
        // The primary fails over between zones synchronously (in-region RPO 0). A replica is
        // zonal until promoted; the promotion procedure turns HA on (docs/infrastructure.md).
        availabilityType: this.isReplica ? 'ZONAL' : 'REGIONAL',
        deletionProtectionEnabled: true,
        diskType: 'PD_SSD',
        diskSize: props.diskSizeGb,
        diskAutoresize: true,
        backupConfiguration: backup
          ? {
              enabled: true,
              startTime: backup.startTimeUtc,
              pointInTimeRecoveryEnabled: true,
              transactionLogRetentionDays: backup.transactionLogRetentionDays,
              backupRetentionSettings: { retainedBackups: backup.retainedBackups, retentionUnit: 'COUNT' },
            }
          : undefined,
        ipConfiguration: {
          ipv4Enabled: false,
          privateNetwork: props.privateNetwork,
          allocatedIpRange: props.allocatedIpRange,
          sslMode: 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED',
        },
        insightsConfig: {
          queryInsightsEnabled: true,
          queryStringLength: 1024,
          recordApplicationTags: true,
          recordClientAddress: false,
          queryPlansPerMinute: 5,
        },
        // Cloud SQL "instance settings": read replicas do not support the maintenance window
        // setting (Cloud SQL maintains them on its own schedule), and a window set on one shows up
        // as a perpetual diff or a failed update (hashicorp/terraform-provider-google#7609). Only
        // the primary carries it; a promoted replica gets it in the promotion edit
        // (docs/infrastructure.md).
        maintenanceWindow: this.isReplica
          ? undefined
          : { day: props.maintenanceWindow.day, hour: props.maintenanceWindow.hourUtc, updateTrack: 'stable' },
        databaseFlags: postgresDatabaseFlags(props.maxConnections),
        retainBackupsOnDelete: backup ? true : undefined,
        userLabels: { role: this.isReplica ? 'replica' : 'primary' },
      },
    });
    // Cloud SQL for PostgreSQL names an IAM service account user by its e-mail without the
    // `.gserviceaccount.com` suffix ("Manage users with IAM database authentication").
    this.iamUsers = new Map(
      iamUsers.map((email) => [
        email,
        new SqlUser(this, `IamUser-${email.split('@')[0]}`, {
          instance: this.resource.name,
          name: email.replace(/\.gserviceaccount\.com$/, ''),
          type: 'CLOUD_IAM_SERVICE_ACCOUNT',
        }),
      ]),
    );
  }
}
