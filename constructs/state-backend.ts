/**
 * Where a stack keeps its Terraform state: a GCS bucket when the environment names one (one object
 * prefix per stack, so stacks never share a state file and cross-stack references read the
 * producer's prefix), the local backend otherwise.
 */
import type { EnvironmentConfig } from '../environments/schema';
import { GcsBackend, LocalBackend, type TerraformStack } from './framework';

/**
 * The state object prefix of one stack: `<statePrefix>/<stack>`. Terraform stores the default
 * workspace at `<prefix>/default.tfstate`.
 */
export function statePrefix(env: EnvironmentConfig, stackName: string): string {
  return `${env.gcp.statePrefix}/${stackName}`;
}

/**
 * Adds the state backend of `stack` (named `stackName`, its construct id) for `env`.
 *
 * The local state file sits in the project root, addressed relative to the directory Terraform
 * runs in (`cdktf.out/stacks/<stack>`): a relative path keeps the synthesized JSON identical on
 * every machine, and the project root survives re-synthesis, which rewrites `cdktf.out`.
 */
export function addStateBackend(stack: TerraformStack, env: EnvironmentConfig, stackName: string): GcsBackend | LocalBackend {
  if (env.gcp.stateBucket) {
    return new GcsBackend(stack, { bucket: env.gcp.stateBucket, prefix: statePrefix(env, stackName) });
  }
  return new LocalBackend(stack, { path: localStatePath(stackName) });
}

/**
 * The local state file of a stack, relative to the directory Terraform runs in
 * (`cdktf.out/stacks/<stack>`): `terraform.<stack>.tfstate` in the project root.
 */
export function localStatePath(stackName: string): string {
  return `../../../terraform.${stackName}.tfstate`;
}
