import { cidrSubnet, formatCidr, parseCidr } from '../core/cidr';

export interface SubnetPlan {
  readonly public: string[];
  readonly private: string[];
  readonly database: string[];
  /**
   * Subnets that hold only load balancers (internal ALBs): nothing else gets an address there, so a
   * NetworkPolicy admitting their ranges admits the load balancer and no pod.
   */
  readonly loadBalancer: string[];
}

/** Most AZs a plan can hold: six private blocks plus one block each for the public and database tiers. */
export const MAX_AZS = 6;

/**
 * Splits a VPC CIDR into per-AZ subnets that never overlap and never move when AZs are added:
 * the VPC is cut into eighths; the private tier (EKS pods take one IP each with the VPC CNI) gets
 * one eighth per AZ (slots 0-5); slot 6 is cut into eight public subnets, slot 7 into eight
 * database subnets. A /16 gives /19 private and /22 public and database subnets.
 * Load-balancer subnets take the three blocks those tiers leave free (public 6 and 7, database 6),
 * halved: up to six, a /23 of a /16 and a /27 of a /20 (an ALB needs a /27 with 8 free addresses).
 */
export function planSubnets(vpcCidr: string, azCount: number): SubnetPlan {
  const vpc = parseCidr(vpcCidr);
  if (typeof vpc === 'string') throw new Error(`network.cidr: ${vpc}`);
  if (!Number.isInteger(azCount) || azCount < 1 || azCount > MAX_AZS) {
    throw new Error(`network.azCount: (${azCount}) must be an integer from 1 to ${MAX_AZS}`);
  }
  if (vpc.prefix > 26) throw new Error(`network.cidr: "${vpcCidr}" is too small to split into subnets (use /26 or larger)`);
  const publicBlock = cidrSubnet(vpc, 3, 6);
  const databaseBlock = cidrSubnet(vpc, 3, 7);
  const azs = [...Array(azCount).keys()];
  return {
    private: azs.map((i) => formatCidr(cidrSubnet(vpc, 3, i))),
    public: azs.map((i) => formatCidr(cidrSubnet(publicBlock, 3, i))),
    database: azs.map((i) => formatCidr(cidrSubnet(databaseBlock, 3, i))),
    loadBalancer: azs.map((i) => {
      const spare = [cidrSubnet(publicBlock, 3, 6), cidrSubnet(publicBlock, 3, 7), cidrSubnet(databaseBlock, 3, 6)][i >> 1];
      return formatCidr(cidrSubnet(spare, 1, i & 1));
    }),
  };
}

/** AZ names for a region: `eu-west-1a`, `eu-west-1b`, ... Explicit names keep subnets stable across plans. */
export function availabilityZoneNames(region: string, azCount: number): string[] {
  return [...'abcdef'].slice(0, azCount).map((letter) => `${region}${letter}`);
}
