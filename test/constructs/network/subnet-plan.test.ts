import { cidrsOverlap, parseCidr, type Ipv4Cidr } from '../../../constructs/core/cidr';
import { availabilityZoneNames, planSubnets } from '../../../constructs/network';

describe('planSubnets', () => {
  it.each([16, 18, 20])('never overlaps and stays inside a /%i VPC for 2 to 6 AZs', (prefix) => {
    const vpc = parseCidr(`10.0.0.0/${prefix}`) as Ipv4Cidr;
    for (let azs = 2; azs <= 6; azs++) {
      const plan = planSubnets(`10.0.0.0/${prefix}`, azs);
      const all = [...plan.public, ...plan.private, ...plan.database].map((c) => parseCidr(c) as Ipv4Cidr);
      expect(all).toHaveLength(azs * 3);
      all.forEach((a, i) => {
        expect(cidrsOverlap(a, vpc) && a.prefix > vpc.prefix).toBe(true);
        all.slice(i + 1).forEach((b) => expect(cidrsOverlap(a, b)).toBe(false));
      });
    }
  });

  it('keeps existing subnets where they are when an AZ is added', () => {
    const two = planSubnets('10.10.0.0/16', 2);
    const three = planSubnets('10.10.0.0/16', 3);
    expect(three.private.slice(0, 2)).toEqual(two.private);
    expect(three.public.slice(0, 2)).toEqual(two.public);
    expect(three.database.slice(0, 2)).toEqual(two.database);
  });

  it('fails when the AZ count cannot fit', () => {
    expect(() => planSubnets('10.0.0.0/16', 7)).toThrow('network.azCount: (7) must be an integer from 1 to 6');
  });

  it('names AZs after the region', () => {
    expect(availabilityZoneNames('eu-west-1', 3)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });
});
