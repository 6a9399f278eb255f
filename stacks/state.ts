/**
 * The bootstrap stack `<env>-state`: the Cloud Storage bucket named in `gcp.stateBucket`, which
 * every other stack of the environment keeps its state in. It is deployed first and keeps its own
 * (small, secret-free) state locally, in the git-ignored `terraform.<env>-state.tfstate`, because
 * the bucket cannot hold the state of the stack that creates it before it exists
 * (README "Deploying", docs/infrastructure.md "State").
 */
import { DataAccessAuditLogs } from '../constructs/google/data-access-audit-logs';
import { addGoogleProvider } from '../constructs/google/google-provider';
import { RegionalKeyRing } from '../constructs/google/regional-key-ring';
import { RequiredApis } from '../constructs/google/required-apis';
import { ServiceAgents } from '../constructs/google/service-agents';
import { StateBucket } from '../constructs/google/state-bucket';
import { type App, type ITerraformDependable, LocalBackend, TerraformStack } from '../constructs/framework';
import { localStatePath } from '../constructs/state-backend';
import { primaryRegion, securityNames } from '../environments/naming';
import type { EnvironmentConfig } from '../environments/schema';

/** Name of the one key in the state key ring. */
const STATE_KEY = 'tfstate';

/**
 * Adds `<env>-state` to `app` when the environment names a state bucket; returns it, or
 * `undefined` when state is local.
 */
export function addStateBootstrapStack(app: App, env: EnvironmentConfig): TerraformStack | undefined {
  const bucket = env.gcp.stateBucket;
  if (!bucket) return undefined;
  const name = securityNames.stateStack(env);
  const location = securityNames.stateBucketLocation(env);
  const cmek = env.security.cmek.enabled;
  if (cmek && !/^[a-z]+-[a-z]+[0-9]$/.test(location)) {
    throw new Error(
      `environment ${env.name}: security.stateBucket.location ${location} is a multi-region; with security.cmek.enabled the state bucket needs a region, where its key ring lives`,
    );
  }
  const stack = new TerraformStack(app, name);
  addGoogleProvider(stack, env, /^[a-z]+-[a-z]+[0-9]$/.test(location) ? location : primaryRegion(env).name);
  new LocalBackend(stack, { path: localStatePath(name) });
  // This stack deploys before the network stack enables the platform's APIs, so it enables its own.
  const apis = new RequiredApis(stack, 'Apis', {
    project: env.gcp.project,
    services: ['storage.googleapis.com', ...(cmek ? ['cloudkms.googleapis.com'] : [])],
  });
  let kmsKeyName: string | undefined;
  let grants: ITerraformDependable[] = [];
  if (cmek) {
    const agents = new ServiceAgents(stack, 'ServiceAgents', { project: env.gcp.project });
    const ring = new RegionalKeyRing(stack, 'StateKeyRing', {
      project: env.gcp.project,
      name: securityNames.stateKeyRing(env),
      location,
      rotationPeriodDays: env.security.cmek.rotationPeriodDays,
      keys: [{ name: STATE_KEY, encrypters: [agents.member('storage')] }],
      dependsOn: [apis.services.get('cloudkms.googleapis.com')!],
    });
    kmsKeyName = ring.keys.get(STATE_KEY)!.id;
    // Cloud Storage checks its service agent can use the key when the bucket is created.
    grants = [...ring.encrypterGrants];
  }
  new StateBucket(stack, 'Bucket', {
    project: env.gcp.project,
    name: bucket,
    location,
    softDeleteDays: env.security.stateBucket.softDeleteDays,
    noncurrentVersionsKept: env.security.stateBucket.noncurrentVersionsKept,
    kmsKeyName,
    dependsOn: [apis.services.get('storage.googleapis.com')!, ...grants],
  });
  // The bucket's object reads are who read the state, which holds secrets.
  if (env.security.dataAccessLogs) {
    new DataAccessAuditLogs(stack, 'DataAccessAuditLogs', { project: env.gcp.project, services: ['storage.googleapis.com'] });
  }
  return stack;
}
