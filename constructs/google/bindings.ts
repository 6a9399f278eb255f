/**
 * The one local re-export module of the Google provider classes the infrastructure constructs use.
 * Each class comes from its deep path: importing the package root loads every binding of the
 * provider (seconds and hundreds of MB), while one deep path loads one resource.
 */
export { GoogleProvider } from '@cdktf/provider-google/lib/provider';
export { ProjectService } from '@cdktf/provider-google/lib/project-service';
export { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
export { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
export { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
export { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
export { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
export type { SqlDatabaseInstanceSettingsDatabaseFlags } from '@cdktf/provider-google/lib/sql-database-instance';
export { RedisInstance } from '@cdktf/provider-google/lib/redis-instance';
export { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
export type { CloudRunV2ServiceTemplateContainersEnv } from '@cdktf/provider-google/lib/cloud-run-v2-service';
export { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
export { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
export { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
export { ComputeRegionNetworkEndpointGroup } from '@cdktf/provider-google/lib/compute-region-network-endpoint-group';
export { ComputeBackendService } from '@cdktf/provider-google/lib/compute-backend-service';
export type { ComputeBackendServiceOutlierDetection } from '@cdktf/provider-google/lib/compute-backend-service';
export { ComputeUrlMap } from '@cdktf/provider-google/lib/compute-url-map';
export { ComputeManagedSslCertificate } from '@cdktf/provider-google/lib/compute-managed-ssl-certificate';
export { ComputeSslPolicy } from '@cdktf/provider-google/lib/compute-ssl-policy';
export { ComputeTargetHttpsProxy } from '@cdktf/provider-google/lib/compute-target-https-proxy';
export { ComputeTargetHttpProxy } from '@cdktf/provider-google/lib/compute-target-http-proxy';
export { ComputeGlobalForwardingRule } from '@cdktf/provider-google/lib/compute-global-forwarding-rule';
export { ComputeSecurityPolicy } from '@cdktf/provider-google/lib/compute-security-policy';
export type { ComputeSecurityPolicyRule } from '@cdktf/provider-google/lib/compute-security-policy';
export { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
export { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
export { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
export { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
export { IapWebBackendServiceIamMember } from '@cdktf/provider-google/lib/iap-web-backend-service-iam-member';
export { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';
export { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
export { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
export { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
export { SqlUser } from '@cdktf/provider-google/lib/sql-user';
export { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
export { CloudRunV2Job } from '@cdktf/provider-google/lib/cloud-run-v2-job';
export { CloudRunV2JobIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-job-iam-member';
export { CloudSchedulerJob } from '@cdktf/provider-google/lib/cloud-scheduler-job';
