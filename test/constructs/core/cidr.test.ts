import { cidrSubnet, cidrsOverlap, formatCidr, isPrivateRange, parseCidr, type Ipv4Cidr } from '../../../constructs/core/cidr';

const cidr = (text: string) => parseCidr(text) as Ipv4Cidr;

describe('parseCidr', () => {
  it('parses a canonical CIDR', () => {
    expect(cidr('10.20.0.0/16')).toEqual({ network: (10 << 24) | (20 << 16), prefix: 16 });
    expect(formatCidr(cidr('192.168.4.0/22'))).toBe('192.168.4.0/22');
  });

  it.each([
    ['10.0.0/16', 'is not an IPv4 CIDR'],
    ['10.0.0.0', 'is not an IPv4 CIDR'],
    ['10.0.0.256/16', 'octet greater than 255'],
    ['10.0.0.0/33', 'prefix length greater than 32'],
    ['10.0.1.0/16', 'host bits set; the network address is 10.0.0.0/16'],
  ])('rejects %s', (text, reason) => {
    expect(parseCidr(text)).toContain(reason);
  });
});

describe('cidr arithmetic', () => {
  it('detects overlap in both directions and adjacency as no overlap', () => {
    expect(cidrsOverlap(cidr('10.0.0.0/16'), cidr('10.0.128.0/17'))).toBe(true);
    expect(cidrsOverlap(cidr('10.0.128.0/17'), cidr('10.0.0.0/16'))).toBe(true);
    expect(cidrsOverlap(cidr('10.0.0.0/16'), cidr('10.1.0.0/16'))).toBe(false);
  });

  it('computes subnets like Terraform cidrsubnet', () => {
    expect(formatCidr(cidrSubnet(cidr('10.0.0.0/16'), 3, 0))).toBe('10.0.0.0/19');
    expect(formatCidr(cidrSubnet(cidr('10.0.0.0/16'), 3, 7))).toBe('10.0.224.0/19');
    expect(formatCidr(cidrSubnet(cidr('10.0.192.0/19'), 3, 5))).toBe('10.0.212.0/22');
    expect(() => cidrSubnet(cidr('10.0.0.0/16'), 3, 8)).toThrow(/does not fit in 3 bits/);
  });

  it('knows private ranges', () => {
    expect(isPrivateRange(cidr('10.10.0.0/16'))).toBe(true);
    expect(isPrivateRange(cidr('172.31.0.0/16'))).toBe(true);
    expect(isPrivateRange(cidr('8.8.0.0/16'))).toBe(false);
  });
});
