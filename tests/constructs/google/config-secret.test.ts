/**
 * The configuration file kept in Secret Manager for a Cloud Run volume (the collector's
 * RunMonitoring config): its text reaches Terraform literally, and bad input is refused.
 */
import { CloudRunApiService, type CloudRunApiServiceProps } from '../../../constructs/google/cloud-run-api-service';
import { ConfigSecret } from '../../../constructs/google/config-secret';
import { Testing, TerraformStack } from '../../../constructs/framework';

const stack = (): TerraformStack => new TerraformStack(Testing.app(), 'test');

const SECRET = { project: 'example-platform-prod', secretId: 'cfg', region: 'europe-west1' } as const;

describe('ConfigSecret', () => {
  test('writes text holding a Terraform template as literal text, escaped for Terraform', () => {
    // given a stack with a config secret whose text holds a template sequence
    const s = stack();
    new ConfigSecret(s, 'Config', { ...SECRET, text: 'path: /metrics\nnote: ${file("/etc/hostname")} %{ if true }x%{ endif }\n' });
    // when
    const json = JSON.parse(Testing.synth(s)) as { resource: Record<string, Record<string, { secret_data?: string }>> };
    // then Terraform reads $${ and %%{ as the literal ${ and %{
    const [version] = Object.values(json.resource.google_secret_manager_secret_version!);
    expect(version!.secret_data).toBe('path: /metrics\nnote: $${file("/etc/hostname")} %%{ if true }x%%{ endif }\n');
  });

  test('rejects empty text', () => {
    expect(() => new ConfigSecret(stack(), 'Config', { ...SECRET, text: ' \n' })).toThrow('config secret cfg: text is empty');
  });
});

describe('CloudRunApiService with a metrics collector', () => {
  const RUN: CloudRunApiServiceProps = {
    name: 'api-euw1',
    region: 'europe-west1',
    image: 'europe-docker.pkg.dev/p/r/api:1',
    cpu: '1',
    memory: '512Mi',
    minInstances: 1,
    maxInstances: 2,
    concurrency: 80,
    port: 8080,
    healthPath: '/health',
    serviceAccountEmail: 'sa@example-platform-prod.iam.gserviceaccount.com',
    network: 'projects/p/global/networks/vpc',
    subnetwork: 'projects/p/regions/europe-west1/subnetworks/s',
  };
  const COLLECTOR = {
    image: 'us-docker.pkg.dev/cloud-ops-agents-artifacts/cloud-run-gmp-sidecar/cloud-run-gmp-sidecar:1.2.0',
    cpu: '1',
    memory: '512Mi',
    configSecretId: 'projects/p/secrets/cfg',
    configSecretVersion: '1',
    configDir: '/etc/rungmp',
    configFile: 'config.yaml',
  };

  test.each([
    [{ cpu: 'lots' }, 'metrics collector cpu lots is not a number of vCPUs'],
    [{ memory: '1TB' }, 'metrics collector memory 1TB is not a quantity'],
    [{ configDir: 'etc/rungmp' }, 'config directory etc/rungmp must be absolute'],
    [{ configFile: '../config.yaml' }, 'config file ../config.yaml must be a file name'],
  ])('rejects a collector with %o', (override, message) => {
    expect(() => new CloudRunApiService(stack(), 'Run', { ...RUN, metricsCollector: { ...COLLECTOR, ...override } })).toThrow(message);
  });

  test('keeps one unnamed container, CPU allocated only during requests, without a collector', () => {
    // given
    const s = stack();
    new CloudRunApiService(s, 'Run', RUN);
    // when
    const json = JSON.parse(Testing.synth(s)) as {
      resource: { google_cloud_run_v2_service: Record<string, { template: { containers: Record<string, unknown>[]; volumes?: unknown } }> };
    };
    const [run] = Object.values(json.resource.google_cloud_run_v2_service);
    // then
    expect(run!.template.containers).toHaveLength(1);
    expect(run!.template.containers[0]).toMatchObject({ resources: { cpu_idle: true } });
    expect(run!.template.containers[0]!.name).toBeUndefined();
    expect(run!.template.volumes).toBeUndefined();
  });
});
