/** Cloud Monitoring plan: channels, policies, uptime checks, services and SLOs as plain data. */
export * from './channels';
export * from './documentation';
export * from './filters';
export * from './model';
export * from './plan';
export * from './promql-policies';
export * from './redis-policies';
export * from './refs';
export * from './run-policies';
export * from './slo-policies';
export * from './sql-policies';
export * from './thresholds';
export * from './uptime';
export * from './docs-table';
