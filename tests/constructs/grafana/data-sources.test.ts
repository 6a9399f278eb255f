import { CloudMonitoringDataSource } from '../../../constructs/grafana/cloud-monitoring-data-source';
import { MessageTemplate } from '../../../constructs/grafana/message-template';
import { PrometheusDataSource } from '../../../constructs/grafana/prometheus-data-source';
import { scratchStack } from './helpers';

describe('data sources and templates', () => {
  test('the Cloud Monitoring data source can use workload identity federation', () => {
    // when
    const ds = new CloudMonitoringDataSource(scratchStack(), 'Cm', {
      name: 'cm',
      uid: 'cm',
      project: 'p-12345',
      authenticationType: 'workloadIdentityFederation',
    });
    // then
    expect(ds.jsonData).toEqual({ authenticationType: 'workloadIdentityFederation', defaultProject: 'p-12345' });
  });

  test('rejects a Prometheus URL that is not http(s)', () => {
    // then
    expect(() => new PrometheusDataSource(scratchStack(), 'P', { name: 'p', uid: 'p', url: 'prometheus:9090' })).toThrow(
      'prometheus url must be an http(s) URL, got "prometheus:9090"',
    );
  });

  test.each([
    ['neither a url nor a Cloud Monitoring project', {}],
    ['both a url and a Cloud Monitoring project', { url: 'https://prometheus.example.com', cloudMonitoringProject: 'example-project' }],
  ])('rejects a Prometheus data source with %s', (_, source) => {
    expect(() => new PrometheusDataSource(scratchStack(), 'P', { name: 'p', uid: 'p', ...source })).toThrow(
      'prometheus data source p: give exactly one of url and cloudMonitoringProject',
    );
  });

  test('rejects a message template that defines nothing', () => {
    // then
    expect(() => new MessageTemplate(scratchStack(), 'T', { name: 't', template: 'hello' })).toThrow(
      'message template "t" defines no template ({{ define "name" }} … {{ end }})',
    );
  });
});
