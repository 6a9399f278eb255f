/**
 * The environment's VPC: custom-mode, one subnet per region, and private services access (the
 * peering Cloud SQL and Memorystore take their private addresses from). Cloud Run reaches it by
 * direct VPC egress: its instances take addresses from the regional subnet, so no connector.
 */
import { Construct, type ITerraformDependable } from '../framework';
import { ComputeGlobalAddress, ComputeNetwork, ComputeSubnetwork, ServiceNetworkingConnection } from './bindings';

/** One regional subnet of {@link PlatformNetwork}. */
export interface PlatformSubnetProps {
  /**
   * Google Cloud region.
   */
  readonly region: string;
  /**
   * Subnet name.
   */
  readonly name: string;
  /**
   * Primary IPv4 range. Direct VPC egress takes Cloud Run instance addresses from it, so size it
   * for about twice the maximum instances of the region.
   */
  readonly cidr: string;
}

/** Properties of {@link PlatformNetwork}. */
export interface PlatformNetworkProps {
  /**
   * VPC name.
   */
  readonly name: string;
  /**
   * Subnets, one per region.
   */
  readonly subnets: readonly PlatformSubnetProps[];
  /**
   * Name of the global address range reserved for private services access.
   */
  readonly privateServicesRangeName: string;
  /**
   * Prefix length of that range.
   *
   * @default 16 - a /16, room for Cloud SQL and Memorystore in every region
   */
  readonly privateServicesPrefixLength?: number;
  /**
   * Resources the network waits for (the enabled APIs).
   *
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Flow-log settings of every subnet (checkov CKV_GCP_26): 5-second aggregation, half the flows
 * sampled, all metadata, enough to investigate traffic without logging every packet.
 */
export const SUBNET_FLOW_LOGS = { aggregationInterval: 'INTERVAL_5_SEC', flowSampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' } as const;

/** VPC, regional subnets and the private services access connection. */
export class PlatformNetwork extends Construct {
  /** The VPC. */
  readonly resource: ComputeNetwork;
  /** Subnets by region. */
  readonly subnets: ReadonlyMap<string, ComputeSubnetwork>;
  /** The reserved private services range. */
  readonly privateServicesRange: ComputeGlobalAddress;
  /** The servicenetworking peering; Cloud SQL and Memorystore must be created after it. */
  readonly privateServicesConnection: ServiceNetworkingConnection;

  constructor(scope: Construct, id: string, props: PlatformNetworkProps) {
    super(scope, id);
    const regions = props.subnets.map((s) => s.region);
    if (new Set(regions).size !== regions.length)
      throw new Error(`platform network ${props.name}: a region has two subnets (${regions.join(', ')})`);
    this.resource = new ComputeNetwork(this, 'Resource', {
      name: props.name,
      autoCreateSubnetworks: false,
      // Global routing lets every region reach the private services range through one peering.
      routingMode: 'GLOBAL',
      dependsOn: props.dependsOn,
    });
    this.subnets = new Map(
      props.subnets.map((s) => [
        s.region,
        new ComputeSubnetwork(this, `Subnet-${s.region}`, {
          name: s.name,
          region: s.region,
          network: this.resource.id,
          ipCidrRange: s.cidr,
          privateIpGoogleAccess: true,
          privateIpv6GoogleAccess: 'ENABLE_OUTBOUND_VM_ACCESS_TO_GOOGLE',
          logConfig: { ...SUBNET_FLOW_LOGS },
        }),
      ]),
    );
    this.privateServicesRange = new ComputeGlobalAddress(this, 'PrivateServicesRange', {
      name: props.privateServicesRangeName,
      purpose: 'VPC_PEERING',
      addressType: 'INTERNAL',
      prefixLength: props.privateServicesPrefixLength ?? 16,
      network: this.resource.id,
    });
    this.privateServicesConnection = new ServiceNetworkingConnection(this, 'PrivateServicesConnection', {
      network: this.resource.id,
      service: 'servicenetworking.googleapis.com',
      reservedPeeringRanges: [this.privateServicesRange.name],
      // Removing the peering while Cloud SQL or Memorystore still use it fails; abandon it instead.
      deletionPolicy: 'ABANDON',
    });
  }
}
