/**
 * Extracts a small typed model of one environment's architecture from the synthesized Terraform JSON
 * (`cdktf.out/stacks/<stack>/cdk.tf.json`) and the Kubernetes manifests (`dist/k8s/<env>/*.yaml`).
 * `dot.ts` renders the model; nothing here knows about Graphviz.
 *
 * References are followed across stacks: `${data.terraform_remote_state.<x>.outputs.<out>}` is resolved
 * through the remote state's `key` (`<stack>/terraform.tfstate`) to the output of the stack that owns it.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The parts of a `cdk.tf.json` the diagram reads. */
export interface TerraformJson {
  provider?: Record<string, JsonObject[] | JsonObject>;
  resource?: Record<string, Record<string, JsonObject>>;
  data?: Record<string, Record<string, JsonObject>>;
  output?: Record<string, { value?: Json }>;
}

export interface StackInput {
  readonly name: string;
  readonly json: TerraformJson;
}

export interface DiagramInput {
  readonly stacks: readonly StackInput[];
  /** Parsed Kubernetes objects from `dist/k8s/<env>/*.yaml`, by environment. */
  readonly manifests?: Readonly<Record<string, readonly Json[]>>;
}

export type Tier = 'public' | 'private' | 'database' | 'other';
export const TIERS: readonly Tier[] = ['public', 'private', 'database', 'other'];

export interface SubnetModel {
  readonly id: string;
  readonly name: string;
  readonly tier: Tier;
  readonly az: string;
  readonly cidr: string;
}
export interface NatGatewayModel {
  readonly id: string;
  readonly name: string;
  readonly az: string;
  /** The public subnet it sits in. */
  readonly subnetId?: string;
}
export interface EndpointModel {
  readonly id: string;
  /** Service suffix: `s3`, `ecr.api`, `sts`. */
  readonly service: string;
  readonly type: 'Gateway' | 'Interface';
}
export interface VpcModel {
  readonly id: string;
  readonly name: string;
  readonly cidr: string;
  readonly subnets: readonly SubnetModel[];
  readonly natGateways: readonly NatGatewayModel[];
  readonly endpoints: readonly EndpointModel[];
}
export interface NodeGroupModel {
  readonly id: string;
  readonly name: string;
  readonly instanceTypes: readonly string[];
  readonly capacityType: string;
  readonly minSize?: number;
  readonly maxSize?: number;
  readonly desiredSize?: number;
}
export interface ClusterModel {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly nodeGroups: readonly NodeGroupModel[];
  /** Subnets of the control-plane ENIs and the nodes. */
  readonly subnetIds: readonly string[];
}
export interface InstanceModel {
  readonly id: string;
  readonly name: string;
  readonly instanceType: string;
  readonly subnetId?: string;
}
export interface DatabaseModel {
  readonly id: string;
  readonly identifier: string;
  readonly engine: string;
  readonly engineVersion: string;
  readonly instanceClass: string;
  readonly multiAz: boolean;
  readonly allocatedStorageGiB?: number;
  readonly subnetIds: readonly string[];
}
export interface BucketModel {
  readonly id: string;
  readonly name: string;
}
export interface RepositoryModel {
  readonly id: string;
  readonly name: string;
}
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'CronJob' | 'Job' | 'HelmRelease';
export interface WorkloadModel {
  readonly id: string;
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  /** Short facts for the label: `2 replicas`, a cron schedule, `chart airflow 1.16.0`. */
  readonly detail: string;
}
export type EdgeKind = 'placement' | 'secret' | 'irsa' | 'pull' | 'egress';
export interface EdgeModel {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly label: string;
}
export interface EnvironmentModel {
  readonly name: string;
  readonly region?: string;
  readonly stacks: readonly string[];
  readonly vpc?: VpcModel;
  readonly cluster?: ClusterModel;
  readonly instances: readonly InstanceModel[];
  readonly databases: readonly DatabaseModel[];
  readonly buckets: readonly BucketModel[];
  /** ECR repositories of the `shared` stack, which every environment pulls from. */
  readonly repositories: readonly RepositoryModel[];
  readonly workloads: readonly WorkloadModel[];
  readonly edges: readonly EdgeModel[];
}

/** Stacks that belong to no environment; `shared` holds the registries every environment uses. */
export const GLOBAL_STACKS = ['shared', 'bootstrap'] as const;

/** The environment a stack belongs to: `dev-network` -> `dev`; undefined for global stacks. */
export function environmentOf(stack: string): string | undefined {
  if ((GLOBAL_STACKS as readonly string[]).includes(stack)) return undefined;
  const dash = stack.lastIndexOf('-');
  return dash > 0 ? stack.slice(0, dash) : stack;
}

// ---------------------------------------------------------------------------------------------
// References

/** `<stack>:<type>.<name>` for resources, `<stack>:data.<type>.<name>` for data sources. */
export type Address = string;
interface Reference {
  readonly address: Address;
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  /** What follows the name: `arn`, `master_user_secret[0].secret_arn`. */
  readonly attribute: string;
}

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const asString = (value: Json | undefined): string | undefined => (typeof value === 'string' ? value : undefined);
const asNumber = (value: Json | undefined): number | undefined => (typeof value === 'number' ? value : undefined);
/** cdktf writes single blocks as objects or one-element arrays; read either. */
const block = (value: Json | undefined): JsonObject | undefined => (Array.isArray(value) ? block(value[0]) : isObject(value) ? value : undefined);
const strings = (value: Json | undefined): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** Every string anywhere inside `value`. */
function allStrings(value: Json | undefined, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => allStrings(v, out));
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) if (k !== '//') allStrings(v, out);
  return out;
}

class References {
  private readonly byName = new Map<string, StackInput>();
  private readonly outputsSeen = new Set<string>();

  constructor(stacks: readonly StackInput[]) {
    for (const stack of stacks) this.byName.set(stack.name, stack);
  }

  resource(address: Address): JsonObject | undefined {
    const [stack, rest] = splitAddress(address);
    const json = this.byName.get(stack)?.json;
    if (!json) return undefined;
    if (rest.startsWith('data.')) {
      const [, type, name] = rest.split('.');
      return json.data?.[type]?.[name];
    }
    const dot = rest.indexOf('.');
    return json.resource?.[rest.slice(0, dot)]?.[rest.slice(dot + 1)];
  }

  /** The resources and data sources `value` refers to, following remote state into other stacks. */
  in(stack: string, value: Json | undefined): Reference[] {
    const found: Reference[] = [];
    for (const text of allStrings(value)) {
      if (!text.includes('${')) continue;
      for (const match of text.matchAll(/\b(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)((?:\.[A-Za-z0-9_-]+|\[\d+\])*)/g)) {
        const [, data, type, name, tail] = match;
        const attribute = tail.replace(/^\./, '');
        if (data && type === 'terraform_remote_state') {
          const output = /^outputs\.([A-Za-z0-9_-]+)/.exec(attribute)?.[1];
          if (output) found.push(...this.throughRemoteState(stack, name, output));
          continue;
        }
        const json = this.byName.get(stack)?.json;
        const exists = data ? json?.data?.[type]?.[name] : json?.resource?.[type]?.[name];
        if (!exists) continue;
        const address = `${stack}:${data ? 'data.' : ''}${type}.${name}`;
        found.push({ address, stack, type: data ? `data.${type}` : type, name, attribute });
      }
    }
    return found;
  }

  private throughRemoteState(stack: string, stateName: string, output: string): Reference[] {
    const state = this.byName.get(stack)?.json.data?.terraform_remote_state?.[stateName];
    const key = asString(block(state?.config)?.key);
    const source = key?.replace(/\/terraform\.tfstate$/, '') ?? stateName.replace(/^cross-stack-reference-input-/, '');
    const guard = `${source}:${output}`;
    if (this.outputsSeen.has(guard)) return [];
    this.outputsSeen.add(guard);
    try {
      return this.in(source, this.byName.get(source)?.json.output?.[output]?.value);
    } finally {
      this.outputsSeen.delete(guard);
    }
  }
}

function splitAddress(address: Address): [string, string] {
  const colon = address.indexOf(':');
  return [address.slice(0, colon), address.slice(colon + 1)];
}

// ---------------------------------------------------------------------------------------------
// Extraction

interface Item {
  readonly address: Address;
  readonly stack: string;
  readonly name: string;
  readonly body: JsonObject;
}

/** Every resource of `type` in `stacks`. */
function resourcesOf(stacks: readonly StackInput[], type: string): Item[] {
  return stacks.flatMap((stack) =>
    Object.entries(stack.json.resource?.[type] ?? {}).map(([name, body]) => ({ address: `${stack.name}:${type}.${name}`, stack: stack.name, name, body })),
  );
}

const tagName = (body: JsonObject): string | undefined => asString(block(body.tags)?.Name);

function tierOf(body: JsonObject): Tier {
  const tags = block(body.tags) ?? {};
  const explicit = asString(tags['platform:tier']);
  if (explicit === 'public' || explicit === 'private' || explicit === 'database') return explicit;
  const name = tagName(body) ?? '';
  if (/public/.test(name)) return 'public';
  if (/database|\bdb\b|-db-/.test(name)) return 'database';
  if (/private/.test(name)) return 'private';
  return 'other';
}

/** The names of every environment in the input: from stack names and from manifest folders. */
export function environmentNames(input: DiagramInput): string[] {
  const names = new Set<string>();
  for (const stack of input.stacks) {
    const env = environmentOf(stack.name);
    if (env) names.add(env);
  }
  for (const env of Object.keys(input.manifests ?? {})) names.add(env);
  return [...names].sort();
}

/** Builds every environment's model. */
export function buildModels(input: DiagramInput): EnvironmentModel[] {
  return environmentNames(input).map((env) => buildEnvironmentModel(input, env));
}

export function buildEnvironmentModel(input: DiagramInput, env: string): EnvironmentModel {
  const refs = new References(input.stacks);
  const stacks = input.stacks.filter((s) => environmentOf(s.name) === env);
  const shared = input.stacks.filter((s) => s.name === 'shared');
  const edges: EdgeModel[] = [];
  const edge = (from: string, to: string, kind: EdgeKind, label: string) => {
    if (!edges.some((e) => e.from === from && e.to === to && e.kind === kind)) edges.push({ from, to, kind, label });
  };
  const refsOfType = (stack: string, value: Json | undefined, type: string) => refs.in(stack, value).filter((r) => r.type === type);

  // ---- Network
  const vpcItem = resourcesOf(stacks, 'aws_vpc')[0];
  const subnets: SubnetModel[] = resourcesOf(stacks, 'aws_subnet')
    .map((s) => ({
      id: s.address,
      name: tagName(s.body) ?? s.name,
      tier: tierOf(s.body),
      az: asString(s.body.availability_zone) ?? '',
      cidr: asString(s.body.cidr_block) ?? '',
    }))
    .sort((a, b) => TIERS.indexOf(a.tier) - TIERS.indexOf(b.tier) || a.az.localeCompare(b.az));
  const subnetById = new Map(subnets.map((s) => [s.id, s]));
  const subnetRefs = (stack: string, value: Json | undefined) => [...new Set(refsOfType(stack, value, 'aws_subnet').map((r) => r.address))].filter((a) => subnetById.has(a));
  const natGateways: NatGatewayModel[] = resourcesOf(stacks, 'aws_nat_gateway').map((n) => {
    const subnetId = subnetRefs(n.stack, n.body.subnet_id)[0];
    return { id: n.address, name: tagName(n.body) ?? n.name, az: (subnetId && subnetById.get(subnetId)?.az) || '', subnetId };
  });
  const endpoints: EndpointModel[] = resourcesOf(stacks, 'aws_vpc_endpoint').map((e) => ({
    id: e.address,
    service: (asString(e.body.service_name) ?? '').replace(/^.*\}\./, '').replace(/^com\.amazonaws\.[a-z0-9-]+\./, ''),
    type: asString(e.body.vpc_endpoint_type) === 'Interface' ? 'Interface' : 'Gateway',
  }));
  const vpc: VpcModel | undefined = vpcItem && {
    id: vpcItem.address,
    name: tagName(vpcItem.body) ?? env,
    cidr: asString(vpcItem.body.cidr_block) ?? '',
    subnets,
    natGateways,
    endpoints,
  };
  for (const nat of natGateways) if (nat.subnetId) edge(nat.id, nat.subnetId, 'placement', '');

  // ---- Cluster
  const clusterItem = resourcesOf(stacks, 'aws_eks_cluster')[0];
  let cluster: ClusterModel | undefined;
  if (clusterItem) {
    const launchTemplates = new Map(resourcesOf(stacks, 'aws_launch_template').map((t) => [t.address, t.body]));
    const nodeGroups: NodeGroupModel[] = resourcesOf(stacks, 'aws_eks_node_group').map((g) => {
      const scaling = block(g.body.scaling_config) ?? {};
      const template = refsOfType(g.stack, g.body.launch_template, 'aws_launch_template')[0];
      const templateType = template && asString(launchTemplates.get(template.address)?.instance_type);
      return {
        id: g.address,
        name: asString(g.body.node_group_name) ?? g.name,
        instanceTypes: strings(g.body.instance_types).length > 0 ? strings(g.body.instance_types) : templateType ? [templateType] : [],
        capacityType: asString(g.body.capacity_type) ?? 'ON_DEMAND',
        minSize: asNumber(scaling.min_size),
        maxSize: asNumber(scaling.max_size),
        desiredSize: asNumber(scaling.desired_size),
      };
    });
    const subnetIds = subnetRefs(clusterItem.stack, block(clusterItem.body.vpc_config)?.subnet_ids);
    cluster = {
      id: clusterItem.address,
      name: asString(clusterItem.body.name) ?? clusterItem.name,
      version: asString(clusterItem.body.version) ?? '',
      nodeGroups,
      subnetIds,
    };
    for (const subnet of subnetIds) edge(cluster.id, subnet, 'placement', 'ENIs, nodes');
  }

  const instances: InstanceModel[] = resourcesOf(stacks, 'aws_instance').map((i) => {
    const subnetId = subnetRefs(i.stack, i.body.subnet_id)[0];
    if (subnetId) edge(i.address, subnetId, 'placement', '');
    return { id: i.address, name: tagName(i.body) ?? i.name, instanceType: asString(i.body.instance_type) ?? '', subnetId };
  });

  // ---- Data
  const databases: DatabaseModel[] = resourcesOf(stacks, 'aws_db_instance').map((d) => {
    const group = refsOfType(d.stack, d.body.db_subnet_group_name, 'aws_db_subnet_group')[0];
    const subnetIds = group ? subnetRefs(group.stack, refs.resource(group.address)?.subnet_ids) : [];
    for (const subnet of subnetIds) edge(d.address, subnet, 'placement', 'subnet group');
    return {
      id: d.address,
      identifier: asString(d.body.identifier) ?? d.name,
      engine: asString(d.body.engine) ?? '',
      engineVersion: asString(d.body.engine_version) ?? '',
      instanceClass: asString(d.body.instance_class) ?? '',
      multiAz: d.body.multi_az === true,
      allocatedStorageGiB: asNumber(d.body.allocated_storage),
      subnetIds,
    };
  });
  const buckets: BucketModel[] = resourcesOf(stacks, 'aws_s3_bucket')
    .map((b) => ({ id: b.address, name: asString(b.body.bucket) ?? b.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const repositories: RepositoryModel[] = resourcesOf(shared, 'aws_ecr_repository')
    .map((r) => ({ id: r.address, name: asString(r.body.name) ?? r.name }))
    .sort((a, b) => a.name.localeCompare(b.name));

  // ---- IRSA roles: who may assume them (service accounts) and what their inline policies reach.
  const roles = resourcesOf(stacks, 'aws_iam_role').map((role) => {
    const trust = refs.in(role.stack, role.body.assume_role_policy).map((r) => refs.resource(r.address));
    const serviceAccounts = new Set<string>();
    for (const text of allStrings([role.body.assume_role_policy ?? null, ...trust.map((t) => t ?? null)])) {
      for (const m of text.matchAll(/system:serviceaccount:([a-z0-9-]+):([a-z0-9.*-]+)/g)) serviceAccounts.add(`${m[1]}:${m[2]}`);
    }
    return { item: role, name: asString(role.body.name) ?? role.name, serviceAccounts, reaches: [] as Reference[] };
  });
  const roleByAddress = new Map(roles.map((r) => [r.item.address, r]));
  for (const policy of resourcesOf(stacks, 'aws_iam_role_policy')) {
    const role = refsOfType(policy.stack, policy.body.role, 'aws_iam_role').map((r) => roleByAddress.get(r.address))[0];
    if (!role) continue;
    const documents = refs.in(policy.stack, policy.body.policy);
    role.reaches.push(...documents);
    for (const doc of documents) role.reaches.push(...refs.in(doc.stack, refs.resource(doc.address)));
  }
  const bucketByName = new Map(buckets.map((b) => [b.name, b]));
  const bucketsReached = (reaches: readonly Reference[], literal: readonly string[]) => {
    const ids = new Set(reaches.filter((r) => r.type === 'aws_s3_bucket').map((r) => r.address));
    for (const text of literal) for (const m of text.matchAll(/arn:aws[a-z-]*:s3:::([a-z0-9.-]+)/g)) if (bucketByName.has(m[1])) ids.add(bucketByName.get(m[1])!.id);
    return [...ids].filter((id) => buckets.some((b) => b.id === id));
  };
  const databasesReached = (reaches: readonly Reference[]) => [...new Set(reaches.filter((r) => r.type === 'aws_db_instance').map((r) => r.address))];

  // ---- Workloads: Kubernetes objects (YAML and Terraform) and Helm releases.
  const workloads: WorkloadModel[] = [];
  const imagesUsed = new Set<string>();
  const objects: { stack?: string; object: JsonObject }[] = [];
  for (const object of input.manifests?.[env] ?? []) if (isObject(object)) objects.push({ object });
  for (const item of resourcesOf(stacks, 'kubernetes_manifest')) {
    const manifest = block(item.body.manifest);
    if (manifest) objects.push({ stack: item.stack, object: manifest });
  }
  for (const [type, kind] of Object.entries(TERRAFORM_KUBERNETES_KINDS)) {
    for (const item of resourcesOf(stacks, type)) objects.push({ stack: item.stack, object: { ...item.body, kind, metadata: block(item.body.metadata) ?? {} } });
  }
  const serviceAccountRoles = new Map<string, Reference[]>();
  const serviceAccountRoleNames = new Map<string, string[]>();
  for (const { stack, object } of objects) {
    if (object.kind !== 'ServiceAccount') continue;
    const meta = block(object.metadata) ?? {};
    const key = `${asString(meta.namespace) ?? 'default'}:${asString(meta.name) ?? ''}`;
    const annotation = block(meta.annotations)?.['eks.amazonaws.com/role-arn'];
    if (stack) serviceAccountRoles.set(key, refsOfType(stack, annotation, 'aws_iam_role'));
    const arn = asString(annotation);
    if (arn && !arn.includes('${')) serviceAccountRoleNames.set(key, [arn.replace(/^.*:role\/(?:.*\/)?/, '')]);
  }
  const seen = new Set<string>();
  for (const { stack, object } of objects) {
    const kind = asString(object.kind) as WorkloadKind | undefined;
    if (!kind || !WORKLOAD_KINDS.includes(kind)) continue;
    const meta = block(object.metadata) ?? {};
    const namespace = asString(meta.namespace) ?? 'default';
    const name = asString(meta.name) ?? '?';
    const key = `${kind}/${namespace}/${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const id = `k8s:${key}`;
    const pod = podSpecOf(object);
    workloads.push({ id, kind, namespace, name, detail: workloadDetail(object, kind) });
    const images = (pod ? [...arrayOf(pod.containers), ...arrayOf(pod.initContainers, pod.init_container), ...arrayOf(pod.container)] : []).map((c) => asString(c.image)).filter((i): i is string => !!i);
    images.forEach((i) => imagesUsed.add(i));
    const saName = asString(pod?.serviceAccountName) ?? asString(pod?.service_account_name) ?? 'default';
    const saKey = `${namespace}:${saName}`;
    const workloadRoles = [
      ...roles.filter((r) => r.serviceAccounts.has(saKey) || r.serviceAccounts.has(`${namespace}:*`)),
      ...(serviceAccountRoles.get(saKey) ?? []).map((r) => roleByAddress.get(r.address)).filter((r) => r !== undefined),
      ...roles.filter((r) => (serviceAccountRoleNames.get(saKey) ?? []).includes(r.name)),
    ];
    linkWorkload(id, stack, object, workloadRoles);
  }
  for (const release of resourcesOf(stacks, 'helm_release')) {
    const namespace = asString(release.body.namespace) ?? 'default';
    const name = asString(release.body.name) ?? release.name;
    const id = `helm:${namespace}/${name}`;
    const chart = asString(release.body.chart) ?? '';
    const version = asString(release.body.version) ?? '';
    workloads.push({ id, kind: 'HelmRelease', namespace, name, detail: `chart ${chart}${version ? ` ${version}` : ''}` });
    const values = allStrings(release.body.values ?? null).join('\n');
    const referenced = refsOfType(release.stack, release.body, 'aws_iam_role').map((r) => roleByAddress.get(r.address));
    const bySa = roles.filter((r) => [...r.serviceAccounts].some((sa) => sa.startsWith(`${namespace}:`) && values.includes(sa.slice(namespace.length + 1))));
    linkWorkload(id, release.stack, release.body, [...referenced.filter((r) => r !== undefined), ...bySa]);
    for (const m of values.matchAll(/\brepository:\s*["']?([^\s"']+)/g)) imagesUsed.add(m[1]);
  }

  function linkWorkload(id: string, stack: string | undefined, body: JsonObject, workloadRoles: typeof roles): void {
    const direct = stack ? refs.in(stack, body) : [];
    for (const db of databasesReached(direct)) edge(id, db, 'secret', 'credentials secret');
    for (const role of new Set(workloadRoles)) {
      for (const bucket of bucketsReached(role.reaches, allStrings(role.reaches.map((r) => refs.resource(r.address) ?? null)))) edge(id, bucket, 'irsa', `IRSA ${role.name}`);
      for (const db of databasesReached(role.reaches)) edge(id, db, 'secret', `secret via IRSA ${role.name}`);
    }
    // A secret named for the database (env `secretKeyRef`, `envFrom`) when the environment has one database.
    if (databases.length === 1 && !edges.some((e) => e.from === id && e.kind === 'secret')) {
      const secretNames = secretNamesOf(body);
      if (secretNames.some((n) => /(^|[-_])(db|database|postgres|postgresql|rds)([-_]|$)/.test(n))) edge(id, databases[0].id, 'secret', `secret ${secretNames.find((n) => /db|database|postgres|rds/.test(n))}`);
    }
  }

  // ---- Nodes pull images from the shared registry: the repositories the workloads use, else all.
  if (cluster && cluster.nodeGroups.length > 0) {
    const used = repositories.filter((r) => [...imagesUsed].some((image) => new RegExp(`/${escapeRegExp(r.name)}(:|@|$)`).test(image)));
    for (const repository of used.length > 0 ? used : repositories) edge(`${cluster.id}#nodes`, repository.id, 'pull', 'pull images');
  }

  const provider = input.stacks.find((s) => s.name.startsWith(`${env}-`))?.json.provider?.aws;
  const region = asString(block(provider as Json)?.region);
  return {
    name: env,
    region,
    stacks: stacks.map((s) => s.name),
    vpc,
    cluster,
    instances,
    databases,
    buckets,
    repositories,
    workloads: workloads.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name)),
    edges,
  };
}

const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job'];

/** Typed resources of the kubernetes provider, as the Kubernetes kind they create. */
const TERRAFORM_KUBERNETES_KINDS: Record<string, string> = {
  kubernetes_deployment_v1: 'Deployment',
  kubernetes_deployment: 'Deployment',
  kubernetes_stateful_set_v1: 'StatefulSet',
  kubernetes_daemon_set_v1: 'DaemonSet',
  kubernetes_cron_job_v1: 'CronJob',
  kubernetes_job_v1: 'Job',
  kubernetes_service_account_v1: 'ServiceAccount',
  kubernetes_service_account: 'ServiceAccount',
};

function arrayOf(...values: (Json | undefined)[]): JsonObject[] {
  return values.flatMap((v) => (Array.isArray(v) ? v.filter(isObject) : isObject(v) ? [v] : []));
}

/** The pod spec of a workload, in Kubernetes (camelCase) or kubernetes-provider (snake_case) form. */
function podSpecOf(object: JsonObject): JsonObject | undefined {
  const spec = block(object.spec);
  const template = (s: JsonObject | undefined) => block(block(s?.template)?.spec);
  if (object.kind === 'CronJob') {
    const jobTemplate = block(spec?.jobTemplate) ?? block(spec?.job_template);
    return template(block(jobTemplate?.spec));
  }
  return template(spec);
}

function workloadDetail(object: JsonObject, kind: WorkloadKind): string {
  const spec = block(object.spec) ?? {};
  if (kind === 'CronJob') return asString(spec.schedule) ?? '';
  const replicas = asNumber(spec.replicas);
  return replicas !== undefined ? `${replicas} replica${replicas === 1 ? '' : 's'}` : '';
}

/** Names of the Secrets a workload reads through env, envFrom or volumes. */
function secretNamesOf(value: Json | undefined, out = new Set<string>()): string[] {
  if (Array.isArray(value)) value.forEach((v) => secretNamesOf(v, out));
  else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (/^(secretKeyRef|secretRef|secret_key_ref|secret_ref)$/.test(key)) {
        const name = asString(block(v)?.name);
        if (name) out.add(name);
      } else if (key === 'secret' || key === 'secretName' || key === 'secret_name') {
        const name = asString(block(v)?.secretName) ?? asString(block(v)?.secret_name) ?? asString(v);
        if (name) out.add(name);
      }
      secretNamesOf(v, out);
    }
  }
  return [...out];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
