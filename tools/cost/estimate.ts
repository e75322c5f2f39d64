/**
 * Monthly cost estimate from synthesized Terraform JSON (`cdktf.out/stacks/<stack>/cdk.tf.json`).
 * Pure: takes parsed stacks and manifests, returns numbers or throws `CostEstimateError` listing every
 * resource it could not price. Reading files is `load.ts`'s job, printing `render.ts`'s.
 */
import { BOOTSTRAP_STACK, ENVIRONMENT_LAYERS, SHARED_STACK } from '../../stacks/names';
import {
  DEFAULT_ASSUMPTIONS,
  describeAssumptions,
  forEnvironment,
  type BucketPurpose,
  type LogGroupKind,
  type UsageAssumptions,
} from './assumptions';
import { firstRecord, isRecord, isTrue, literalNumber, literalString, records, type JsonObject } from '../lib/terraform-json';
import { EKS_END_OF_STANDARD_SUPPORT, HOURS_PER_MONTH, PRICES, PRICES_AS_OF, type RegionPrices } from './prices';

/** One synthesized stack: its name (the folder under `stacks/`) and its parsed `cdk.tf.json`. */
export interface StackInput {
  readonly name: string;
  readonly config: JsonObject;
}

/** Kubernetes objects rendered for one environment (`dist/k8s/<env>/*.yaml`). */
export interface KubernetesManifests {
  /** Where they came from, for the report. */
  readonly source: string;
  readonly objects: readonly JsonObject[];
}

export interface EstimateOptions {
  /** @default DEFAULT_ASSUMPTIONS */
  readonly assumptions?: UsageAssumptions;
  /** @default PRICES */
  readonly prices?: Readonly<Record<string, RegionPrices>>;
  /** Day (YYYY-MM-DD) on which EKS support status is judged. @default PRICES_AS_OF */
  readonly asOf?: string;
  /** Manifests by environment name; an environment without an entry gets the assumed load balancers. */
  readonly kubernetes?: Readonly<Record<string, KubernetesManifests>>;
  /** Only this group (an environment, `shared` or `bootstrap`). @default every group */
  readonly environment?: string;
}

export interface LineItem {
  /** Terraform resource type the cost comes from (or `k8s:Ingress` / `k8s:Service` for load balancers). */
  readonly resourceType: string;
  /** What is billed, e.g. `EC2 m7g.large spot`. */
  readonly item: string;
  /** Resources (or nodes) behind the line. */
  readonly count: number;
  /** Billed units a month. */
  readonly quantity: number;
  /** `h`, `GB-month`, `GB`, `month`, `vCPU-h`, ... */
  readonly unit: string;
  readonly unitPrice: number;
  readonly monthly: number;
  readonly addresses: readonly string[];
  readonly note?: string;
}

export interface StackEstimate {
  readonly name: string;
  readonly monthly: number;
  readonly lines: readonly LineItem[];
}

export type GroupKind = 'environment' | 'account' | 'other';

export interface EnvironmentEstimate {
  readonly name: string;
  readonly kind: GroupKind;
  readonly regions: readonly string[];
  readonly monthly: number;
  readonly stacks: readonly StackEstimate[];
}

export interface CostEstimate {
  readonly schemaVersion: 1;
  readonly currency: 'USD';
  readonly pricesAsOf: string;
  readonly asOf: string;
  readonly hoursPerMonth: number;
  readonly monthly: number;
  readonly environments: readonly EnvironmentEstimate[];
  readonly assumptions: readonly string[];
  readonly warnings: readonly string[];
}

/** Thrown with every resource that could not be priced (unknown instance type, region, token...). */
export class CostEstimateError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Cannot estimate costs (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`);
    this.name = 'CostEstimateError';
  }
}

/** Resource types the estimate prices under their own name. */
export const PRICED_RESOURCE_TYPES = [
  'aws_eks_cluster',
  'aws_eks_node_group',
  'aws_instance',
  'aws_ebs_volume',
  'aws_nat_gateway',
  'aws_eip',
  'aws_vpc_endpoint',
  'aws_db_instance',
  'aws_kms_key',
  'aws_kms_replica_key',
  'aws_cloudwatch_log_group',
  'aws_cloudwatch_metric_alarm',
  'aws_cloudwatch_composite_alarm',
  'aws_s3_bucket',
  'aws_sns_topic',
  'aws_ecr_repository',
  'aws_secretsmanager_secret',
] as const;

/** Priced, but through another resource: a launch template costs what the node groups using it run. */
export const PRICED_THROUGH: Readonly<Record<string, string>> = { aws_launch_template: 'aws_eks_node_group' };

/** Types that cost nothing by themselves (configuration, identity, routing, Kubernetes objects). */
const FREE_TYPE_PATTERNS: readonly RegExp[] = [
  /^aws_(vpc|subnet|internet_gateway|egress_only_internet_gateway|route|route_table|route_table_association|main_route_table_association)$/,
  /^aws_(default_)?(security_group|network_acl|route_table|vpc_dhcp_options)(_.*)?$/,
  /^aws_vpc_(security_group_.*_rule|endpoint_route_table_association|endpoint_subnet_association|endpoint_policy|ipv4_cidr_block_association)$/,
  /^aws_iam_/,
  /^aws_kms_(alias|grant|key_policy)$/,
  /^aws_s3_bucket_.+/,
  /^aws_ecr_(lifecycle_policy|repository_policy|registry_.*|replication_configuration|pull_through_cache_rule)$/,
  /^aws_eks_(addon|access_entry|access_policy_association|pod_identity_association|identity_provider_config)$/,
  /^aws_flow_log$/,
  /^aws_db_(subnet_group|parameter_group|option_group)$/,
  /^aws_sns_topic_(subscription|policy)$/,
  /^aws_cloudwatch_log_(resource_policy|subscription_filter|metric_filter)$/,
  /^aws_secretsmanager_secret_(version|policy|rotation)$/,
  /^aws_ssm_parameter$/,
  /^aws_(placement_group|key_pair)$/,
  /^(kubernetes|helm|time|random|null|tls|local|external|terraform)_/,
];

/** Alarms on periods shorter than this are high-resolution alarms. */
const HIGH_RESOLUTION_BELOW_SECONDS = 60;

interface Resource {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  readonly body: JsonObject;
  /** `stack: type.name` for messages and line items. */
  readonly address: string;
}

interface RawLine extends Omit<LineItem, 'addresses' | 'monthly'> {
  readonly address: string;
}

interface Group {
  readonly name: string;
  readonly kind: GroupKind;
  readonly stacks: StackInput[];
}

/** `dev-network` -> `dev`; `shared`, `bootstrap` -> themselves; anything else is its own group. */
export function groupOf(stackName: string): { name: string; kind: GroupKind } {
  if (stackName === SHARED_STACK || stackName === BOOTSTRAP_STACK) return { name: stackName, kind: 'account' };
  for (const layer of ENVIRONMENT_LAYERS) {
    const suffix = `-${layer}`;
    if (stackName.endsWith(suffix) && stackName.length > suffix.length) return { name: stackName.slice(0, -suffix.length), kind: 'environment' };
  }
  return { name: stackName, kind: 'other' };
}

function resourcesOf(stack: StackInput): Resource[] {
  const out: Resource[] = [];
  const resource = stack.config.resource;
  if (!isRecord(resource)) return out;
  for (const [type, byName] of Object.entries(resource)) {
    if (!isRecord(byName)) continue;
    for (const [name, body] of Object.entries(byName)) {
      if (isRecord(body)) out.push({ stack: stack.name, type, name, body, address: `${stack.name}: ${type}.${name}` });
    }
  }
  return out;
}

/** Region of each AWS provider configuration in a stack, by alias (`''` for the default one). */
function providerRegions(stack: StackInput): Map<string, unknown> {
  const regions = new Map<string, unknown>();
  const provider = isRecord(stack.config.provider) ? stack.config.provider : {};
  for (const config of records(provider.aws)) regions.set(typeof config.alias === 'string' ? config.alias : '', config.region);
  return regions;
}

/**
 * Money is rounded to cents per line, and every subtotal is the sum of the rounded figures below it, so
 * the columns of a report add up exactly. Half a cent rounds away from zero (the nudge absorbs binary
 * fractions such as 0.285 * 100 = 28.4999...).
 */
export function roundCents(n: number): number {
  return (Math.sign(n) * Math.round(Math.abs(n) * 100 + 1e-7)) / 100;
}
const round2 = roundCents;

/** Estimates every group (or `options.environment`), throwing `CostEstimateError` on anything it cannot price. */
export function estimateCosts(stacks: readonly StackInput[], options: EstimateOptions = {}): CostEstimate {
  const assumptions = options.assumptions ?? DEFAULT_ASSUMPTIONS;
  const priceTables = options.prices ?? PRICES;
  const asOf = options.asOf ?? PRICES_AS_OF;
  const problems: string[] = [];
  const warnings: string[] = [];

  const groups = new Map<string, Group>();
  for (const stack of [...stacks].sort((a, b) => a.name.localeCompare(b.name))) {
    const { name, kind } = groupOf(stack.name);
    if (!groups.has(name)) groups.set(name, { name, kind, stacks: [] });
    groups.get(name)!.stacks.push(stack);
  }
  if (options.environment !== undefined && !groups.has(options.environment)) {
    throw new CostEstimateError([`unknown environment "${options.environment}"; found: ${[...groups.keys()].join(', ') || 'no stacks'}`]);
  }
  for (const g of groups.values()) if (g.kind === 'other') warnings.push(`stack "${g.name}" does not follow <env>-<layer>; estimated as its own group`);
  for (const env of Object.keys(options.kubernetes ?? {})) {
    if (!groups.has(env)) warnings.push(`Kubernetes manifests for "${env}" have no matching stacks; ignored`);
  }

  const order: Record<GroupKind, number> = { environment: 0, account: 1, other: 2 };
  const selected = [...groups.values()]
    .filter((g) => options.environment === undefined || g.name === options.environment)
    .sort((a, b) => order[a.kind] - order[b.kind] || (a.kind === 'account' ? b.name.localeCompare(a.name) : a.name.localeCompare(b.name)));
  const environments = selected.map((group) => estimateGroup(group, { assumptions, priceTables, asOf, problems, warnings, kubernetes: options.kubernetes }));
  if (problems.length > 0) throw new CostEstimateError(problems);

  return {
    schemaVersion: 1,
    currency: 'USD',
    pricesAsOf: PRICES_AS_OF,
    asOf,
    hoursPerMonth: HOURS_PER_MONTH,
    monthly: round2(environments.reduce((sum, e) => sum + e.monthly, 0)),
    environments,
    assumptions: describeAssumptions(assumptions),
    warnings,
  };
}

interface Context {
  readonly assumptions: UsageAssumptions;
  readonly priceTables: Readonly<Record<string, RegionPrices>>;
  readonly asOf: string;
  readonly problems: string[];
  readonly warnings: string[];
  readonly kubernetes?: Readonly<Record<string, KubernetesManifests>>;
}

function estimateGroup(group: Group, ctx: Context): EnvironmentEstimate {
  const all = group.stacks.flatMap((s) => resourcesOf(s).map((r) => ({ stack: s, resource: r })));
  const natCount = all.filter(({ resource }) => resource.type === 'aws_nat_gateway').reduce((n, { resource }) => n + (instanceCount(resource, []) ?? 0), 0);
  const publicSubnets = all.filter(({ resource }) => resource.type === 'aws_subnet' && isRecord(resource.body.tags) && resource.body.tags['kubernetes.io/role/elb'] === '1').length;
  const logGroupNames = new Set(all.filter(({ resource }) => resource.type === 'aws_cloudwatch_log_group').map(({ resource }) => literalString(resource.body.name)));
  const regions = new Set<string>();

  const stacks: StackEstimate[] = [];
  for (const stack of group.stacks) {
    const regionByAlias = providerRegions(stack);
    const resources = resourcesOf(stack);
    const lines: RawLine[] = [];
    const unpriced = new Map<string, number>();
    for (const resource of resources) {
      if (!isPricedType(resource.type)) {
        if (!(resource.type in PRICED_THROUGH) && !FREE_TYPE_PATTERNS.some((p) => p.test(resource.type))) {
          unpriced.set(resource.type, (unpriced.get(resource.type) ?? 0) + 1);
        }
        continue;
      }
      const prices = regionPrices(resource, regionByAlias, ctx);
      if (!prices) continue;
      regions.add(prices.region);
      const count = instanceCount(resource, ctx.problems);
      if (count === undefined || count === 0) continue;
      const env = group.kind === 'environment' ? group.name : 'default';
      const resourceCtx: ResourceContext = { ...ctx, prices: prices.table, region: prices.region, environment: env, natCount, logGroupNames, stackResources: resources };
      for (const line of priceResource(resource, resourceCtx)) lines.push({ ...line, count: line.count * count, quantity: line.quantity * count });
    }
    for (const [type, n] of unpriced) ctx.warnings.push(`${stack.name}: ${n} ${type} not priced (not in the estimate's model); add it to tools/cost/estimate.ts if it costs money`);
    stacks.push(toStackEstimate(stack.name, lines));
  }

  if (group.kind === 'environment') {
    const region = regions.size === 1 ? [...regions][0] : undefined;
    const table = region ? ctx.priceTables[region] : undefined;
    if (regions.size > 1) ctx.warnings.push(`${group.name}: resources in several regions (${[...regions].join(', ')}); load balancers priced in the first`);
    const lbRegion = region ?? [...regions][0];
    const lbTable = table ?? (lbRegion ? ctx.priceTables[lbRegion] : undefined);
    if (lbTable) {
      const lb = loadBalancerLines(group.name, ctx.kubernetes?.[group.name], publicSubnets, lbTable, ctx);
      if (lb.lines.length > 0) stacks.push(toStackEstimate(lb.stackName, lb.lines));
    }
  }

  return {
    name: group.name,
    kind: group.kind,
    regions: [...regions].sort(),
    monthly: round2(stacks.reduce((sum, s) => sum + s.monthly, 0)),
    stacks,
  };
}

function isPricedType(type: string): boolean {
  return (PRICED_RESOURCE_TYPES as readonly string[]).includes(type);
}

function regionPrices(resource: Resource, regionByAlias: Map<string, unknown>, ctx: Context): { region: string; table: RegionPrices } | undefined {
  const providerRef = typeof resource.body.provider === 'string' ? resource.body.provider : 'aws';
  const alias = providerRef.includes('.') ? providerRef.slice(providerRef.indexOf('.') + 1) : '';
  const raw = regionByAlias.get(alias);
  const region = literalString(raw);
  if (region === undefined) {
    ctx.problems.push(`${resource.address}: cannot tell its region (provider "${providerRef}" has ${raw === undefined ? 'no region' : `region ${JSON.stringify(raw)}`})`);
    return undefined;
  }
  const table = ctx.priceTables[region];
  if (!table) {
    ctx.problems.push(`${resource.address}: no price table for region "${region}" (tables: ${Object.keys(ctx.priceTables).join(', ')}); add it to tools/cost/prices.ts`);
    return undefined;
  }
  return { region, table };
}

/** `count` meta-argument: 1 when absent; undefined (with a problem) when it cannot be known. */
function instanceCount(resource: Resource, problems: string[]): number | undefined {
  if (resource.body.for_each !== undefined) {
    problems.push(`${resource.address}: uses for_each; the estimate cannot count its instances`);
    return undefined;
  }
  if (resource.body.count === undefined) return 1;
  const n = literalNumber(resource.body.count);
  if (n === undefined) problems.push(`${resource.address}: count ${JSON.stringify(resource.body.count)} is not a literal number`);
  return n;
}

interface ResourceContext extends Context {
  readonly prices: RegionPrices;
  readonly region: string;
  /** Environment name for per-environment assumptions (`default` for account-wide stacks). */
  readonly environment: string;
  /** NAT gateways in the whole environment, to split its NAT traffic. */
  readonly natCount: number;
  readonly logGroupNames: ReadonlySet<string | undefined>;
  readonly stackResources: readonly Resource[];
}

type PricedLine = Omit<RawLine, 'address'> & { address?: string };

function priceResource(r: Resource, ctx: ResourceContext): RawLine[] {
  const lines = pricers[r.type]?.(r, ctx) ?? [];
  return lines.map((l) => ({ ...l, address: l.address ?? r.address }));
}

const line = (resourceType: string, item: string, count: number, quantity: number, unit: string, unitPrice: number, note?: string): PricedLine => ({
  resourceType,
  item,
  count,
  quantity,
  unit,
  unitPrice,
  ...(note ? { note } : {}),
});

/** A required literal attribute; records a problem naming the resource when it is a token or absent. */
function requireNumber(r: Resource, ctx: Context, path: string, value: unknown): number | undefined {
  const n = literalNumber(value);
  if (n === undefined) ctx.problems.push(`${r.address}: ${path} ${value === undefined ? 'is not set' : `${JSON.stringify(value)} is not a literal number`}`);
  return n;
}

function ec2Hourly(r: Resource, ctx: ResourceContext, instanceType: string): number | undefined {
  const price = ctx.prices.ec2Hourly[instanceType];
  if (price === undefined) {
    ctx.problems.push(`${r.address}: instance type "${instanceType}" has no ${ctx.region} price in tools/cost/prices.ts`);
  }
  return price;
}

/** EBS lines for `perNode` volumes on each of `nodes` instances. */
function volumeLines(r: Resource, ctx: ResourceContext, resourceType: string, volumes: readonly Volume[], nodes: number, label: string): PricedLine[] {
  const out: PricedLine[] = [];
  for (const v of volumes) {
    const price = ctx.prices.ebsGbMonth[v.type];
    if (price === undefined) {
      ctx.problems.push(`${r.address}: EBS volume type "${v.type}" has no ${ctx.region} price in tools/cost/prices.ts`);
      continue;
    }
    out.push(line(resourceType, `EBS ${v.type} ${label}`, nodes, v.sizeGiB * nodes, 'GB-month', price, v.source));
    if (v.type === 'gp3' && v.iops !== undefined && v.iops > 3000) {
      out.push(line(resourceType, 'EBS gp3 IOPS above 3,000', nodes, (v.iops - 3000) * nodes, 'IOPS-month', ctx.prices.ebsGp3IopsMonth));
    }
    if (v.type === 'gp3' && v.throughput !== undefined && v.throughput > 125) {
      out.push(line(resourceType, 'EBS gp3 throughput above 125 MiB/s', nodes, (v.throughput - 125) * nodes, 'MiB/s-month', ctx.prices.ebsGp3ThroughputMonth));
    }
  }
  return out;
}

interface Volume {
  readonly sizeGiB: number;
  readonly type: string;
  readonly iops?: number;
  readonly throughput?: number;
  readonly source?: string;
}

function ebsVolume(r: Resource, ctx: Context, path: string, ebs: JsonObject, defaults: { sizeGiB?: number; type: string }): Volume | undefined {
  const size = ebs.volume_size === undefined ? defaults.sizeGiB : literalNumber(ebs.volume_size);
  if (size === undefined) {
    ctx.problems.push(`${r.address}: ${path}.volume_size ${ebs.volume_size === undefined ? 'is not set' : `${JSON.stringify(ebs.volume_size)} is not a literal number`}`);
    return undefined;
  }
  return {
    sizeGiB: size,
    type: literalString(ebs.volume_type) ?? defaults.type,
    iops: literalNumber(ebs.iops),
    throughput: literalNumber(ebs.throughput),
  };
}

/** Finds `aws_launch_template.<name>` referenced by `${aws_launch_template.<name>.id|name}` in the same stack. */
function launchTemplateOf(r: Resource, ctx: ResourceContext): Resource | undefined {
  const spec = firstRecord(r.body.launch_template);
  if (!spec) return undefined;
  const ref = [spec.id, spec.name].find((v) => typeof v === 'string');
  const match = typeof ref === 'string' ? /\$\{aws_launch_template\.([^.}]+)\.(id|name)\}/.exec(ref) : null;
  const template = match ? ctx.stackResources.find((x) => x.type === 'aws_launch_template' && x.name === match[1]) : undefined;
  if (!template) {
    ctx.problems.push(`${r.address}: launch_template ${JSON.stringify(ref)} does not resolve to an aws_launch_template in stack ${r.stack}`);
  }
  return template;
}

const pricers: Record<string, (r: Resource, ctx: ResourceContext) => PricedLine[]> = {
  aws_eks_cluster(r, ctx) {
    const version = literalString(r.body.version);
    const supportType = literalString(firstRecord(r.body.upgrade_policy)?.support_type) ?? 'EXTENDED';
    const support = eksSupport(version, supportType, ctx.asOf);
    const hourly = support.extended ? ctx.prices.eksClusterHourly.extended : ctx.prices.eksClusterHourly.standard;
    if (support.warning) ctx.warnings.push(`${r.address}: ${support.warning}`);
    const out = [line('aws_eks_cluster', `EKS control plane (${version ? `Kubernetes ${version}` : 'default version'}, ${support.extended ? 'extended' : 'standard'} support)`, 1, HOURS_PER_MONTH, 'h', hourly, support.note)];
    // EKS creates /aws/eks/<name>/cluster itself when control-plane logging is on and no stack declares it.
    const logTypes = Array.isArray(r.body.enabled_cluster_log_types) ? r.body.enabled_cluster_log_types.length : 0;
    const name = literalString(r.body.name);
    if (logTypes > 0 && !(name !== undefined && ctx.logGroupNames.has(`/aws/eks/${name}/cluster`)) && ![...ctx.logGroupNames].some((n) => n !== undefined && logGroupKind(n) === 'eksControlPlane')) {
      const gb = ctx.assumptions.logGbIngestedPerMonth.eksControlPlane;
      out.push(line('aws_eks_cluster', 'CloudWatch Logs ingestion (control-plane log group created by EKS)', 1, gb, 'GB', ctx.prices.logsIngestPerGb.STANDARD, 'assumed eksControlPlane GB/month'));
    }
    return out;
  },

  aws_eks_node_group(r, ctx) {
    const scaling = firstRecord(r.body.scaling_config);
    const desired = requireNumber(r, ctx, 'scaling_config.desired_size', scaling?.desired_size);
    if (desired === undefined) return [];
    const template = r.body.launch_template !== undefined ? launchTemplateOf(r, ctx) : undefined;
    if (r.body.launch_template !== undefined && !template) return [];
    const types = Array.isArray(r.body.instance_types) ? r.body.instance_types : [];
    const fromTemplate = template ? literalString(template.body.instance_type) : undefined;
    const defaults = ctx.assumptions.eksNodeGroupDefaults;
    const instanceType = literalString(types[0]) ?? fromTemplate ?? defaults.instanceType;
    const source = types.length > 0 ? 'instance_types[0]' : fromTemplate ? `launch template ${template!.name}` : 'EKS default instance type';
    const hourly = ec2Hourly(r, ctx, instanceType);
    if (hourly === undefined) return [];
    const spot = literalString(r.body.capacity_type) === 'SPOT';
    const unitPrice = spot ? hourly * (1 - ctx.assumptions.spotDiscount) : hourly;
    const out: PricedLine[] = [
      line('aws_eks_node_group', `EC2 ${instanceType} ${spot ? 'spot' : 'on-demand'}`, desired, desired * HOURS_PER_MONTH, 'h', unitPrice,
        `${source}${spot ? `; on-demand $${hourly}/h less ${Math.round(ctx.assumptions.spotDiscount * 100)}% spot discount` : ''}`),
    ];
    if (template) {
      const volumes = records(template.body.block_device_mappings).flatMap((m, i) => {
        const ebs = firstRecord(m.ebs);
        if (!ebs) return [];
        const v = ebsVolume(template, ctx, `block_device_mappings[${i}].ebs`, ebs, { type: defaults.volumeType });
        return v ? [{ ...v, source: `launch template ${template.name} ${literalString(m.device_name) ?? ''}`.trim() }] : [];
      });
      // A launch template without block devices keeps the AMI's root volume; EKS AMIs ship 20 GiB.
      const effective = volumes.length > 0 ? volumes : [{ sizeGiB: defaults.diskSizeGiB, type: defaults.volumeType, source: 'AMI default root volume (assumed)' }];
      out.push(...volumeLines(r, ctx, 'aws_eks_node_group', effective, desired, 'node volumes'));
    } else {
      const size = r.body.disk_size === undefined ? defaults.diskSizeGiB : requireNumber(r, ctx, 'disk_size', r.body.disk_size);
      if (size !== undefined) {
        out.push(...volumeLines(r, ctx, 'aws_eks_node_group', [{ sizeGiB: size, type: defaults.volumeType, source: r.body.disk_size === undefined ? 'EKS default disk_size' : 'disk_size' }], desired, 'node volumes'));
      }
    }
    return out;
  },

  aws_instance(r, ctx) {
    const instanceType = literalString(r.body.instance_type);
    if (instanceType === undefined) {
      ctx.problems.push(`${r.address}: instance_type ${JSON.stringify(r.body.instance_type)} is not a literal`);
      return [];
    }
    const hourly = ec2Hourly(r, ctx, instanceType);
    if (hourly === undefined) return [];
    const spot = literalString(firstRecord(r.body.instance_market_options)?.market_type) === 'spot';
    const out: PricedLine[] = [
      line('aws_instance', `EC2 ${instanceType} ${spot ? 'spot' : 'on-demand'}`, 1, HOURS_PER_MONTH, 'h', spot ? hourly * (1 - ctx.assumptions.spotDiscount) : hourly),
    ];
    const rootDefaults = ctx.assumptions.defaultRootVolume;
    const root = firstRecord(r.body.root_block_device);
    const volumes: Volume[] = [];
    const rootVolume = root ? ebsVolume(r, ctx, 'root_block_device', root, rootDefaults) : { ...rootDefaults, source: 'AMI default root volume (assumed)' };
    if (rootVolume) volumes.push(rootVolume);
    records(r.body.ebs_block_device).forEach((b, i) => {
      const v = ebsVolume(r, ctx, `ebs_block_device[${i}]`, b, { type: rootDefaults.type });
      if (v) volumes.push(v);
    });
    out.push(...volumeLines(r, ctx, 'aws_instance', volumes, 1, 'volumes'));
    if (isTrue(r.body.associate_public_ip_address)) {
      out.push(line('aws_instance', 'Public IPv4 address', 1, HOURS_PER_MONTH, 'h', ctx.prices.publicIpv4Hourly));
    }
    return out;
  },

  aws_ebs_volume(r, ctx) {
    const v = ebsVolume(r, ctx, 'size', { volume_size: r.body.size, volume_type: r.body.type, iops: r.body.iops, throughput: r.body.throughput }, { type: 'gp3' });
    return v ? volumeLines(r, ctx, 'aws_ebs_volume', [v], 1, 'volume') : [];
  },

  aws_nat_gateway(_r, ctx) {
    const gb = forEnvironment(ctx.assumptions.natGbProcessedPerMonth, ctx.environment) / Math.max(1, ctx.natCount);
    return [
      line('aws_nat_gateway', 'NAT gateway', 1, HOURS_PER_MONTH, 'h', ctx.prices.natGatewayHourly),
      line('aws_nat_gateway', 'NAT data processed', 1, gb, 'GB', ctx.prices.natGatewayPerGb, `assumed ${forEnvironment(ctx.assumptions.natGbProcessedPerMonth, ctx.environment)} GB/month for the environment`),
    ];
  },

  aws_eip(_r, ctx) {
    return [line('aws_eip', 'Public IPv4 address (Elastic IP)', 1, HOURS_PER_MONTH, 'h', ctx.prices.publicIpv4Hourly)];
  },

  aws_vpc_endpoint(r, ctx) {
    const type = literalString(r.body.vpc_endpoint_type) ?? 'Gateway';
    const service = String(r.body.service_name).replace(/^com\.amazonaws\.(\$\{[^}]+\}|[a-z0-9-]+)\./, '');
    if (type === 'Gateway') return [line('aws_vpc_endpoint', 'Gateway endpoint', 1, 1, 'month', 0, 'gateway endpoints (S3, DynamoDB) are free')];
    if (type !== 'Interface') {
      ctx.problems.push(`${r.address}: vpc_endpoint_type "${type}" has no price in tools/cost/prices.ts`);
      return [];
    }
    const subnets = r.body.subnet_ids;
    const azs = Array.isArray(subnets) ? subnets.length : records(r.body.subnet_configuration).length;
    if (azs === 0 || (!Array.isArray(subnets) && subnets !== undefined)) {
      ctx.problems.push(`${r.address}: cannot count the endpoint's AZs (subnet_ids ${JSON.stringify(subnets)})`);
      return [];
    }
    return [line('aws_vpc_endpoint', 'Interface endpoint AZ-hours', azs, azs * HOURS_PER_MONTH, 'h', ctx.prices.interfaceEndpointAzHourly, `${service} x${azs}`)];
  },

  aws_db_instance(r, ctx) {
    const engine = literalString(r.body.engine) ?? (r.body.replicate_source_db !== undefined ? 'postgres' : undefined);
    if (engine !== 'postgres') {
      ctx.problems.push(`${r.address}: engine ${JSON.stringify(r.body.engine)} has no price table (tools/cost/prices.ts prices RDS for PostgreSQL)`);
      return [];
    }
    const instanceClass = literalString(r.body.instance_class);
    const classPrice = instanceClass ? ctx.prices.rdsPostgres[instanceClass] : undefined;
    if (!classPrice) {
      ctx.problems.push(`${r.address}: DB instance class ${JSON.stringify(r.body.instance_class)} has no ${ctx.region} price in tools/cost/prices.ts`);
      return [];
    }
    const multiAz = isTrue(r.body.multi_az);
    const copies = multiAz ? 2 : 1;
    const azLabel = multiAz ? 'Multi-AZ' : 'Single-AZ';
    const out: PricedLine[] = [line('aws_db_instance', `RDS ${instanceClass} (${azLabel})`, copies, copies * HOURS_PER_MONTH, 'h', classPrice.hourly, multiAz ? 'primary and standby' : undefined)];

    const storage = requireNumber(r, ctx, 'allocated_storage', r.body.allocated_storage);
    if (storage !== undefined) {
      const storageType = literalString(r.body.storage_type) ?? (r.body.iops !== undefined ? 'io1' : 'gp2');
      const storagePrice = ctx.prices.rdsStorageGbMonth[storageType];
      if (storagePrice === undefined) ctx.problems.push(`${r.address}: RDS storage type "${storageType}" has no ${ctx.region} price in tools/cost/prices.ts`);
      else out.push(line('aws_db_instance', `RDS ${storageType} storage (${azLabel})`, copies, storage * copies, 'GB-month', storagePrice, r.body.storage_type === undefined ? 'storage_type unset: RDS default gp2' : undefined));

      const retention = literalNumber(r.body.backup_retention_period) ?? 1;
      const billable = storage * ctx.assumptions.rdsBackupDailyChangeFraction * retention;
      if (retention > 0 && billable > 0) {
        out.push(line('aws_db_instance', 'RDS backup storage beyond the free allowance', 1, billable, 'GB-month', ctx.prices.rdsBackupGbMonth,
          `${retention} days x ${Math.round(ctx.assumptions.rdsBackupDailyChangeFraction * 100)}% daily change of ${storage} GB`));
      }
    }

    const piRetention = literalNumber(r.body.performance_insights_retention_period) ?? 7;
    const advanced = literalString(r.body.database_insights_mode) === 'advanced';
    if ((isTrue(r.body.performance_insights_enabled) && piRetention > 7) || advanced) {
      out.push(line('aws_db_instance', 'Database Insights (Performance Insights beyond 7 days)', 1, classPrice.vcpu * HOURS_PER_MONTH, 'vCPU-h', ctx.prices.databaseInsightsVcpuHourly,
        `${classPrice.vcpu} vCPU; retention ${piRetention} days; the standby is not billed`));
    }
    if (isTrue(r.body.manage_master_user_password)) {
      out.push(line('aws_db_instance', 'Secrets Manager secret (managed master password)', 1, 1, 'month', ctx.prices.secretMonthly));
    }
    return out;
  },

  aws_kms_key(_r, ctx) {
    return [line('aws_kms_key', 'KMS customer managed key', 1, 1, 'month', ctx.prices.kmsKeyMonthly, 'requests not priced')];
  },

  aws_kms_replica_key(_r, ctx) {
    return [line('aws_kms_replica_key', 'KMS replica key', 1, 1, 'month', ctx.prices.kmsKeyMonthly)];
  },

  aws_cloudwatch_log_group(r, ctx) {
    const name = literalString(r.body.name) ?? literalString(r.body.name_prefix) ?? '';
    const kind = logGroupKind(name);
    const logClass = literalString(r.body.log_group_class) === 'INFREQUENT_ACCESS' ? 'INFREQUENT_ACCESS' : 'STANDARD';
    const gb = ctx.assumptions.logGbIngestedPerMonth[kind];
    return [line('aws_cloudwatch_log_group', `CloudWatch Logs ingestion (${kind}${logClass === 'INFREQUENT_ACCESS' ? ', infrequent access' : ''})`, 1, gb, 'GB', ctx.prices.logsIngestPerGb[logClass], `assumed ${gb} GB/month per ${kind} log group`)];
  },

  aws_cloudwatch_metric_alarm(r, ctx) {
    const queries = records(r.body.metric_query);
    const periods = [r.body.period, ...queries.flatMap((q) => [q.period, firstRecord(q.metric)?.period])].map(literalNumber).filter((p): p is number => p !== undefined);
    const highResolution = periods.some((p) => p < HIGH_RESOLUTION_BELOW_SECONDS);
    const price = highResolution ? ctx.prices.alarmMonthly.highResolution : ctx.prices.alarmMonthly.standard;
    const resolution = highResolution ? 'high resolution' : 'standard resolution';
    // A Metrics Insights query alarm bills every metric its query analyses, which only AWS knows.
    const insights = queries.filter((q) => /^\s*SELECT\b/i.test(literalString(q.expression) ?? '')).length;
    if (insights > 0) {
      const perQuery = ctx.assumptions.metricsInsightsMetricsPerQuery;
      return [line('aws_cloudwatch_metric_alarm', `CloudWatch alarm, Metrics Insights query (${resolution})`, 1, insights * perQuery, 'metric-month', price, `assumed ${perQuery} metrics analysed per query`)];
    }
    // Metric math bills each metric it reads; anomaly detection three per metric.
    const metrics = Math.max(1, queries.filter((q) => q.metric !== undefined).length) * (r.body.threshold_metric_id !== undefined ? 3 : 1);
    return [line('aws_cloudwatch_metric_alarm', `CloudWatch alarm metric (${resolution})`, 1, metrics, 'metric-month', price)];
  },

  aws_cloudwatch_composite_alarm(_r, ctx) {
    return [line('aws_cloudwatch_composite_alarm', 'CloudWatch composite alarm', 1, 1, 'month', ctx.prices.alarmMonthly.composite)];
  },

  aws_s3_bucket(r, ctx) {
    const purpose = bucketPurpose(r);
    const gb = ctx.assumptions.s3GbStored[purpose];
    return [line('aws_s3_bucket', `S3 Standard storage (${purpose})`, 1, gb, 'GB-month', ctx.prices.s3StandardGbMonth, `assumed ${gb} GB for a ${purpose} bucket`)];
  },

  aws_sns_topic() {
    return [line('aws_sns_topic', 'SNS topic', 1, 1, 'month', 0, 'negligible: alarm volumes stay in the free tier (1M publishes, 1,000 emails a month)')];
  },

  aws_ecr_repository(_r, ctx) {
    const gb = ctx.assumptions.ecrGbPerRepository;
    return [line('aws_ecr_repository', 'ECR image storage', 1, gb, 'GB-month', ctx.prices.ecrGbMonth, `assumed ${gb} GB per repository`)];
  },

  aws_secretsmanager_secret(_r, ctx) {
    return [line('aws_secretsmanager_secret', 'Secrets Manager secret', 1, 1, 'month', ctx.prices.secretMonthly)];
  },
};

/** Standard or extended support for an EKS version on `asOf`, with a warning when it changes soon. */
export function eksSupport(version: string | undefined, supportType: string, asOf: string): { extended: boolean; note?: string; warning?: string } {
  if (version === undefined) return { extended: false, note: 'no version set: EKS creates the newest, in standard support' };
  const end = EKS_END_OF_STANDARD_SUPPORT[version];
  const known = Object.keys(EKS_END_OF_STANDARD_SUPPORT).sort(compareVersions);
  if (end === undefined) {
    const newer = known.length === 0 || compareVersions(version, known[known.length - 1]) > 0;
    return newer
      ? { extended: false, note: `${version} is newer than the EKS calendar in prices.ts: taken as in standard support` }
      : { extended: supportType !== 'STANDARD', note: `${version} is older than the EKS calendar in prices.ts: taken as past standard support` };
  }
  if (asOf >= end) {
    if (supportType === 'STANDARD') return { extended: false, note: `standard support ended ${end}; upgrade policy STANDARD means EKS upgrades it` };
    return { extended: true, note: `standard support ended ${end}` };
  }
  const days = Math.round((Date.parse(end) - Date.parse(asOf)) / 86_400_000);
  const note = `standard support until ${end}`;
  if (days <= 90 && supportType !== 'STANDARD') {
    return {
      extended: false,
      note,
      warning: `Kubernetes ${version} leaves standard support on ${end} (${days} days after ${asOf}); the control plane then bills the extended rate (6x) until upgraded`,
    };
  }
  return { extended: false, note };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function logGroupKind(name: string): LogGroupKind {
  if (/^\/aws\/vpc\/|flow-?log/i.test(name)) return 'vpcFlowLogs';
  if (/^\/aws\/eks\/.+\/cluster$/.test(name)) return 'eksControlPlane';
  if (/^\/aws\/rds\//.test(name)) return 'rds';
  if (/containerinsights|fluent|\/containers?\b|\/application\b|\/workloads?\b/i.test(name)) return 'containers';
  return 'other';
}

export function bucketPurpose(r: { readonly body: JsonObject }): BucketPurpose {
  const tags = isRecord(r.body.tags) ? r.body.tags : {};
  const tagged = ['purpose', 'Purpose', 'platform:purpose'].map((k) => literalString(tags[k])).find((v) => v !== undefined);
  const metadata = isRecord(r.body['//']) && isRecord((r.body['//'] as JsonObject).metadata) ? ((r.body['//'] as JsonObject).metadata as JsonObject) : {};
  const text = [tagged, literalString(r.body.bucket), literalString(r.body.bucket_prefix), literalString(metadata.path)].filter((v) => v !== undefined).join(' ').toLowerCase();
  if (/tfstate|terraform-state|\bstate\b|statebucket/.test(text)) return 'terraformState';
  if (/log/.test(text)) return 'logs';
  if (/raw/.test(text)) return 'rawData';
  if (/processed|curated|feature/.test(text)) return 'processedData';
  if (/artifact|model|mlflow/.test(text)) return 'modelArtifacts';
  return 'other';
}

interface LoadBalancerCount {
  readonly alb: number;
  readonly nlb: number;
  readonly internetFacing: number;
  readonly addresses: readonly string[];
}

/** Load balancers the AWS Load Balancer Controller makes from `Service`s of type LoadBalancer (NLB) and `Ingress`es (ALB, one per group). */
export function countLoadBalancers(objects: readonly JsonObject[]): LoadBalancerCount {
  let nlb = 0;
  let internetFacing = 0;
  const addresses: string[] = [];
  const albGroups = new Map<string, boolean>();
  for (const o of objects) {
    const metadata = isRecord(o.metadata) ? o.metadata : {};
    const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
    const spec = isRecord(o.spec) ? o.spec : {};
    const id = `${String(o.kind)}/${metadata.namespace ? `${String(metadata.namespace)}/` : ''}${String(metadata.name)}`;
    if (o.kind === 'Service' && spec.type === 'LoadBalancer') {
      nlb++;
      addresses.push(id);
      if (annotations['service.beta.kubernetes.io/aws-load-balancer-scheme'] === 'internet-facing') internetFacing++;
    } else if (o.kind === 'Ingress') {
      const ingressClass = spec.ingressClassName ?? annotations['kubernetes.io/ingress.class'];
      if (ingressClass !== undefined && ingressClass !== 'alb') continue;
      const group = typeof annotations['alb.ingress.kubernetes.io/group.name'] === 'string' ? `group:${annotations['alb.ingress.kubernetes.io/group.name']}` : `ingress:${id}`;
      const facing = annotations['alb.ingress.kubernetes.io/scheme'] === 'internet-facing';
      albGroups.set(group, (albGroups.get(group) ?? false) || facing);
      addresses.push(id);
    }
  }
  internetFacing += [...albGroups.values()].filter(Boolean).length;
  return { alb: albGroups.size, nlb, internetFacing, addresses };
}

function loadBalancerLines(environment: string, manifests: KubernetesManifests | undefined, publicSubnets: number, prices: RegionPrices, ctx: Context): { stackName: string; lines: RawLine[] } {
  const a = ctx.assumptions;
  const counted = manifests
    ? countLoadBalancers(manifests.objects)
    : { alb: a.defaultLoadBalancers.alb, nlb: a.defaultLoadBalancers.nlb, internetFacing: a.defaultLoadBalancers.alb + a.defaultLoadBalancers.nlb, addresses: [] };
  const stackName = manifests ? `load balancers (${manifests.source})` : 'load balancers (assumed)';
  const address = manifests ? `${manifests.source}` : `assumption: ${a.defaultLoadBalancers.alb} ALB per environment`;
  const lcu = forEnvironment(a.lcuPerLoadBalancer, environment);
  const azs = publicSubnets > 0 ? publicSubnets : a.defaultLoadBalancerAzs;
  const lines: RawLine[] = [];
  const add = (l: PricedLine) => lines.push({ ...l, address: l.address ?? address });
  if (counted.alb > 0) {
    add(line('k8s:Ingress', 'Application Load Balancer', counted.alb, counted.alb * HOURS_PER_MONTH, 'h', prices.alb.hourly));
    add(line('k8s:Ingress', 'ALB LCU-hours', counted.alb, counted.alb * lcu * HOURS_PER_MONTH, 'LCU-h', prices.alb.lcuHourly, `assumed ${lcu} LCU average`));
  }
  if (counted.nlb > 0) {
    add(line('k8s:Service', 'Network Load Balancer', counted.nlb, counted.nlb * HOURS_PER_MONTH, 'h', prices.nlb.hourly));
    add(line('k8s:Service', 'NLB NLCU-hours', counted.nlb, counted.nlb * lcu * HOURS_PER_MONTH, 'NLCU-h', prices.nlb.lcuHourly, `assumed ${lcu} NLCU average`));
  }
  if (counted.internetFacing > 0) {
    add(line(counted.alb > 0 ? 'k8s:Ingress' : 'k8s:Service', 'Public IPv4 addresses (internet-facing load balancer nodes)', counted.internetFacing * azs, counted.internetFacing * azs * HOURS_PER_MONTH, 'h', prices.publicIpv4Hourly,
      `${counted.internetFacing} internet-facing x ${azs} AZ${publicSubnets > 0 ? ' (public subnets)' : ' (assumed)'}`));
  }
  if (manifests && counted.addresses.length > 0) lines.forEach((l, i) => (lines[i] = { ...l, address: counted.addresses.join(', ') }));
  return { stackName, lines };
}

function toStackEstimate(name: string, raw: readonly RawLine[]): StackEstimate {
  // Same resource type, item and price make one line; their notes (e.g. endpoint services) are joined.
  const merged = new Map<string, { line: Omit<LineItem, 'addresses' | 'monthly' | 'note'>; addresses: string[]; notes: string[] }>();
  for (const l of raw) {
    const key = JSON.stringify([l.resourceType, l.item, l.unit, l.unitPrice]);
    const existing = merged.get(key);
    const { address, note, ...rest } = l;
    if (existing) {
      existing.line = { ...existing.line, count: existing.line.count + l.count, quantity: existing.line.quantity + l.quantity };
      existing.addresses.push(address);
      if (note && !existing.notes.includes(note)) existing.notes.push(note);
    } else {
      merged.set(key, { line: rest, addresses: [address], notes: note ? [note] : [] });
    }
  }
  const lines: LineItem[] = [...merged.values()].map(({ line: l, addresses, notes }) => ({
    ...l,
    monthly: round2(l.quantity * l.unitPrice),
    addresses,
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  }));
  return { name, monthly: round2(lines.reduce((sum, l) => sum + l.monthly, 0)), lines };
}

/** The estimate with money rounded to cents, as `--format json` prints it and `--compare` reads it. */
export function toJson(estimate: CostEstimate): CostEstimate {
  return {
    ...estimate,
    monthly: round2(estimate.monthly),
    environments: estimate.environments.map((e) => ({
      ...e,
      monthly: round2(e.monthly),
      stacks: e.stacks.map((s) => ({ ...s, monthly: round2(s.monthly), lines: s.lines.map((l) => ({ ...l, quantity: Math.round(l.quantity * 1000) / 1000, monthly: round2(l.monthly) })) })),
    })),
  };
}

export type ComparisonStatus = 'changed' | 'unchanged' | 'new' | 'removed';

export interface EnvironmentDelta {
  readonly name: string;
  readonly status: ComparisonStatus;
  readonly base: number;
  readonly current: number;
  readonly delta: number;
}

export interface Comparison {
  readonly environments: readonly EnvironmentDelta[];
  readonly base: number;
  readonly current: number;
  readonly delta: number;
}

/** Reads a previous `--format json` output; returns a message when it is not one. */
export function parseBaseEstimate(value: unknown): Pick<CostEstimate, 'environments' | 'monthly'> | string {
  if (!isRecord(value) || value.schemaVersion !== 1 || !Array.isArray(value.environments)) {
    return 'not a cost estimate (expected the output of `npm run cost -- --format json`, schemaVersion 1)';
  }
  for (const [i, e] of value.environments.entries()) {
    if (!isRecord(e) || typeof e.name !== 'string' || typeof e.monthly !== 'number') return `environments[${i}] has no name and monthly`;
  }
  return value as unknown as CostEstimate;
}

/** Per-environment change from `base` to `current`, flagging environments that appeared or went away. */
export function compareEstimates(current: Pick<CostEstimate, 'environments'>, base: Pick<CostEstimate, 'environments'>): Comparison {
  const baseByName = new Map(base.environments.map((e) => [e.name, round2(e.monthly)]));
  const currentByName = new Map(current.environments.map((e) => [e.name, round2(e.monthly)]));
  const names = [...new Set([...currentByName.keys(), ...baseByName.keys()])];
  const environments = names.map((name): EnvironmentDelta => {
    const b = baseByName.get(name);
    const c = currentByName.get(name);
    const status: ComparisonStatus = b === undefined ? 'new' : c === undefined ? 'removed' : Math.abs(c - b) < 0.005 ? 'unchanged' : 'changed';
    return { name, status, base: b ?? 0, current: c ?? 0, delta: round2((c ?? 0) - (b ?? 0)) };
  });
  const sum = (f: (e: EnvironmentDelta) => number) => round2(environments.reduce((s, e) => s + f(e), 0));
  return { environments, base: sum((e) => e.base), current: sum((e) => e.current), delta: sum((e) => e.delta) };
}

/** Resource types present in `stacks` that the estimate prices (directly or through another resource). */
export function pricedTypesPresent(stacks: readonly StackInput[]): string[] {
  const present = new Set(stacks.flatMap((s) => resourcesOf(s).map((r) => r.type)));
  return [...present].filter((t) => isPricedType(t)).sort();
}

