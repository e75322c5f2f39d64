/**
 * Renders an `EnvironmentModel` as Graphviz DOT: the VPC with one box per subnet tier (subnets by
 * AZ, NAT gateways), endpoints, the EKS cluster with its node groups and workloads by namespace, the
 * database, the buckets and the shared ECR repositories, edges for what talks to what, and a legend.
 */
import type { EdgeKind, EdgeModel, EnvironmentModel, NodeGroupModel, Tier, WorkloadModel } from './model';

const FONT = 'Helvetica';

const TIER_STYLE: Record<Tier, { label: string; fill: string; border: string }> = {
  public: { label: 'Public subnets', fill: '#EEF6EA', border: '#7AA116' },
  private: { label: 'Private subnets', fill: '#E8F1FA', border: '#147EBA' },
  database: { label: 'Database subnets', fill: '#EFEBFA', border: '#6B4FBB' },
  other: { label: 'Other subnets', fill: '#F4F4F4', border: '#888888' },
};

const EDGE_STYLE: Record<EdgeKind, { color: string; style: string; legend: string; penwidth: number }> = {
  placement: { color: '#7D8998', style: 'solid', legend: 'runs in / attached to', penwidth: 1.2 },
  secret: { color: '#C7131F', style: 'dotted', legend: 'reads database credentials (secret)', penwidth: 1.8 },
  irsa: { color: '#3F8624', style: 'dashed', legend: 'reads / writes bucket (IRSA role)', penwidth: 1.5 },
  pull: { color: '#D86613', style: 'bold', legend: 'pulls images', penwidth: 1.5 },
  egress: { color: '#7D8998', style: 'solid', legend: 'egress', penwidth: 1 },
};

const COLORS = {
  vpc: '#8C4FFF',
  nat: { fill: '#F1EAFF', border: '#8C4FFF' },
  endpoint: { fill: '#FFFFFF', border: '#8C4FFF' },
  eks: { fill: '#FFF7EC', border: '#ED7100' },
  nodeGroup: { fill: '#FFE3C2', border: '#ED7100' },
  workload: { fill: '#FFFFFF', border: '#ED7100' },
  helm: { fill: '#FFFFFF', border: '#0F1689' },
  database: { fill: '#E6E9FF', border: '#3334B9' },
  bucket: { fill: '#EAF4E4', border: '#3F8624' },
  repository: { fill: '#FFF0DB', border: '#D86613' },
  instance: { fill: '#FFF3E0', border: '#ED7100' },
};

/** Escapes text for Graphviz HTML-like labels. */
function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A quoted DOT id. */
function id(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** An HTML-like label: a title and smaller lines of facts. Bold only for boxes (clusters): Graphviz's
 * width estimate ignores bold, so bold node text would overflow its node. */
function label(title: string, ...facts: (string | undefined | false)[]): string {
  return richLabel(false, title, ...facts);
}

function clusterLabel(title: string, ...facts: (string | undefined | false)[]): string {
  return richLabel(true, title, ...facts);
}

function richLabel(bold: boolean, title: string, ...facts: (string | undefined | false)[]): string {
  const lines = facts.filter((f): f is string => typeof f === 'string' && f.length > 0);
  const small = lines.map((l) => `<br/><font point-size="9" color="#444444">${html(l)}</font>`).join('');
  const head = title ? (bold ? `<font point-size="13"><b>${html(title)}</b></font>` : html(title)) : '';
  return `<${head}${head && small ? small : small.replace(/^<br\/>/, '')}>`;
}

function node(nodeId: string, nodeLabel: string, style: { fill: string; border: string }, shape = 'box', extra = ''): string {
  return `${id(nodeId)} [label=${nodeLabel}, shape=${shape}, style="rounded,filled", fillcolor="${style.fill}", color="${style.border}"${extra ? `, ${extra}` : ''}];`;
}

function clusterId(kind: string, name: string): string {
  return `cluster_${kind}_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
}

function range(group: NodeGroupModel): string | undefined {
  if (group.minSize === undefined || group.maxSize === undefined) return undefined;
  const desired = group.desiredSize !== undefined ? `, desired ${group.desiredSize}` : '';
  return `${group.minSize}-${group.maxSize} nodes${desired}`;
}

class Writer {
  private readonly lines: string[] = [];
  private depth = 0;
  line(text: string): void {
    this.lines.push(`${'  '.repeat(this.depth)}${text}`);
  }
  open(text: string): void {
    this.line(`${text} {`);
    this.depth++;
  }
  close(): void {
    this.depth--;
    this.line('}');
  }
  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}

/** DOT for one environment. */
export function renderDot(model: EnvironmentModel): string {
  const w = new Writer();
  const tierCluster = (tier: Tier) => clusterId('tier', tier);
  const subnetsOf = (tier: Tier) => model.vpc?.subnets.filter((s) => s.tier === tier) ?? [];
  const nodeGroupsCluster = model.cluster ? clusterId('nodegroups', model.cluster.name) : '';

  const title = `${model.name}${model.region ? ` (${model.region})` : ''}: architecture`;
  w.open(`digraph ${id(model.name)}`);
  w.line(`graph [label=${clusterLabel(title, `from ${model.stacks.join(', ') || 'no stacks'}`)}, labelloc=t, fontname="${FONT}", fontsize=18, compound=true, newrank=true, rankdir=TB, nodesep=0.25, ranksep=0.55, pad=0.3, bgcolor="white"];`);
  w.line(`node [fontname="${FONT}", fontsize=11, margin="0.2,0.07"];`);
  w.line(`edge [fontname="${FONT}", fontsize=9, arrowsize=0.7];`);

  // ---- VPC
  if (model.vpc) {
    const vpc = model.vpc;
    w.open(`subgraph ${clusterId('vpc', vpc.name)}`);
    w.line(`label=${clusterLabel(`VPC ${vpc.name}`, `${vpc.cidr} · ${new Set(vpc.subnets.map((s) => s.az)).size} AZs · ${vpc.natGateways.length} NAT gateway${vpc.natGateways.length === 1 ? '' : 's'}`)};`);
    w.line(`style="rounded"; color="${COLORS.vpc}"; penwidth=2; fontname="${FONT}"; labeljust=l;`);
    for (const tier of ['public', 'private', 'database', 'other'] as Tier[]) {
      const subnets = subnetsOf(tier);
      if (subnets.length === 0) continue;
      const style = TIER_STYLE[tier];
      w.open(`subgraph ${tierCluster(tier)}`);
      w.line(`label=${clusterLabel(style.label)}; style="rounded,filled"; fillcolor="${style.fill}"; color="${style.border}"; fontname="${FONT}"; labeljust=l;`);
      for (const subnet of subnets) w.line(node(subnet.id, label(subnet.az || subnet.name, subnet.cidr), { fill: '#FFFFFF', border: style.border }));
      if (tier === 'public') {
        for (const nat of vpc.natGateways) w.line(node(nat.id, label('NAT gateway', nat.az), COLORS.nat, 'box', 'style="filled"'));
      }
      if (tier === 'private' && vpc.endpoints.length > 0) {
        const gateway = vpc.endpoints.filter((e) => e.type === 'Gateway').map((e) => e.service);
        const iface = vpc.endpoints.filter((e) => e.type === 'Interface').map((e) => e.service);
        w.line(node(endpointsId(model), label('VPC endpoints', gateway.length ? `gateway: ${gateway.join(', ')}` : '', iface.length ? `interface: ${iface.join(', ')}` : ''), COLORS.endpoint, 'box', 'style="rounded,dashed,filled"'));
      }
      w.line(`{ rank=same; ${[...subnets.map((s) => id(s.id)), ...(tier === 'public' ? vpc.natGateways.map((n) => id(n.id)) : []), ...(tier === 'private' && vpc.endpoints.length > 0 ? [id(endpointsId(model))] : [])].join('; ')} }`);
      w.close();
    }
    for (const instance of model.instances) w.line(node(instance.id, label(instance.name, `EC2 ${instance.instanceType}`), COLORS.instance));
    renderCluster(w, model, nodeGroupsCluster);
    for (const db of model.databases) {
      w.line(
        node(db.id, label(`RDS ${db.identifier}`, `${db.engine} ${db.engineVersion} · ${db.instanceClass}`, `${db.multiAz ? 'Multi-AZ' : 'single-AZ'}${db.allocatedStorageGiB ? ` · ${db.allocatedStorageGiB} GiB` : ''}`), COLORS.database, 'cylinder', 'style="filled"'),
      );
    }
    w.close();
  } else {
    renderCluster(w, model, nodeGroupsCluster);
    for (const db of model.databases) w.line(node(db.id, label(`RDS ${db.identifier}`, db.instanceClass), COLORS.database, 'cylinder', 'style="filled"'));
  }

  // ---- Buckets and registries, outside the VPC.
  if (model.buckets.length > 0) {
    w.open(`subgraph ${clusterId('s3', model.name)}`);
    w.line(`label=${clusterLabel('S3 buckets')}; style="rounded"; color="${COLORS.bucket.border}"; fontname="${FONT}"; labeljust=l;`);
    for (const bucket of model.buckets) w.line(node(bucket.id, label(bucket.name), COLORS.bucket, 'folder', 'style="filled"'));
    w.close();
  }
  if (model.repositories.length > 0) {
    w.open(`subgraph ${clusterId('ecr', model.name)}`);
    w.line(`label=${clusterLabel('ECR (shared account)')}; style="rounded"; color="${COLORS.repository.border}"; fontname="${FONT}"; labeljust=l;`);
    for (const repository of model.repositories) w.line(node(repository.id, label(repository.name), COLORS.repository, 'box3d', 'style="filled"'));
    w.close();
  }

  // ---- Edges
  for (const e of collapse(model)) {
    const style = EDGE_STYLE[e.kind];
    const attrs = [`color="${style.color}"`, `style="${style.style}"`, `penwidth=${style.penwidth}`, `fontcolor="${style.color}"`];
    if (e.label) attrs.push(`label=${label('', e.label)}`);
    if (e.lhead) attrs.push(`lhead=${e.lhead}`);
    if (e.ltail) attrs.push(`ltail=${e.ltail}`);
    // Placement edges explain; the spine below decides the layout.
    if (e.kind === 'placement') attrs.push('constraint=false');
    w.line(`${id(e.from)} -> ${id(e.to)} [${attrs.join(', ')}];`);
  }
  // Stack the picture top to bottom with invisible edges: public, private, cluster (control plane, node
  // groups, then the namespaces side by side), database tier, RDS.
  const chain = (ids: (string | undefined)[]) => {
    const present = ids.filter((x): x is string => !!x);
    for (let i = 1; i < present.length; i++) w.line(`${id(present[i - 1])} -> ${id(present[i])} [style=invis, weight=10];`);
  };
  const nodeGroup = model.cluster?.nodeGroups[0]?.id;
  const namespaceHeads = namespacesOf(model).map((ns) => model.workloads.find((x) => x.namespace === ns)!.id);
  const databaseTier = subnetsOf('database')[0]?.id;
  chain([subnetsOf('public')[0]?.id, subnetsOf('private')[0]?.id, model.cluster ? controlPlaneId(model) : undefined, nodeGroup]);
  for (const head of namespaceHeads) chain([nodeGroup, head, databaseTier]);
  if (namespaceHeads.length === 0) chain([nodeGroup ?? (model.cluster ? controlPlaneId(model) : subnetsOf('private')[0]?.id), databaseTier]);
  chain([databaseTier, model.databases[0]?.id]);
  // Buckets and repositories in columns rather than one very wide row.
  for (const column of [model.buckets, model.repositories]) {
    for (let i = 1; i < column.length; i++) w.line(`${id(column[i - 1].id)} -> ${id(column[i].id)} [style=invis];`);
  }

  renderLegend(w, model);
  w.close();
  return w.toString();

  function renderCluster(writer: Writer, m: EnvironmentModel, groupsCluster: string): void {
    const cluster = m.cluster;
    if (!cluster) return;
    writer.open(`subgraph ${clusterId('eks', cluster.name)}`);
    writer.line(`label=${clusterLabel(`EKS ${cluster.name}`, `Kubernetes ${cluster.version}`)}; style="rounded,filled"; fillcolor="${COLORS.eks.fill}"; color="${COLORS.eks.border}"; penwidth=1.5; fontname="${FONT}"; labeljust=l;`);
    writer.line(node(controlPlaneId(m), label('Control plane', 'API endpoint, OIDC (IRSA)'), COLORS.nodeGroup, 'box', 'style="filled"'));
    if (cluster.nodeGroups.length > 0) {
      writer.open(`subgraph ${groupsCluster}`);
      writer.line(`label=${clusterLabel('Managed node groups')}; style="rounded,dashed"; color="${COLORS.nodeGroup.border}"; fontname="${FONT}";`);
      for (const group of cluster.nodeGroups) {
        writer.line(node(group.id, label(group.name, `${group.instanceTypes.join(', ')} · ${group.capacityType}`, range(group)), COLORS.nodeGroup));
      }
      writer.line(`{ rank=same; ${cluster.nodeGroups.map((g) => id(g.id)).join('; ')} }`);
      writer.close();
    }
    for (const namespace of namespacesOf(m)) {
      writer.open(`subgraph ${clusterId('ns', namespace)}`);
      writer.line(`label=${label(`namespace ${namespace}`)}; style="rounded,dashed"; color="#B0B0B0"; fontname="${FONT}"; labeljust=l;`);
      const inNamespace = m.workloads.filter((x) => x.namespace === namespace);
      for (const workload of inNamespace) writer.line(workloadNode(workload));
      writer.line(`{ rank=same; ${inNamespace.map((x) => id(x.id)).join('; ')} }`);
      writer.close();
    }
    writer.close();
  }
}

function controlPlaneId(model: EnvironmentModel): string {
  return model.cluster?.id ?? `${model.name}#cluster`;
}

function namespacesOf(model: EnvironmentModel): string[] {
  return [...new Set(model.workloads.map((x) => x.namespace))];
}

function endpointsId(model: EnvironmentModel): string {
  return `${model.vpc?.id ?? model.name}#endpoints`;
}

function workloadNode(workload: WorkloadModel): string {
  const helm = workload.kind === 'HelmRelease';
  const kind = helm ? 'Helm release' : workload.kind;
  return node(workload.id, label(workload.name, `${kind}${workload.detail ? ` · ${workload.detail}` : ''}`), helm ? COLORS.helm : COLORS.workload, helm ? 'component' : 'box');
}

interface DrawnEdge extends EdgeModel {
  readonly lhead?: string;
  readonly ltail?: string;
}

/**
 * Edges as drawn: placement edges that reach every subnet of a tier become one edge to the tier's
 * box; edges from the node groups (`<cluster>#nodes`) leave from the node-group box.
 */
function collapse(model: EnvironmentModel): DrawnEdge[] {
  const subnets = model.vpc?.subnets ?? [];
  const tierOf = new Map(subnets.map((s) => [s.id, s.tier]));
  const out: DrawnEdge[] = [];
  const handled = new Set<EdgeModel>();
  const bySource = new Map<string, EdgeModel[]>();
  for (const e of model.edges) if (e.kind === 'placement' && tierOf.has(e.to)) bySource.set(e.from, [...(bySource.get(e.from) ?? []), e]);
  for (const [from, edges] of bySource) {
    for (const tier of new Set(edges.map((e) => tierOf.get(e.to)!))) {
      const inTier = subnets.filter((s) => s.tier === tier);
      const targets = edges.filter((e) => tierOf.get(e.to) === tier);
      if (inTier.length > 1 && targets.length === inTier.length) {
        const middle = inTier[Math.floor((inTier.length - 1) / 2)];
        out.push({ from, to: middle.id, kind: 'placement', label: `${targets[0].label ? `${targets[0].label}, ` : ''}all ${inTier.length} AZs`.trim(), lhead: clusterId('tier', tier) });
        targets.forEach((t) => handled.add(t));
      }
    }
  }
  const cluster = model.cluster;
  for (const e of model.edges) {
    if (handled.has(e)) continue;
    if (cluster && e.from === `${cluster.id}#nodes`) {
      const first = cluster.nodeGroups[0];
      if (first) out.push({ ...e, from: first.id, ltail: clusterId('nodegroups', cluster.name) });
      continue;
    }
    if (e.kind === 'placement' && model.vpc?.natGateways.some((n) => n.id === e.from)) continue; // drawn inside the public tier
    out.push(e);
  }
  // Label only the first pull edge: the rest say the same.
  let pullLabelled = false;
  return out.map((e) => {
    if (e.kind !== 'pull') return e;
    if (pullLabelled) return { ...e, label: '' };
    pullLabelled = true;
    return e;
  });
}

function renderLegend(w: Writer, model: EnvironmentModel): void {
  const kinds = [...new Set(model.edges.map((e) => e.kind))].filter((k) => k !== 'egress');
  const rows = kinds
    .map((k) => {
      const s = EDGE_STYLE[k];
      const dash = s.style === 'dotted' ? '· · · ·' : s.style === 'dashed' ? '– – –' : s.style === 'bold' ? '━━━' : '───';
      return `<tr><td align="left"><font color="${s.color}"><b>${html(dash)}</b></font></td><td align="left">${html(s.legend)}</td></tr>`;
    })
    .join('');
  const boxes = [
    ['VPC tiers', TIER_STYLE.public.fill, 'public / private / database subnets per AZ'],
    ['EKS', COLORS.eks.fill, 'cluster, node groups, workloads by namespace'],
    ['RDS', COLORS.database.fill, 'PostgreSQL'],
    ['S3', COLORS.bucket.fill, 'buckets'],
    ['ECR', COLORS.repository.fill, 'image repositories (shared account)'],
  ]
    .map(([name, fill, text]) => `<tr><td bgcolor="${fill}" align="left">${html(name)}</td><td align="left">${html(text)}</td></tr>`)
    .join('');
  w.open(`subgraph ${clusterId('legend', model.name)}`);
  w.line(`label=""; style="invis";`);
  w.line(
    `${id(`${model.name}#legend`)} [shape=plaintext, fontsize=9, label=<<table border="1" cellborder="0" cellspacing="2" cellpadding="3" color="#B0B0B0"><tr><td colspan="2" align="left"><b>Legend</b></td></tr>${rows}${boxes}</table>>];`,
  );
  w.close();
}
