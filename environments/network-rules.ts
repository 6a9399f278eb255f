/**
 * Checks of an environment's regions and subnet ranges that zod's shape check cannot make: a
 * region Google actually has, a subnet range that is a real IPv4 CIDR of a usable size in private
 * address space, and no two subnets of the one VPC overlapping. Terraform would accept any of
 * these mistakes and fail only at apply (or, for `0.0.0.0/0`, succeed in a way nobody wants).
 */
import { editDistance } from '../slos/edit-distance';
import { GCP_REGIONS } from './gcp-regions';

/**
 * Prefix lengths a region subnet may have. Google's smallest IPv4 subnet primary range is a /29
 * (https://cloud.google.com/vpc/docs/subnets#valid-ranges); the largest allowed here is a /8, the
 * largest private block.
 */
export const SUBNET_PREFIX = { min: 8, max: 29 } as const;

/**
 * Private address space a subnet may come from: the RFC 1918 blocks and the RFC 6598 shared
 * space, all valid Google subnet ranges. Public ranges (and `0.0.0.0/0`) are refused.
 */
export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'] as const;

/** An IPv4 CIDR range as numbers: first address and prefix length. */
export interface Cidr {
  readonly network: number;
  readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; a string saying what is wrong when it is not a valid IPv4 CIDR. */
export function parseCidr(text: string): Cidr | string {
  const m = CIDR_RE.exec(text);
  if (!m) return 'is not an ipv4 cidr range a.b.c.d/n';
  const octets = m.slice(1, 5).map(Number);
  const bad = octets.find((o) => o > 255);
  if (bad !== undefined) return `has the octet ${bad}; allowed: 0 to 255`;
  const prefix = Number(m[5]);
  if (prefix > 32) return `has the prefix length /${prefix}; allowed: /0 to /32`;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const network = prefix === 0 ? 0 : address - (address % 2 ** (32 - prefix));
  if (network !== address) return `has host bits set; did you mean ${formatCidr({ network, prefix })}?`;
  return { network, prefix };
}

/** `a.b.c.d/n` of a range. */
export function formatCidr(c: Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(c.network / 2 ** shift) % 256);
  return `${octets.join('.')}/${c.prefix}`;
}

/** True when `inner` lies entirely within `outer`. */
function within(inner: Cidr, outer: Cidr): boolean {
  return (
    inner.prefix >= outer.prefix &&
    Math.floor(inner.network / 2 ** (32 - outer.prefix)) === Math.floor(outer.network / 2 ** (32 - outer.prefix))
  );
}

/** True when two ranges share an address (for CIDR ranges: one contains the other). */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return within(a, b) || within(b, a);
}

/** Why `text` is not a usable subnet range, or undefined when it is. */
export function subnetProblem(text: string): string | undefined {
  const c = parseCidr(text);
  if (typeof c === 'string') return c;
  const ranges = PRIVATE_RANGES.map((r) => parseCidr(r) as Cidr);
  if (!ranges.some((r) => within(c, r))) return `is not in private address space; allowed: within ${PRIVATE_RANGES.join(', ')}`;
  if (c.prefix < SUBNET_PREFIX.min || c.prefix > SUBNET_PREFIX.max)
    return `has the prefix length /${c.prefix}; allowed: /${SUBNET_PREFIX.min} to /${SUBNET_PREFIX.max} for a google cloud subnet`;
  return undefined;
}

/** Why `name` is not a Google Cloud region, with the nearest known name, or undefined when it is one. */
export function regionProblem(name: string): string | undefined {
  if ((GCP_REGIONS as readonly string[]).includes(name)) return undefined;
  const nearest = [...GCP_REGIONS].sort((a, b) => editDistance(name, a) - editDistance(name, b))[0]!;
  return `is not a google cloud region (did you mean "${nearest}"?); allowed: one of the regions in environments/gcp-regions.ts`;
}
