/** The one severity routing table that Grafana, Cloud Monitoring and Alertmanager share. */
import { severityRoutingTable } from '../../alerts/routing';
import type { Severity } from '../../slos/schema';

describe('severityRoutingTable', () => {
  test.each<[string, Severity[], Partial<Record<Severity, Severity>>, Severity | undefined]>([
    [
      'routes every configured severity to itself',
      ['page', 'critical', 'warning', 'info'],
      { page: 'page', critical: 'critical', warning: 'warning', info: 'info' },
      'info',
    ],
    [
      'routes a severity without a target to the nearest one, the more urgent on a tie',
      ['page', 'critical', 'info'],
      { page: 'page', critical: 'critical', warning: 'critical', info: 'info' },
      'info',
    ],
    [
      'routes everything to the only target',
      ['warning'],
      { page: 'warning', critical: 'warning', warning: 'warning', info: 'warning' },
      'warning',
    ],
    [
      'sends alerts of no known severity to the least urgent target',
      ['page', 'critical'],
      { page: 'page', critical: 'critical', warning: 'critical', info: 'critical' },
      'critical',
    ],
    ['routes nothing when no severity has a target', [], {}, undefined],
  ])('%s', (_name, configured, routedTo, defaultSeverity) => {
    // when
    const table = severityRoutingTable(configured);
    // then
    expect(table.routedTo).toEqual(routedTo);
    expect(table.defaultSeverity).toBe(defaultSeverity);
    expect(table.fallbacks).toEqual(
      Object.entries(routedTo)
        .filter(([s, to]) => s !== to)
        .map(([severity, to]) => ({ severity, routedTo: to })),
    );
  });
});
