import { Testing } from '../../../constructs/framework';
import { GrafanaProvider } from '../../../constructs/grafana/grafana-provider';
import { NotificationPolicy } from '../../../constructs/grafana/notification-policy';
import { resourcesOf, scratchStack, type Json } from './helpers';

let policy: Json;

beforeAll(() => {
  // given a policy with two routes, synthesized once
  const out = JSON.parse(
    Testing.synthScope((scope) => {
      new GrafanaProvider(scope, 'Grafana', { url: 'https://grafana.test' });
      new NotificationPolicy(scope, 'Policy', {
        defaultContactPoint: 'mail',
        groupBy: ['service', 'slo'],
        routes: [
          { matchers: { severity: 'page' }, contactPoint: 'pager' },
          { matchers: { severity: 'warning', team: 'platform' }, contactPoint: 'chat' },
        ],
        repeatInterval: '1h',
      });
    }),
  ) as Json;
  policy = resourcesOf(out, 'grafana_notification_policy')[0]!;
});

describe('NotificationPolicy', () => {
  test('routes each matcher set to its contact point in order, grouping every route the same way', () => {
    // then
    expect(policy).toMatchObject({ contact_point: 'mail', group_by: ['service', 'slo'], repeat_interval: '1h' });
    expect(policy.policy).toEqual([
      { contact_point: 'pager', group_by: ['service', 'slo'], matcher: [{ label: 'severity', match: '=', value: 'page' }] },
      {
        contact_point: 'chat',
        group_by: ['service', 'slo'],
        matcher: [
          { label: 'severity', match: '=', value: 'warning' },
          { label: 'team', match: '=', value: 'platform' },
        ],
      },
    ]);
  });

  test('rejects a route without matchers', () => {
    // then
    expect(
      () =>
        new NotificationPolicy(scratchStack(), 'P', {
          defaultContactPoint: 'a',
          groupBy: ['slo'],
          routes: [{ matchers: {}, contactPoint: 'b' }],
        }),
    ).toThrow('a notification route needs at least one matcher; use defaultContactPoint for a catch-all');
  });

  test('rejects an empty groupBy', () => {
    // then
    expect(() => new NotificationPolicy(scratchStack(), 'P', { defaultContactPoint: 'a', groupBy: [], routes: [] })).toThrow(
      'notification policy groupBy must name at least one label',
    );
  });
});
