import { cidrSubnet, formatCidr, parseCidr } from '../core/cidr';

export interface SubnetPlan {
  readonly public: string[];
  readonly private: string[];
  readonly database: string[];
}

/** Most AZs a plan can hold: six private blocks plus one block each for the public and database tiers. */
export const MAX_AZS = 6;

/**
 * Splits a VPC CIDR into per-AZ subnets that never overlap and never move when AZs are added:
 * the VPC is cut into eighths; the private tier (EKS pods take one IP each with the VPC CNI) gets
 * one eighth per AZ (slots 0-5); slot 6 is cut into eight public subnets, slot 7 into eight
 * database subnets. A /16 gives /19 private and /22 public and database subnets.
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
  };
}

/** AZ names for a region: `eu-west-1a`, `eu-west-1b`, ... Explicit names keep subnets stable across plans. */
export function availabilityZoneNames(region: string, azCount: number): string[] {
  return [...'abcdef'].slice(0, azCount).map((letter) => `${region}${letter}`);
}
