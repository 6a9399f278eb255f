import { Testing } from '../../../constructs/framework';
import { ContactPoint } from '../../../constructs/grafana/contact-point';
import { GrafanaProvider } from '../../../constructs/grafana/grafana-provider';
import { MessageTemplate } from '../../../constructs/grafana/message-template';
import { SecretVersion } from '../../../constructs/grafana/secret-version';
import { GoogleProvider } from '../../../constructs/google/bindings';
import { resourcesOf, scratchStack, type Json } from './helpers';

const KEY_REF = 'projects/example-project/secrets/pd-key/versions/3';
let out: Json;

beforeAll(() => {
  // given a contact point with all three integrations and a template, synthesized once
  out = JSON.parse(
    Testing.synthScope((scope) => {
      new GrafanaProvider(scope, 'Grafana', { url: 'https://grafana.test' });
      new GoogleProvider(scope, 'google', { project: 'example-project' });
      const key = new SecretVersion(scope, 'Key', { reference: KEY_REF });
      const template = new MessageTemplate(scope, 'Template', {
        name: 't',
        template: '{{ define "a" }}A{{ end }}{{ define "b" }}B{{ end }}',
      });
      new ContactPoint(scope, 'Cp', {
        name: 'oncall',
        pagerduty: { integrationKey: key.value },
        slack: { recipient: '#ops', token: key.value },
        email: { addresses: ['ops@example.com'] },
        templates: { messageTemplate: template, title: 'a', body: 'b' },
      });
    }),
  ) as Json;
});

describe('ContactPoint', () => {
  test('puts secret references into the sensitive fields and reads the secret version by its parts', () => {
    // when
    const [cp] = resourcesOf(out, 'grafana_contact_point');
    const [secret] = Object.values(out.data.google_secret_manager_secret_version as Record<string, Json>);
    // then
    expect(cp!.pagerduty[0].integration_key).toMatch(/^\$\{data\.google_secret_manager_secret_version\.Key_[A-F0-9]+\.secret_data\}$/);
    expect(cp!.slack[0].token).toBe(cp!.pagerduty[0].integration_key);
    expect(secret).toMatchObject({ project: 'example-project', secret: 'pd-key', version: '3' });
  });

  test('renders titles and bodies with the named templates and waits for the template', () => {
    // when
    const [cp] = resourcesOf(out, 'grafana_contact_point');
    // then
    expect(cp!.slack[0]).toMatchObject({ recipient: '#ops', title: '{{ template "a" . }}', text: '{{ template "b" . }}' });
    expect(cp!.email[0]).toMatchObject({ addresses: ['ops@example.com'], subject: '{{ template "a" . }}', single_email: true });
    expect(cp!.depends_on).toEqual([expect.stringMatching(/^grafana_message_template\./)]);
  });

  test('rejects a literal PagerDuty key', () => {
    // then
    expect(() => new ContactPoint(scratchStack(), 'Cp', { name: 'x', pagerduty: { integrationKey: 'abc123' } })).toThrow(
      'contact point "x": pagerduty.integrationKey must be a Terraform reference to a secret (e.g. SecretVersion.value), not a literal',
    );
  });

  test('rejects a literal Slack token', () => {
    // then
    expect(() => new ContactPoint(scratchStack(), 'Cp', { name: 'x', slack: { recipient: '#a', token: 'xoxb-1' } })).toThrow(
      'slack.token must be a Terraform reference',
    );
  });

  test('rejects a contact point without integrations', () => {
    // then
    expect(() => new ContactPoint(scratchStack(), 'Cp', { name: 'x' })).toThrow(
      'contact point "x" needs at least one of pagerduty, slack or email',
    );
  });

  test('rejects a template name the message template does not define', () => {
    // given
    const stack = scratchStack();
    const template = new MessageTemplate(stack, 'T', { name: 't', template: '{{ define "a" }}A{{ end }}' });
    // then
    expect(
      () =>
        new ContactPoint(stack, 'Cp', {
          name: 'x',
          email: { addresses: ['a@example.com'] },
          templates: { messageTemplate: template, title: 'a', body: 'zz' },
        }),
    ).toThrow('contact point "x" uses template "zz", which the message template does not define');
  });
});
