/** The end-to-end harness: real Prometheus, Alertmanager and blackbox exporter on 127.0.0.1. */
export * from './alertmanager-api';
export * from './backfill';
export * from './http';
export * from './processes';
export * from './prometheus-api';
export * from './servers';
export * from './tools';
export * from './webhook-sink';
