/**
 * The one place that imports the CDK for Terraform framework. Upstream cdktf is archived; its
 * community fork (cdktn) should be a swap of this file only. Provider classes are imported by
 * deep path in the binding modules next to the constructs that use them.
 */
export { App, Fn, GcsBackend, LocalBackend, TerraformOutput, TerraformStack, Testing, Token, Annotations } from 'cdktf';
export type { TerraformResource, ITerraformDependable } from 'cdktf';
export { Construct } from 'constructs';
