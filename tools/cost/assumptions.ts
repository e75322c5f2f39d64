/**
 * Every usage assumption of the cost estimate, in one place. Prices are facts from AWS (`prices.ts`);
 * these are our guesses about how much we use, so each says why it has the value it has. Per-environment
 * values are keyed by environment name with a `default` for any other (generated or new) environment.
 * The estimate prints the ones it used, so a reviewer sees what a number rests on.
 */

export type PerEnvironment<T> = Readonly<Record<string, T>> & { readonly default: T };

/** Log group kinds, told apart by the log group's name. */
export type LogGroupKind = 'vpcFlowLogs' | 'eksControlPlane' | 'containers' | 'rds' | 'other';

/** Bucket purposes, told apart by a `purpose` tag or else by words in the bucket's name. */
export type BucketPurpose = 'terraformState' | 'rawData' | 'processedData' | 'modelArtifacts' | 'logs' | 'other';

export interface UsageAssumptions {
  /** Fraction of the on-demand price saved by spot capacity. */
  readonly spotDiscount: number;
  /** GB a month through the environment's NAT gateways (split evenly over them). */
  readonly natGbProcessedPerMonth: PerEnvironment<number>;
  /** GB ingested a month into one log group of each kind. */
  readonly logGbIngestedPerMonth: Readonly<Record<LogGroupKind, number>>;
  /** GB stored (S3 Standard) in one bucket of each purpose, steady state. */
  readonly s3GbStored: Readonly<Record<BucketPurpose, number>>;
  /** Metrics a Metrics Insights alarm query analyses (one per load balancer or target group it spans). */
  readonly metricsInsightsMetricsPerQuery: number;
  /** GB of images stored in one ECR repository. */
  readonly ecrGbPerRepository: number;
  /** Fraction of the database that changes a day, which sizes incremental RDS snapshots. */
  readonly rdsBackupDailyChangeFraction: number;
  /** Load balancers per environment when `dist/k8s/<env>` is absent (nothing to count). */
  readonly defaultLoadBalancers: { readonly alb: number; readonly nlb: number };
  /** Average (N)LCUs a load balancer uses, per environment. */
  readonly lcuPerLoadBalancer: PerEnvironment<number>;
  /** Public IPv4 addresses of an internet-facing load balancer when its AZ count is unknown. */
  readonly defaultLoadBalancerAzs: number;
  /** EC2's default root volume when an instance sets no `root_block_device` (Amazon Linux AMIs). */
  readonly defaultRootVolume: { readonly sizeGiB: number; readonly type: string };
  /** EKS's defaults for a managed node group without a launch template disk or instance type. */
  readonly eksNodeGroupDefaults: { readonly diskSizeGiB: number; readonly volumeType: string; readonly instanceType: string };
}

export const DEFAULT_ASSUMPTIONS: UsageAssumptions = {
  // Graviton spot in eu-west-1 has run 55-70% below on-demand (Spot Instance Advisor); 60% keeps a margin.
  spotDiscount: 0.6,
  // Image pulls go through the ECR/S3 endpoints, so NAT carries package mirrors, webhooks and external APIs.
  natGbProcessedPerMonth: { dev: 50, staging: 150, prod: 500, default: 100 },
  logGbIngestedPerMonth: {
    vpcFlowLogs: 20, // ALL traffic at 60 s aggregation for a small cluster's VPC
    eksControlPlane: 10, // api, audit and authenticator logs; audit dominates
    containers: 30, // Fluent Bit application logs
    rds: 2, // PostgreSQL logs with default statement logging off
    other: 1,
  },
  s3GbStored: {
    terraformState: 1,
    rawData: 500,
    processedData: 200,
    modelArtifacts: 100,
    logs: 50, // access logs, expired by lifecycle
    other: 10,
  },
  // The queries span the environment's load balancers: one ALB (and its target group) until workloads grow.
  metricsInsightsMetricsPerQuery: 2,
  // A handful of tagged images of a few hundred MB each after the lifecycle policy expires the rest.
  ecrGbPerRepository: 5,
  // MLflow/Airflow metadata changes slowly; 5% a day is generous for them.
  rdsBackupDailyChangeFraction: 0.05,
  // One internet-facing ALB per environment for the model-serving API and MLflow until manifests exist.
  defaultLoadBalancers: { alb: 1, nlb: 0 },
  lcuPerLoadBalancer: { prod: 2, default: 1 },
  defaultLoadBalancerAzs: 2,
  defaultRootVolume: { sizeGiB: 8, type: 'gp3' },
  // EKS API defaults (CreateNodegroup): 20 GiB disk, t3.medium; the volume type is our assumption.
  eksNodeGroupDefaults: { diskSizeGiB: 20, volumeType: 'gp3', instanceType: 't3.medium' },
};

export function forEnvironment<T>(values: PerEnvironment<T>, environment: string): T {
  return Object.prototype.hasOwnProperty.call(values, environment) ? values[environment] : values.default;
}

/** What the estimate assumed, one line each, for the report. */
export function describeAssumptions(a: UsageAssumptions): string[] {
  const perEnv = (v: PerEnvironment<number>, unit: string) =>
    Object.entries(v)
      .map(([k, n]) => `${k} ${n}${unit}`)
      .join(', ');
  return [
    `Hours per month: 730; spot capacity at ${Math.round(a.spotDiscount * 100)}% below on-demand.`,
    `NAT data processed per environment and month: ${perEnv(a.natGbProcessedPerMonth, ' GB')}.`,
    `Logs ingested per log group and month: ${Object.entries(a.logGbIngestedPerMonth).map(([k, n]) => `${k} ${n} GB`).join(', ')}; log storage not priced.`,
    `S3 Standard stored per bucket: ${Object.entries(a.s3GbStored).map(([k, n]) => `${k} ${n} GB`).join(', ')}; requests, lifecycle tiers and transfer not priced.`,
    `ECR: ${a.ecrGbPerRepository} GB per repository. Metrics Insights alarms: ${a.metricsInsightsMetricsPerQuery} metrics analysed per query.`,
    `RDS backups: ${Math.round(a.rdsBackupDailyChangeFraction * 100)}% of allocated storage changes a day; backup storage up to 100% of provisioned storage is free.`,
    `Load balancers without dist/k8s/<env>: ${a.defaultLoadBalancers.alb} ALB and ${a.defaultLoadBalancers.nlb} NLB per environment, internet-facing; (N)LCUs per load balancer: ${perEnv(a.lcuPerLoadBalancer, '')}.`,
    `Node groups and instances run their desired size all month; autoscaling above it is not estimated.`,
    `Not priced: data transfer, KMS and S3 requests, CloudWatch metrics, interface endpoint data processing, RDS Enhanced Monitoring logs, free tiers (first 10 alarms, 5 GB logs).`,
  ];
}
