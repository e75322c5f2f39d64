import { z } from 'zod';
import { addonVersionProblems } from '../constructs/cluster/addon-versions';
import { cidrsOverlap, isPrivateRange, parseCidr, type Ipv4Cidr } from '../constructs/core/cidr';
import { MODEL_URI_PATTERN } from '../k8s/contract';

/**
 * The typed, validated configuration of one environment. Every layer reads its settings from here and
 * only from here (STYLE.md rule 10); `parseEnvironment` is the one way in.
 */

/**
 * Every parse here runs zod's interpreter (zod 4.6.7 `ParseContext.jitless`): on the first parse of each
 * object schema zod otherwise compiles a parser for it (core/schemas.cjs `generateFastpass`, via `new
 * Function`), which costs more than it saves for the few documents a process validates (about 30 ms of
 * every `npm run synth`). Same results and messages; only the generated fast path is skipped.
 */
export const PARSE_CONTEXT = { jitless: true } as const;

/** Regions this platform is allowed to run in (commercial partition, where EKS, RDS and ECR all exist). */
export const AWS_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'ca-central-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2',
  'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'sa-east-1',
] as const;
export type AwsRegion = (typeof AWS_REGIONS)[number];

/**
 * EKS versions in standard support on 2026-11-24 (each gets 14 months; see the EKS version calendar).
 * 1.34 leaves standard support on 2026-12-02: drop it then. Extended support costs 6x per cluster-hour.
 */
export const SUPPORTED_KUBERNETES_VERSIONS = ['1.34', '1.35', '1.36'] as const;

/** Values CloudWatch Logs accepts for `retention_in_days`. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Smallest and largest VPC prefix: /16 leaves /19 private subnets, /20 still leaves /26 public and database subnets. */
export const VPC_PREFIX_RANGE = { min: 16, max: 20 } as const;

const cidr = z.string().superRefine((text, ctx) => {
  const parsed = parseCidr(text);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
});

const logRetentionDays = z
  .number()
  .int()
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
    message: `must be one of CloudWatch's retention values (${LOG_RETENTION_DAYS.join(', ')})`,
  });

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,14}[a-z0-9]$/, 'must be 3-16 lowercase letters, digits or hyphens, starting with a letter');

const tagMap = z.record(z.string().min(1).max(128), z.string().max(256));

const iamRoleArn = z.string().regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)');

/** An image tag that can never move: a version or a git SHA, never `latest`. */
const immutableImageTag = z
  .string()
  .regex(/^[\w][\w.-]{0,127}$/, 'must be a valid image tag')
  .refine((t) => !/^(latest|stable|main|master|dev|edge)$/i.test(t), {
    message: 'must be an immutable tag (a version or git SHA), not a moving tag such as "latest"',
  });

/**
 * The tags build-image.yml gives the platform's own workload images: `<version>-<sha12>` (the workload's
 * pyproject version and the last commit that changed its sources; workloads/images.json).
 */
export const WORKLOAD_IMAGE_TAG_PATTERN = /^\d+\.\d+\.\d+-[0-9a-f]{12}$/;

const workloadImageTag = immutableImageTag.refine((t) => WORKLOAD_IMAGE_TAG_PATTERN.test(t), {
  message: 'must be a tag build-image.yml pushes: <version>-<12 hex digits of the commit>, e.g. 0.1.0-1a2b3c4d5e6f',
});

const cpuQuantity = z.string().regex(/^(\d+m|\d+(\.\d+)?)$/, 'must be a Kubernetes CPU quantity such as "250m" or "1"');
const memoryQuantity = z.string().regex(/^\d+(Mi|Gi)$/, 'must be a Kubernetes memory quantity in Mi or Gi such as "512Mi"');

const resources = z.strictObject({
  cpuRequest: cpuQuantity,
  cpuLimit: cpuQuantity,
  memoryRequest: memoryQuantity,
  memoryLimit: memoryQuantity,
});

const account = z.strictObject({
  /** The AWS account that holds this environment. */
  id: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  region: z.enum(AWS_REGIONS, { error: (issue) => `unknown region "${String(issue.input)}"; expected one of ${AWS_REGIONS.join(', ')}` }),
  /** Role the provider assumes in the environment's account to apply changes (cross-account deployments). */
  assumeRoleArn: iamRoleArn.optional(),
  /** Read-only role in the environment's account that pull-request plans assume instead. */
  planRoleArn: iamRoleArn.optional(),
});

const tags = z.strictObject({
  owner: z.string({ error: 'is required (the team that owns this environment)' }).min(1, 'must not be empty'),
  costCenter: z.string({ error: 'is required (where the bill goes)' }).min(1, 'must not be empty'),
  /** Further tags on every resource. */
  extra: tagMap.default({}),
});

const network = z.strictObject({
  cidr,
  azCount: z.number().int().min(2, 'must be at least 2 (EKS and RDS subnet groups need two AZs)').max(6, 'must be at most 6'),
  natMode: z.enum(['single', 'perAz']),
  flowLogRetentionDays: logRetentionDays.default(90),
});

const database = z.strictObject({
  /** PostgreSQL engine version; a major (`17`) follows RDS's default minor, a full version pins it. */
  engineVersion: z.string().regex(/^\d{2}(\.\d+)?$/, 'must be a PostgreSQL version such as "17" or "17.6"'),
  instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, 'must be an RDS instance class such as "db.t4g.medium"'),
  allocatedStorageGiB: z.number().int().min(20).max(65536),
  maxAllocatedStorageGiB: z.number().int().max(65536),
  multiAz: z.boolean(),
  backupRetentionDays: z.number().int().min(1, 'must be at least 1 (0 disables backups)').max(35),
  deletionProtection: z.boolean(),
  performanceInsightsRetentionDays: z
    .number()
    .int()
    .refine((d) => d === 7 || d === 731 || (d % 31 === 0 && d <= 713), { message: 'must be 7, 731 or a multiple of 31' })
    .default(7),
  monitoringIntervalSeconds: z.union([z.literal(1), z.literal(5), z.literal(10), z.literal(15), z.literal(30), z.literal(60)]).default(60),
});

const storage = z.strictObject({
  /** Days before objects move to S3 Standard-IA (S3 requires at least 30). */
  transitionToInfrequentAccessDays: z.number().int().min(30).default(30),
  /** Days before objects move to Glacier Instant Retrieval; at least 30 days after the IA transition. */
  transitionToGlacierDays: z.number().int().min(90).default(180),
  noncurrentVersionExpirationDays: z.number().int().min(1).default(90),
  accessLogRetentionDays: z.number().int().min(1).default(365),
});

const taint = z.strictObject({
  key: z.string().min(1),
  value: z.string().optional(),
  effect: z.enum(['NO_SCHEDULE', 'NO_EXECUTE', 'PREFER_NO_SCHEDULE']),
});

const nodeGroup = z.strictObject({
  instanceTypes: z.array(z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, 'must be an EC2 instance type')).min(1, 'must list at least one instance type'),
  capacityType: z.enum(['ON_DEMAND', 'SPOT']),
  minSize: z.number().int().min(0),
  maxSize: z.number().int().min(1),
  desiredSize: z.number().int().min(0),
  diskSizeGiB: z.number().int().min(20).max(16384).default(50),
  labels: z.record(z.string(), z.string()).default({}),
  taints: z.array(taint).default([]),
});

const eksAddonVersion = z.string().regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, 'must be an EKS add-on version such as "v1.19.0-eksbuild.1"');

const cluster = z.strictObject({
  kubernetesVersion: z.enum(SUPPORTED_KUBERNETES_VERSIONS, {
    error: (issue) =>
      `Kubernetes version "${String(issue.input)}" is not in standard support; expected one of ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')}`,
  }),
  /** CIDRs that may reach the public API endpoint; empty means private endpoint only. */
  endpointPublicAccessCidrs: z.array(cidr).default([]),
  /** IAM roles granted cluster-admin through EKS access entries. */
  adminRoleArns: z.array(iamRoleArn).default([]),
  controlPlaneLogRetentionDays: logRetentionDays.default(90),
  addons: z.strictObject({
    vpcCni: eksAddonVersion,
    coreDns: eksAddonVersion,
    kubeProxy: eksAddonVersion,
    ebsCsiDriver: eksAddonVersion,
  }),
  nodeGroups: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'node group names are lowercase'), nodeGroup).refine(
    (groups) => Object.keys(groups).length > 0,
    { message: 'must define at least one node group' },
  ),
  bastion: z
    .strictObject({
      enabled: z.boolean(),
      instanceType: z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/).default('t4g.nano'),
    })
    .default({ enabled: false, instanceType: 't4g.nano' }),
});

/** A git ref that cannot move: a full commit SHA or a version tag (`v1.4.0`, `pipelines-v1.4.0`), never a branch. */
const pinnedGitRef = z
  .string()
  .regex(
    /^([0-9a-f]{40}|(refs\/tags\/)?[A-Za-z][\w.-]*?-?v?\d+\.\d+\.\d+([.-][\w.]+)?|v?\d+\.\d+\.\d+([.-][\w.]+)?)$/,
    'must be a full 40-character commit SHA or a version tag such as "v1.4.0" or "pipelines-v1.4.0" (a branch would move under a running deployment)',
  );

const airflow = z.strictObject({
  /**
   * Tag of the pipelines image (shared ECR repository `data-pipeline`) Airflow runs: the DAGs import
   * their Python package from it. A tag build-image.yml produces (`<version>-<sha12>`).
   */
  imageTag: workloadImageTag,
  /**
   * Git repository holding the DAGs (HTTPS), synced by git-sync.
   * @default - this repository (`shared.github.repository`), whose DAGs live in `workloads/pipelines/dags`
   */
  dagsRepository: z.string().regex(/^https:\/\/[^\s]+\.git$/, 'must be an https URL ending in .git').optional(),
  /** The ref git-sync checks out (git-sync v4 `--ref`), pinned: DAG changes are promoted like image tags. */
  dagsRef: pinnedGitRef,
  /** Folder of the DAGs inside the repository. */
  dagsSubPath: z.string().regex(/^[\w.-]+(\/[\w.-]+)*$/, 'must be a relative path without leading or trailing "/"').default('workloads/pipelines/dags'),
});

const platform = z.strictObject({
  airflow,
});

const webWorkload = z.strictObject({
  imageTag: workloadImageTag,
  minReplicas: z.number().int().min(1),
  maxReplicas: z.number().int().min(1),
  targetCpuUtilizationPercent: z.number().int().min(1).max(100).default(70),
  resources,
});

const workloads = z.strictObject({
  modelServing: webWorkload.extend({
    /** MLflow model URI served by the API: `models:/<name>@<alias>` (the `champion` alias the model DAG moves). */
    modelUri: z
      .string()
      .regex(MODEL_URI_PATTERN, 'must be models:/<name>@<alias> (e.g. models:/churn-classifier@champion), models:/<name>/<version> or runs:/<run id>/<path>'),
    /** The internal load balancer clients in the network call the API through. */
    ingress: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** ACM certificate for HTTPS; without one the internal load balancer serves HTTP on 80. */
        certificateArn: z.string().regex(/^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, 'must be an ACM certificate ARN').optional(),
        host: z.string().regex(/^[a-z0-9.-]+$/, 'must be a host name').optional(),
      })
      .default({ enabled: true }),
  }),
  mlflow: webWorkload,
  dataValidation: z.strictObject({
    imageTag: workloadImageTag,
    /** Cron schedule (5 fields, UTC). */
    schedule: z.string().regex(/^(\S+\s+){4}\S+$/, 'must be a 5-field cron expression'),
    resources,
  }),
});

const thresholds = z.strictObject({
  apiLatencyP95Seconds: z.number().positive().default(0.5),
  apiErrorRatePercent: z.number().positive().max(100).default(1),
  cpuSaturationPercent: z.number().positive().max(100).default(85),
  memorySaturationPercent: z.number().positive().max(100).default(90),
  rdsCpuPercent: z.number().positive().max(100).default(80),
  rdsFreeStorageGiB: z.number().positive().default(10),
  rdsMaxConnections: z.number().int().positive().default(200),
  natErrorPortAllocation: z.number().int().min(0).default(0),
  natPacketsDropped: z.number().int().min(0).default(100),
  loadBalancer5xxPerFiveMinutes: z.number().int().min(0).default(10),
});

const observability = z.strictObject({
  prometheusRetentionDays: z.number().int().min(1).max(90).default(15),
  prometheusStorageGiB: z.number().int().min(10).default(50),
  /** Retention of the container log groups Fluent Bit writes to. */
  logRetentionDays: logRetentionDays.default(30),
  /** true: alerts page a human (prod); false: they are only recorded. */
  paging: z.boolean(),
  /** Email subscribed to the environment's alarm topic. */
  alertEmail: z.email().optional(),
  thresholds: thresholds.default(thresholds.parse({}, PARSE_CONTEXT)),
});

const baseSchema = z.strictObject({
  name,
  /** Production tier turns on the rules that make an environment highly available and hard to delete. */
  tier: z.enum(['development', 'staging', 'production']),
  account,
  tags,
  network,
  data: z.strictObject({ database, storage: storage.default(storage.parse({}, PARSE_CONTEXT)) }),
  cluster,
  platform,
  workloads,
  observability,
});

export const environmentSchema = baseSchema
  // Cross-field rules run even when some field is malformed, so one run reports every problem;
  // each rule skips itself when the fields it compares are not usable.
  .superRefine((env, ctx) => crossFieldRules(env, ctx), { when: () => true });

type Issue = (path: (string | number)[], message: string) => void;
const isNum = (...values: unknown[]) => values.every((v) => typeof v === 'number');

function crossFieldRules(raw: unknown, ctx: z.RefinementCtx): void {
  // The object may be partially invalid here: read it as loosely typed and check before comparing.
  const env = raw as DeepPartial<z.output<typeof baseSchema>>;
  const issue: Issue = (path, message) => ctx.addIssue({ code: 'custom', path, message });

  const vpc = typeof env.network?.cidr === 'string' ? parseCidr(env.network.cidr) : undefined;
  if (vpc !== undefined && typeof vpc !== 'string') {
    if (vpc.prefix < VPC_PREFIX_RANGE.min || vpc.prefix > VPC_PREFIX_RANGE.max) {
      issue(['network', 'cidr'], `prefix /${vpc.prefix} is out of range; use /${VPC_PREFIX_RANGE.min} to /${VPC_PREFIX_RANGE.max}`);
    }
    if (!isPrivateRange(vpc)) issue(['network', 'cidr'], `"${env.network?.cidr}" is not a private (RFC 1918) range`);
  }
  (Array.isArray(env.cluster?.endpointPublicAccessCidrs) ? env.cluster.endpointPublicAccessCidrs : []).forEach((text, i) => {
    const parsed = typeof text === 'string' ? parseCidr(text) : undefined;
    if (parsed !== undefined && typeof parsed !== 'string' && parsed.prefix === 0) {
      issue(['cluster', 'endpointPublicAccessCidrs', i], 'must not open the API endpoint to the whole internet (0.0.0.0/0)');
    }
    // RFC 5737 documentation ranges: a placeholder left in, which reaches no one. CI runs inside the VPC.
    if (typeof text === 'string' && /^(192\.0\.2|198\.51\.100|203\.0\.113)\./.test(text)) {
      issue(['cluster', 'endpointPublicAccessCidrs', i], `${text} is a documentation range (RFC 5737), not a real network; leave the list empty for a private endpoint (CI runs inside the VPC) or name your VPN's egress`);
    }
  });

  const db = env.data?.database;
  if (db && isNum(db.maxAllocatedStorageGiB, db.allocatedStorageGiB) && db.maxAllocatedStorageGiB! < db.allocatedStorageGiB!) {
    issue(['data', 'database', 'maxAllocatedStorageGiB'], `(${db.maxAllocatedStorageGiB}) must be >= allocatedStorageGiB (${db.allocatedStorageGiB})`);
  }
  const st = env.data?.storage;
  // S3 keeps objects in Standard-IA for at least 30 days before the next transition.
  if (st && isNum(st.transitionToGlacierDays, st.transitionToInfrequentAccessDays) && st.transitionToGlacierDays! < st.transitionToInfrequentAccessDays! + 30) {
    issue(['data', 'storage', 'transitionToGlacierDays'], `(${st.transitionToGlacierDays}) must be at least 30 days after transitionToInfrequentAccessDays (${st.transitionToInfrequentAccessDays})`);
  }

  // Every add-on, not only kube-proxy, must be a version EKS publishes for the cluster's version.
  const kubernetesVersion = env.cluster?.kubernetesVersion;
  const addons = env.cluster?.addons;
  if (typeof kubernetesVersion === 'string' && addons && typeof addons === 'object') {
    for (const problem of addonVersionProblems(kubernetesVersion, addons)) issue(['cluster', 'addons', problem.key], problem.message);
  }

  const groups = env.cluster?.nodeGroups;
  for (const [groupName, group] of Object.entries(groups && typeof groups === 'object' ? groups : {})) {
    const path = ['cluster', 'nodeGroups', groupName];
    if (!group || !isNum(group.minSize, group.maxSize, group.desiredSize)) continue;
    const { minSize, maxSize, desiredSize } = group as { minSize: number; maxSize: number; desiredSize: number };
    if (minSize > maxSize) issue([...path, 'minSize'], `(${minSize}) must be <= maxSize (${maxSize})`);
    else if (desiredSize < minSize || desiredSize > maxSize) {
      issue([...path, 'desiredSize'], `(${desiredSize}) must be between minSize (${minSize}) and maxSize (${maxSize})`);
    }
  }
  for (const workload of ['modelServing', 'mlflow'] as const) {
    const w = env.workloads?.[workload];
    if (w && isNum(w.minReplicas, w.maxReplicas) && w.minReplicas! > w.maxReplicas!) {
      issue(['workloads', workload, 'minReplicas'], `(${w.minReplicas}) must be <= maxReplicas (${w.maxReplicas})`);
    }
  }

  if (env.tier === 'production') {
    const why = 'production environments must survive the loss of an availability zone';
    const net = env.network;
    if (net && isNum(net.azCount) && net.azCount! < 3) issue(['network', 'azCount'], `(${net.azCount}) must be at least 3: ${why}`);
    if (net?.natMode !== undefined && net.natMode !== 'perAz') issue(['network', 'natMode'], `must be "perAz": ${why}`);
    if (db?.multiAz === false) issue(['data', 'database', 'multiAz'], `must be true: ${why}`);
    if (db?.deletionProtection === false) issue(['data', 'database', 'deletionProtection'], 'must be true in production');
    if (db && isNum(db.backupRetentionDays) && db.backupRetentionDays! < 7) {
      issue(['data', 'database', 'backupRetentionDays'], `(${db.backupRetentionDays}) must be at least 7 in production`);
    }
    for (const workload of ['modelServing', 'mlflow'] as const) {
      const w = env.workloads?.[workload];
      if (w && isNum(w.minReplicas) && w.minReplicas! < 2) issue(['workloads', workload, 'minReplicas'], `(${w.minReplicas}) must be at least 2: ${why}`);
    }
    if (env.observability?.paging === false) issue(['observability', 'paging'], 'must be true in production: production alerts page a human');
  }
}

type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

export type EnvironmentInput = z.input<typeof environmentSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type NodeGroupConfig = EnvironmentConfig['cluster']['nodeGroups'][string];
export type WorkloadResources = z.output<typeof resources>;

/** Thrown with every problem of every environment at once, one `<env>.<path>: <reason>` a line. */
export class EnvironmentValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid environment configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`);
    this.name = 'EnvironmentValidationError';
  }
}

function labelOf(input: unknown, fallback: string): string {
  const candidate = (input as { name?: unknown } | null)?.name;
  return typeof candidate === 'string' && candidate.length > 0 ? candidate : fallback;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}

/** One `<label>.<path>: <reason>` line per problem; an unknown key is named in the path itself. */
export function formatIssues(label: string, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => `${label}${formatPath([...issue.path, key])}: unknown field (misspelt, or not part of the schema)`)
      : [`${label}${formatPath(issue.path)}: ${issue.message}`],
  );
}

/** Validates one environment; the result, or a list of problems prefixed with the environment's name. */
export function checkEnvironment(input: unknown, label = labelOf(input, '<unnamed>')): EnvironmentConfig | string[] {
  const result = environmentSchema.safeParse(input, PARSE_CONTEXT);
  if (result.success) return result.data;
  return formatIssues(label, result.error.issues);
}

/** Validates one environment, throwing `EnvironmentValidationError` that lists every problem. */
export function parseEnvironment(input: unknown): EnvironmentConfig {
  const checked = checkEnvironment(input);
  if (Array.isArray(checked)) throw new EnvironmentValidationError(checked);
  return checked;
}

/**
 * Validates a set of environments together: each on its own, then what only the set can show
 * (names unique and matching their keys, VPC ranges that do not overlap so environments can be peered).
 */
export function parseEnvironments(inputs: Record<string, unknown>): Record<string, EnvironmentConfig> {
  const problems: string[] = [];
  const parsed: Record<string, EnvironmentConfig> = {};
  for (const [key, input] of Object.entries(inputs)) {
    const checked = checkEnvironment(input, key);
    if (Array.isArray(checked)) problems.push(...checked);
    else if (checked.name !== key) problems.push(`${key}.name: ("${checked.name}") must match the environment's key "${key}"`);
    else parsed[key] = checked;
  }
  const vpcs = Object.values(parsed).map((env) => ({ env: env.name, cidr: parseCidr(env.network.cidr) as Ipv4Cidr }));
  for (let i = 0; i < vpcs.length; i++) {
    for (let j = i + 1; j < vpcs.length; j++) {
      if (cidrsOverlap(vpcs[i].cidr, vpcs[j].cidr)) {
        problems.push(`${vpcs[j].env}.network.cidr: overlaps ${vpcs[i].env}.network.cidr (${parsed[vpcs[i].env].network.cidr})`);
      }
    }
  }
  if (problems.length > 0) throw new EnvironmentValidationError(problems);
  return parsed;
}
