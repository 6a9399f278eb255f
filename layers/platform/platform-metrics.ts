/**
 * Names of the platform's own metrics that the symptom alerts read (documented in
 * docs/alerting.md). The API exports them; `job` is the Cloud Run service name.
 */
export const PLATFORM_METRICS = Object.freeze({
  /** Counter of HTTP responses; labels `job`, `code`, `region`. */
  httpRequests: 'http_requests_total',
  /** Gauge, 1 when the last health check of a dependency from an instance succeeded; labels `dependency` (`redis`, `postgres`), `region`, `instance`. */
  dependencyUp: 'platform_dependency_up',
  /** Gauge, Redis connections of an instance's pool in use; labels `region`, `instance`. */
  redisPoolInUse: 'platform_redis_pool_connections_in_use',
  /** Gauge, size of an instance's Redis pool; labels `region`, `instance`. */
  redisPoolMax: 'platform_redis_pool_connections_max',
  /** Gauge, seconds the Postgres replica in `region` is behind the primary. */
  replicationLag: 'platform_postgres_replication_lag_seconds',
  /** Gauge, Unix time the process started (client libraries' standard process metric). */
  processStart: 'process_start_time_seconds',
  /** Counter of tokens presented with a revoked signing key that were accepted. */
  revokedKeyUses: 'platform_revoked_key_uses_total',
  /** Gauge, Unix time the last signing-key rotation started. */
  keyRotationStarted: 'platform_key_rotation_started_timestamp_seconds',
  /** Gauge, Unix time the last signing-key rotation completed. */
  keyRotationCompleted: 'platform_key_rotation_completed_timestamp_seconds',
});

/** Label values the symptom alerts match on. */
export const DEPENDENCY = Object.freeze({ redis: 'redis', postgres: 'postgres' });

/** The HTTP status the platform answers when a rate limit (or the Redis pool) rejects a request. */
export const RATE_LIMITED_CODE = '429';
