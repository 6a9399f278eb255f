/**
 * Region names and subnet ranges of an environment: real Google Cloud regions (with a "did you
 * mean"), valid private IPv4 CIDRs of a subnet's size, and overlap between ranges.
 */
import { GCP_REGIONS } from '../../environments/gcp-regions';
import { overlaps, parseCidr, regionProblem, subnetProblem, type Cidr } from '../../environments/network-rules';

describe('subnet ranges', () => {
  test.each([
    ['10.10.0.0/20', undefined],
    ['172.16.0.0/12', undefined],
    ['192.168.4.0/29', undefined],
    ['100.64.0.0/16', undefined],
    ['999.10.0.1/33', 'has the octet 999; allowed: 0 to 255'],
    ['10.0.0.0/33', 'has the prefix length /33; allowed: /0 to /32'],
    ['0.0.0.0/0', 'is not in private address space; allowed: within 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10'],
    ['8.8.8.0/24', 'is not in private address space; allowed: within 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10'],
    ['10.0.0.0/30', 'has the prefix length /30; allowed: /8 to /29 for a google cloud subnet'],
    ['10.10.0.1/20', 'has host bits set; did you mean 10.10.0.0/20?'],
    ['10.10.0.0', 'is not an ipv4 cidr range a.b.c.d/n'],
  ])('%s: %s', (cidr, expected) => {
    expect(subnetProblem(cidr)).toBe(expected);
  });

  test.each([
    ['10.20.0.0/20', '10.20.4.0/24', true],
    ['10.20.4.0/24', '10.20.0.0/20', true],
    ['10.20.0.0/20', '10.20.16.0/20', false],
    ['10.0.0.0/8', '192.168.0.0/16', false],
  ])('%s and %s overlap: %p', (a, b, expected) => {
    expect(overlaps(parseCidr(a) as Cidr, parseCidr(b) as Cidr)).toBe(expected);
  });
});

describe('regions', () => {
  test('accepts every listed region', () => {
    expect(GCP_REGIONS.filter((r) => regionProblem(r) !== undefined)).toEqual([]);
  });

  test.each([
    ['europe-wset1', 'europe-west1'],
    ['us-central', 'us-central1'],
    ['asia-northeast9', 'asia-northeast1'],
  ])('rejects %s and suggests %s', (name, nearest) => {
    expect(regionProblem(name)).toBe(
      `is not a google cloud region (did you mean "${nearest}"?); allowed: one of the regions in environments/gcp-regions.ts`,
    );
  });
});
