/**
 * Unit prices for the cost estimate: USD, on-demand, Linux, shared tenancy, excluding tax.
 *
 * How these figures were made: transcribed on PRICES_AS_OF from the AWS pricing pages listed in
 * PRICE_SOURCES and cross-checked against published copies of the AWS Price List; the build machine has
 * no network, so nothing here was fetched live. Refresh the whole table at once (the Price List API,
 * `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<service>/current/<region>/index.json`, is
 * the authority) and move PRICES_AS_OF with it. A type or class missing from a table is an error in
 * the estimate, never zero: add the row here.
 *
 * Usage (how many GB, how many LCUs, the spot discount) is not a price: it lives in `assumptions.ts`.
 */

export const PRICES_AS_OF = '2026-11-24';

/** AWS bills hourly resources on 730 hours a month in its calculator; so do we. */
export const HOURS_PER_MONTH = 730;

/** Where each group of prices comes from (the pages to re-read at the next refresh). */
export const PRICE_SOURCES = {
  ec2: 'https://aws.amazon.com/ec2/pricing/on-demand/',
  spot: 'https://aws.amazon.com/ec2/spot/pricing/',
  eks: 'https://aws.amazon.com/eks/pricing/',
  eksVersions: 'https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html',
  ebs: 'https://aws.amazon.com/ebs/pricing/',
  vpc: 'https://aws.amazon.com/vpc/pricing/',
  privateLink: 'https://aws.amazon.com/privatelink/pricing/',
  rds: 'https://aws.amazon.com/rds/postgresql/pricing/',
  cloudwatch: 'https://aws.amazon.com/cloudwatch/pricing/',
  kms: 'https://aws.amazon.com/kms/pricing/',
  s3: 'https://aws.amazon.com/s3/pricing/',
  sns: 'https://aws.amazon.com/sns/pricing/',
  elb: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
  ecr: 'https://aws.amazon.com/ecr/pricing/',
  secretsManager: 'https://aws.amazon.com/secrets-manager/pricing/',
  priceListApi: 'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/index.json',
} as const;

export interface DbInstanceClassPrice {
  /** On-demand, Single-AZ, per instance-hour (Multi-AZ: two instances). */
  readonly hourly: number;
  /** vCPUs, for Database Insights (Performance Insights beyond the free 7 days) billed per vCPU-hour. */
  readonly vcpu: number;
}

export interface RegionPrices {
  /** EC2 on-demand Linux, per instance-hour. */
  readonly ec2Hourly: Readonly<Record<string, number>>;
  /** RDS for PostgreSQL, by DB instance class. */
  readonly rdsPostgres: Readonly<Record<string, DbInstanceClassPrice>>;
  /** EBS, per GB-month by volume type. */
  readonly ebsGbMonth: Readonly<Record<string, number>>;
  /** gp3 IOPS above the free 3,000, per IOPS-month. */
  readonly ebsGp3IopsMonth: number;
  /** gp3 throughput above the free 125 MiB/s, per MiB/s-month. */
  readonly ebsGp3ThroughputMonth: number;
  /** EKS control plane per cluster-hour. */
  readonly eksClusterHourly: { readonly standard: number; readonly extended: number };
  readonly natGatewayHourly: number;
  readonly natGatewayPerGb: number;
  /** Every public IPv4 address, in use or idle, per hour. */
  readonly publicIpv4Hourly: number;
  /** Interface (PrivateLink) endpoint, per endpoint per AZ-hour. */
  readonly interfaceEndpointAzHourly: number;
  /** RDS storage per GB-month (Single-AZ; Multi-AZ stores it twice). */
  readonly rdsStorageGbMonth: Readonly<Record<string, number>>;
  /** RDS backup storage beyond the free 100% of provisioned storage, per GB-month. */
  readonly rdsBackupGbMonth: number;
  /** CloudWatch Database Insights (Advanced), which is what Performance Insights beyond 7 days costs, per vCPU-hour. */
  readonly databaseInsightsVcpuHourly: number;
  readonly kmsKeyMonthly: number;
  /** CloudWatch Logs ingestion per GB, by log group class. */
  readonly logsIngestPerGb: { readonly STANDARD: number; readonly INFREQUENT_ACCESS: number };
  /** CloudWatch metric alarm per alarm metric-month. */
  readonly alarmMonthly: { readonly standard: number; readonly highResolution: number; readonly composite: number };
  /** S3 Standard, first 50 TB, per GB-month. */
  readonly s3StandardGbMonth: number;
  /** ECR storage per GB-month. */
  readonly ecrGbMonth: number;
  readonly secretMonthly: number;
  /** Load balancers: hourly plus per (N)LCU-hour. */
  readonly alb: { readonly hourly: number; readonly lcuHourly: number };
  readonly nlb: { readonly hourly: number; readonly lcuHourly: number };
}

/** Prices that are the same in every commercial region. */
const GLOBAL = {
  eksClusterHourly: { standard: 0.1, extended: 0.6 },
  publicIpv4Hourly: 0.005,
  rdsBackupGbMonth: 0.095,
  kmsKeyMonthly: 1.0,
  alarmMonthly: { standard: 0.1, highResolution: 0.3, composite: 0.5 },
  ecrGbMonth: 0.1,
  secretMonthly: 0.4,
} as const;

export const PRICES: Readonly<Record<string, RegionPrices>> = {
  'eu-west-1': {
    ...GLOBAL,
    ec2Hourly: {
      't3.nano': 0.0057, 't3.micro': 0.0114, 't3.small': 0.0228, 't3.medium': 0.0456, 't3.large': 0.0912, 't3.xlarge': 0.1824,
      't4g.nano': 0.0046, 't4g.micro': 0.0092, 't4g.small': 0.0184, 't4g.medium': 0.0368, 't4g.large': 0.0736,
      't4g.xlarge': 0.1472, 't4g.2xlarge': 0.2944,
      'm6g.large': 0.086, 'm6g.xlarge': 0.172, 'm6g.2xlarge': 0.344, 'm6g.4xlarge': 0.688,
      'm7g.medium': 0.0455, 'm7g.large': 0.091, 'm7g.xlarge': 0.1819, 'm7g.2xlarge': 0.3638, 'm7g.4xlarge': 0.7276,
      'm7i.large': 0.11235, 'm7i.xlarge': 0.2247, 'm7i.2xlarge': 0.4494, 'm7i.4xlarge': 0.8988,
      'c7g.medium': 0.0388, 'c7g.large': 0.0775, 'c7g.xlarge': 0.155, 'c7g.2xlarge': 0.3101, 'c7g.4xlarge': 0.6202,
      'r7g.medium': 0.0599, 'r7g.large': 0.1199, 'r7g.xlarge': 0.2397, 'r7g.2xlarge': 0.4794, 'r7g.4xlarge': 0.9588,
    },
    rdsPostgres: {
      'db.t4g.micro': { hourly: 0.018, vcpu: 2 },
      'db.t4g.small': { hourly: 0.036, vcpu: 2 },
      'db.t4g.medium': { hourly: 0.072, vcpu: 2 },
      'db.t4g.large': { hourly: 0.144, vcpu: 2 },
      'db.m7g.large': { hourly: 0.186, vcpu: 2 },
      'db.m7g.xlarge': { hourly: 0.372, vcpu: 4 },
      'db.r7g.large': { hourly: 0.278, vcpu: 2 },
      'db.r7g.xlarge': { hourly: 0.556, vcpu: 4 },
      'db.r7g.2xlarge': { hourly: 1.112, vcpu: 8 },
    },
    ebsGbMonth: { gp3: 0.088, gp2: 0.11 },
    ebsGp3IopsMonth: 0.0055,
    ebsGp3ThroughputMonth: 0.044,
    natGatewayHourly: 0.048,
    natGatewayPerGb: 0.048,
    interfaceEndpointAzHourly: 0.011,
    rdsStorageGbMonth: { gp3: 0.127, gp2: 0.127 },
    databaseInsightsVcpuHourly: 0.0125,
    logsIngestPerGb: { STANDARD: 0.57, INFREQUENT_ACCESS: 0.285 },
    s3StandardGbMonth: 0.023,
    alb: { hourly: 0.0252, lcuHourly: 0.008 },
    nlb: { hourly: 0.0252, lcuHourly: 0.006 },
  },
  'us-east-1': {
    ...GLOBAL,
    ec2Hourly: {
      't3.nano': 0.0052, 't3.micro': 0.0104, 't3.small': 0.0208, 't3.medium': 0.0416, 't3.large': 0.0832, 't3.xlarge': 0.1664,
      't4g.nano': 0.0042, 't4g.micro': 0.0084, 't4g.small': 0.0168, 't4g.medium': 0.0336, 't4g.large': 0.0672,
      't4g.xlarge': 0.1344, 't4g.2xlarge': 0.2688,
      'm6g.large': 0.077, 'm6g.xlarge': 0.154, 'm6g.2xlarge': 0.308, 'm6g.4xlarge': 0.616,
      'm7g.medium': 0.0408, 'm7g.large': 0.0816, 'm7g.xlarge': 0.1632, 'm7g.2xlarge': 0.3264, 'm7g.4xlarge': 0.6528,
      'm7i.large': 0.1008, 'm7i.xlarge': 0.2016, 'm7i.2xlarge': 0.4032, 'm7i.4xlarge': 0.8064,
      'c6g.large': 0.068, 'c6g.xlarge': 0.136, 'c6g.2xlarge': 0.272, 'c6g.4xlarge': 0.544,
      'c7g.medium': 0.0363, 'c7g.large': 0.0725, 'c7g.xlarge': 0.145, 'c7g.2xlarge': 0.29, 'c7g.4xlarge': 0.58,
      'r7g.medium': 0.0536, 'r7g.large': 0.1071, 'r7g.xlarge': 0.2142, 'r7g.2xlarge': 0.4284, 'r7g.4xlarge': 0.8568,
    },
    rdsPostgres: {
      'db.t4g.micro': { hourly: 0.016, vcpu: 2 },
      'db.t4g.small': { hourly: 0.032, vcpu: 2 },
      'db.t4g.medium': { hourly: 0.065, vcpu: 2 },
      'db.t4g.large': { hourly: 0.129, vcpu: 2 },
      'db.m7g.large': { hourly: 0.168, vcpu: 2 },
      'db.m7g.xlarge': { hourly: 0.337, vcpu: 4 },
      'db.r7g.large': { hourly: 0.25, vcpu: 2 },
      'db.r7g.xlarge': { hourly: 0.5, vcpu: 4 },
      'db.r7g.2xlarge': { hourly: 1.0, vcpu: 8 },
    },
    ebsGbMonth: { gp3: 0.08, gp2: 0.1 },
    ebsGp3IopsMonth: 0.005,
    ebsGp3ThroughputMonth: 0.04,
    natGatewayHourly: 0.045,
    natGatewayPerGb: 0.045,
    interfaceEndpointAzHourly: 0.01,
    rdsStorageGbMonth: { gp3: 0.115, gp2: 0.115 },
    databaseInsightsVcpuHourly: 0.0125,
    logsIngestPerGb: { STANDARD: 0.5, INFREQUENT_ACCESS: 0.25 },
    s3StandardGbMonth: 0.023,
    alb: { hourly: 0.0225, lcuHourly: 0.008 },
    nlb: { hourly: 0.0225, lcuHourly: 0.006 },
  },
};

/**
 * End of standard support per EKS Kubernetes minor version (EKS version calendar). After it a cluster
 * whose upgrade policy allows extended support bills the extended rate (6x). A version newer than
 * every entry is taken as in standard support (it was released after this table); one older than
 * every entry as in extended support.
 */
export const EKS_END_OF_STANDARD_SUPPORT: Readonly<Record<string, string>> = {
  '1.28': '2024-11-26',
  '1.29': '2025-03-23',
  '1.30': '2025-07-23',
  '1.31': '2025-11-26',
  '1.32': '2026-03-23',
  '1.33': '2026-07-29',
  '1.34': '2026-12-02',
  '1.35': '2027-03-27',
};

/** The prices for `region`, or an error naming the regions that have a table. */
export function pricesFor(region: string): RegionPrices | string {
  return PRICES[region] ?? `no price table for region "${region}" (tables: ${Object.keys(PRICES).join(', ')}); add it to tools/cost/prices.ts`;
}
