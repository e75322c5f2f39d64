/** Rules over synthesized Terraform JSON (`cdktf.out/stacks/<stack>/cdk.tf.json` or any `*.tf.json`). */
import {
  buildKubernetesIndex,
  checkKubernetesEntries,
  kubernetesObjects,
  type KubernetesEntry,
} from './kubernetes';
import { LOAD_BALANCER_TAG_KEY, LOAD_BALANCER_TAG_VALUE } from './rules';
import { readTerraformSuppressions, resolveFindings, type Subject } from './suppressions';
import type { Finding, RawFinding } from './types';
import {
  firstRecord,
  isFalse,
  isRecord,
  isSet,
  isToken,
  isTrue,
  literalNumber,
  records,
  strings,
  toNumber,
  type JsonObject,
} from '../lib/terraform-json';

export interface TerraformBlock {
  readonly mode: 'resource' | 'data';
  readonly type: string;
  readonly name: string;
  /** `aws_db_instance.NAME` or `data.aws_iam_policy_document.NAME`. */
  readonly address: string;
  readonly body: JsonObject;
}

/** One parsed Terraform JSON file: its blocks and the Kubernetes objects embedded in `kubernetes_manifest`s. */
export interface TerraformDocument {
  readonly file: string;
  readonly blocks: readonly TerraformBlock[];
  readonly kubernetesEntries: readonly KubernetesEntry[];
  /** `locals` of the file, by name (companions may reference a bucket through one). */
  readonly locals: ReadonlyMap<string, unknown>;
}

/** `resource`/`data` are `{ TYPE: { NAME: body } }`; Terraform's JSON syntax also allows a list of such objects. */
function blocksOf(section: unknown, mode: TerraformBlock['mode']): TerraformBlock[] {
  const blocks: TerraformBlock[] = [];
  for (const byType of records(section)) {
    for (const [type, byName] of Object.entries(byType)) {
      for (const names of records(byName)) {
        for (const [name, value] of Object.entries(names)) {
          const body = firstRecord(value);
          if (!body) continue;
          const address = mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
          blocks.push({ mode, type, name, address, body });
        }
      }
    }
  }
  return blocks;
}

export function readTerraform(json: unknown, file: string): TerraformDocument {
  const root = isRecord(json) ? json : {};
  const blocks = [...blocksOf(root.resource, 'resource'), ...blocksOf(root.data, 'data')];
  const kubernetesEntries: KubernetesEntry[] = [];
  for (const block of blocks) {
    if (block.mode !== 'resource' || block.type !== 'kubernetes_manifest' || !isRecord(block.body.manifest)) continue;
    const resourceSuppressions = readTerraformSuppressions(block.body);
    for (const object of kubernetesObjects([block.body.manifest])) {
      kubernetesEntries.push({ object, file, resource: block.address, resourceSuppressions });
    }
  }
  const locals = new Map<string, unknown>();
  for (const section of records(root.locals)) for (const [name, value] of Object.entries(section)) locals.set(name, value);
  return { file, blocks, kubernetesEntries, locals };
}

/**
 * The resource name an interpolation refers to: `${TYPE.NAME.ATTR}`, also with an index
 * (`${TYPE.NAME[0].ATTR}`, `${TYPE.NAME["key"].ATTR}`) as `count` and `for_each` resources are referenced.
 */
export function referencedBlockName(value: unknown, type: string, attributes: readonly string[]): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\$\{([A-Za-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[[^\]]+\])?\.([A-Za-z0-9_]+)\}$/.exec(value.trim());
  if (!match || match[1] !== type || !attributes.includes(match[3])) return undefined;
  return match[2];
}

class Blocks {
  private readonly byType = new Map<string, TerraformBlock[]>();
  constructor(
    readonly all: readonly TerraformBlock[],
    private readonly locals: ReadonlyMap<string, unknown> = new Map(),
  ) {
    for (const block of all) {
      const key = block.mode === 'data' ? `data.${block.type}` : block.type;
      const list = this.byType.get(key);
      if (list) list.push(block);
      else this.byType.set(key, [block]);
    }
  }
  of(type: string): readonly TerraformBlock[] {
    return this.byType.get(type) ?? [];
  }

  /** `${local.NAME}` replaced by the local's value (locals of locals too, a few levels deep); anything else as is. */
  resolveLocal(value: unknown): unknown {
    let current = value;
    for (let depth = 0; depth < 5; depth++) {
      const match = typeof current === 'string' ? /^\$\{local\.([A-Za-z0-9_-]+)\}$/.exec(current.trim()) : null;
      if (!match || !this.locals.has(match[1])) return current;
      current = this.locals.get(match[1]);
    }
    return current;
  }
}

type Check = (blocks: Blocks) => RawFinding[];

function finding(ruleId: string, block: TerraformBlock, message: string): RawFinding {
  return { ruleId, address: block.address, message };
}

// ---- Values that prove nothing ------------------------------------------------------------
/**
 * A protection whose value is an unresolved `${...}` token (`${var.x}`, `${local.y}`) cannot be
 * proven at synth time: reported as such rather than passed or guessed.
 */
function unproven(attribute: string, value: unknown): string {
  return `${attribute} is "${String(value)}", which cannot be proven at synth time (an unresolved token)`;
}

/** `true` literally; `unproven` for a token; the `otherwise` message for anything else. */
function requireTrue(found: RawFinding[], ruleId: string, block: TerraformBlock, attribute: string, value: unknown, otherwise: string): void {
  if (isTrue(value)) return;
  found.push(finding(ruleId, block, isToken(value) ? unproven(attribute, value) : otherwise));
}

// ---- RDS ---------------------------------------------------------------------------------
/** Engines whose IAM database authentication RDS supports (the others have no such setting). */
const IAM_AUTH_ENGINES = new Set(['mysql', 'mariadb', 'postgres', 'aurora', 'aurora-mysql', 'aurora-postgresql']);

const checkRds: Check = (blocks) => {
  const found: RawFinding[] = [];
  const instances = blocks.of('aws_db_instance');
  const clusters = blocks.of('aws_rds_cluster');
  for (const db of [...instances, ...clusters]) {
    const b = db.body;
    const cluster = db.type === 'aws_rds_cluster';
    // Aurora Serverless v1 is always encrypted, whatever storage_encrypted says.
    if (!(cluster && b.engine_mode === 'serverless')) {
      requireTrue(found, 'AWS-RDS-001', db, 'storage_encrypted', b.storage_encrypted, 'storage_encrypted is not true');
    }
    const passwordKeys = cluster ? ['master_password', 'master_password_wo'] : ['password', 'password_wo'];
    const password = passwordKeys.find((key) => b[key] !== undefined);
    // Replicas and secondary clusters inherit the source's credentials.
    const inheritsCredentials = cluster
      ? b.replication_source_identifier !== undefined || b.snapshot_identifier !== undefined || (b.global_cluster_identifier !== undefined && b.master_username === undefined)
      : b.replicate_source_db !== undefined;
    if (password) {
      found.push(finding('AWS-RDS-003', db, `sets ${password}: the master password is stored in configuration and state`));
    } else if (!isTrue(b.manage_master_user_password) && !inheritsCredentials) {
      found.push(finding('AWS-RDS-003', db, isToken(b.manage_master_user_password) ? unproven('manage_master_user_password', b.manage_master_user_password) : 'manage_master_user_password is not true'));
    }
    const retention = literalNumber(b.backup_retention_period);
    if (isToken(b.backup_retention_period)) {
      found.push(finding('AWS-RDS-004', db, unproven('backup_retention_period', b.backup_retention_period)));
    } else if (retention === undefined) {
      // A cluster keeps one day of backups by default; an instance none.
      if (!cluster) found.push(finding('AWS-RDS-004', db, 'backup_retention_period is not set'));
    } else if (retention <= 0) {
      found.push(finding('AWS-RDS-004', db, `backup_retention_period is ${retention}: automated backups are off`));
    }
    requireTrue(found, 'AWS-RDS-005', db, 'deletion_protection', b.deletion_protection, 'deletion_protection is not true');
    const engine = typeof b.engine === 'string' ? b.engine : cluster ? 'aurora' : undefined;
    if (engine !== undefined && IAM_AUTH_ENGINES.has(engine)) {
      requireTrue(found, 'AWS-RDS-006', db, 'iam_database_authentication_enabled', b.iam_database_authentication_enabled, 'iam_database_authentication_enabled is not true');
    }
  }
  for (const db of [...instances, ...clusters, ...blocks.of('aws_rds_cluster_instance')]) {
    const value = db.body.publicly_accessible;
    if (isTrue(value)) found.push(finding('AWS-RDS-002', db, 'publicly_accessible is true'));
    else if (isToken(value)) found.push(finding('AWS-RDS-002', db, unproven('publicly_accessible', value)));
  }
  return found;
};

// ---- ECR ---------------------------------------------------------------------------------
const checkEcr: Check = (blocks) => {
  const found: RawFinding[] = [];
  for (const repo of blocks.of('aws_ecr_repository')) {
    const mutability = repo.body.image_tag_mutability;
    if (isToken(mutability)) {
      found.push(finding('AWS-ECR-001', repo, unproven('image_tag_mutability', mutability)));
    } else if (mutability !== 'IMMUTABLE') {
      found.push(finding('AWS-ECR-001', repo, `image_tag_mutability is ${mutability === undefined ? 'not set (MUTABLE)' : String(mutability)}`));
    }
    const scan = firstRecord(repo.body.image_scanning_configuration)?.scan_on_push;
    requireTrue(found, 'AWS-ECR-002', repo, 'image_scanning_configuration.scan_on_push', scan, 'image_scanning_configuration.scan_on_push is not true');
    const encryption = firstRecord(repo.body.encryption_configuration)?.encryption_type;
    if (isToken(encryption)) {
      found.push(finding('AWS-ECR-003', repo, unproven('encryption_configuration.encryption_type', encryption)));
    } else if (encryption !== 'KMS') {
      found.push(finding('AWS-ECR-003', repo, `encryption_configuration.encryption_type is ${encryption === undefined ? 'not set (AES256)' : String(encryption)}, not KMS`));
    }
  }
  return found;
};

// ---- S3 ----------------------------------------------------------------------------------
const PUBLIC_ACCESS_FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];
/** `aws:kms` and dual-layer `aws:kms:dsse`; `AES256` is S3-managed keys, not KMS. */
const KMS_ALGORITHMS = ['aws:kms', 'aws:kms:dsse'];

/** Companion resources (`aws_s3_bucket_versioning` ...) of each bucket, by bucket resource name. */
function companionsByBucket(blocks: Blocks, type: string): Map<string, TerraformBlock[]> {
  const byLiteralName = new Map<string, string>();
  for (const bucket of blocks.of('aws_s3_bucket')) {
    if (typeof bucket.body.bucket === 'string' && !isToken(bucket.body.bucket)) byLiteralName.set(bucket.body.bucket, bucket.name);
  }
  const companions = new Map<string, TerraformBlock[]>();
  for (const companion of blocks.of(type)) {
    const value = blocks.resolveLocal(companion.body.bucket);
    const owner =
      referencedBlockName(value, 'aws_s3_bucket', ['id', 'bucket']) ??
      (typeof value === 'string' && !isToken(value) ? byLiteralName.get(value) : undefined);
    if (owner === undefined) continue;
    const list = companions.get(owner);
    if (list) list.push(companion);
    else companions.set(owner, [companion]);
  }
  return companions;
}

/** A nested block written directly or as `dynamic "NAME" { content { ... } }`. */
function nestedBlocks(body: JsonObject, name: string): JsonObject[] {
  const dynamic = records(body.dynamic).flatMap((entry) => records(entry[name]));
  return [...records(body[name]), ...dynamic.flatMap((block) => records(block.content))];
}

/** The default encryption algorithms of an encryption configuration's `rule` blocks (dynamic blocks included). */
function sseAlgorithms(configuration: JsonObject): unknown[] {
  return nestedBlocks(configuration, 'rule').flatMap((rule) =>
    nestedBlocks(rule, 'apply_server_side_encryption_by_default').map((defaults) => defaults.sse_algorithm),
  );
}

function encryptionProblem(algorithms: readonly unknown[], where: string): string | undefined {
  if (algorithms.some((algorithm) => typeof algorithm === 'string' && KMS_ALGORITHMS.includes(algorithm))) return undefined;
  const token = algorithms.find(isToken);
  if (token !== undefined) return `${where} ${unproven('sse_algorithm', token)}`;
  if (algorithms.length === 0) return `${where} has no apply_server_side_encryption_by_default.sse_algorithm`;
  return `${where} uses sse_algorithm ${algorithms.map(String).join(', ')}, not aws:kms`;
}

const checkS3: Check = (blocks) => {
  const found: RawFinding[] = [];
  const accessBlocks = companionsByBucket(blocks, 'aws_s3_bucket_public_access_block');
  const encryption = companionsByBucket(blocks, 'aws_s3_bucket_server_side_encryption_configuration');
  const versioning = companionsByBucket(blocks, 'aws_s3_bucket_versioning');
  for (const bucket of blocks.of('aws_s3_bucket')) {
    const pabs = accessBlocks.get(bucket.name) ?? [];
    if (pabs.length === 0) {
      found.push(finding('AWS-S3-001', bucket, 'has no aws_s3_bucket_public_access_block referencing it in this file'));
    } else if (!pabs.some((pab) => PUBLIC_ACCESS_FLAGS.every((flag) => isTrue(pab.body[flag])))) {
      const off = PUBLIC_ACCESS_FLAGS.filter((flag) => !isTrue(pabs[0].body[flag]));
      const tokens = off.filter((flag) => isToken(pabs[0].body[flag]));
      found.push(
        finding('AWS-S3-001', bucket, `${pabs[0].address} leaves ${off.join(', ')} not true${tokens.length > 0 ? ` (${tokens.join(', ')} cannot be proven at synth time: unresolved tokens)` : ''}`),
      );
    }

    const inline = nestedBlocks(bucket.body, 'server_side_encryption_configuration');
    const configurations = encryption.get(bucket.name) ?? [];
    if (inline.length === 0 && configurations.length === 0) {
      found.push(finding('AWS-S3-002', bucket, 'has no aws_s3_bucket_server_side_encryption_configuration referencing it in this file'));
    } else {
      const problems = [
        ...inline.map((config) => encryptionProblem(sseAlgorithms(config), 'server_side_encryption_configuration')),
        ...configurations.map((config) => encryptionProblem(sseAlgorithms(config.body), config.address)),
      ];
      // One KMS configuration is enough; report the first that is not.
      if (problems.every((problem) => problem !== undefined)) found.push(finding('AWS-S3-002', bucket, problems[0] as string));
    }

    const inlineVersioning = nestedBlocks(bucket.body, 'versioning').some((v) => isTrue(v.enabled));
    const versionings = versioning.get(bucket.name) ?? [];
    const statuses = versionings.flatMap((v) => nestedBlocks(v.body, 'versioning_configuration').map((c) => c.status));
    if (!inlineVersioning && !statuses.includes('Enabled')) {
      const token = statuses.find(isToken);
      found.push(
        finding(
          'AWS-S3-003',
          bucket,
          versionings.length === 0
            ? 'has no aws_s3_bucket_versioning referencing it in this file'
            : token !== undefined
              ? `${versionings[0].address} ${unproven('versioning_configuration.status', token)}`
              : `${versionings[0].address} has status ${String(statuses[0])}, not Enabled`,
        ),
      );
    }
  }
  return found;
};

// ---- Security groups ---------------------------------------------------------------------
const ANYWHERE_V4 = '0.0.0.0/0';
const ANYWHERE_V6 = '::/0';
const LOAD_BALANCER_PORTS = [80, 443];

function isLoadBalancerGroup(group: TerraformBlock | undefined): boolean {
  const tags = group?.body.tags;
  return isRecord(tags) && tags[LOAD_BALANCER_TAG_KEY] === LOAD_BALANCER_TAG_VALUE;
}

function isLoadBalancerPort(protocol: unknown, from: unknown, to: unknown): boolean {
  const proto = String(protocol).toLowerCase();
  const low = toNumber(from);
  return (proto === 'tcp' || proto === '6') && low !== undefined && low === toNumber(to) && LOAD_BALANCER_PORTS.includes(low);
}

function describePorts(protocol: unknown, from: unknown, to: unknown): string {
  const proto = String(protocol).toLowerCase();
  if (proto === '-1' || proto === 'all') return 'all protocols and ports';
  return `${proto} ${String(from) === String(to) ? String(from) : `${String(from)}-${String(to)}`}`;
}

function openIngress(
  sources: readonly string[],
  loadBalancer: boolean,
  protocol: unknown,
  from: unknown,
  to: unknown,
): string | undefined {
  if (sources.length === 0) return undefined;
  if (loadBalancer && isLoadBalancerPort(protocol, from, to)) return undefined;
  const hint =
    !loadBalancer && isLoadBalancerPort(protocol, from, to)
      ? ` (only groups tagged ${LOAD_BALANCER_TAG_KEY}=${LOAD_BALANCER_TAG_VALUE} may take 80/443 from anywhere)`
      : '';
  return `allows ingress from ${sources.join(' and ')} on ${describePorts(protocol, from, to)}${hint}`;
}

const checkSecurityGroups: Check = (blocks) => {
  const found: RawFinding[] = [];
  const groups = new Map(blocks.of('aws_security_group').map((group) => [group.name, group]));
  const groupOf = (value: unknown): TerraformBlock | undefined => {
    const name = referencedBlockName(blocks.resolveLocal(value), 'aws_security_group', ['id']);
    return name === undefined ? undefined : groups.get(name);
  };
  for (const group of groups.values()) {
    records(group.body.ingress).forEach((rule, i) => {
      const sources = [
        ...strings(rule.cidr_blocks).filter((cidr) => cidr === ANYWHERE_V4),
        ...strings(rule.ipv6_cidr_blocks).filter((cidr) => cidr === ANYWHERE_V6),
      ];
      const problem = openIngress(sources, isLoadBalancerGroup(group), rule.protocol, rule.from_port, rule.to_port);
      if (problem) found.push(finding('AWS-SG-001', group, `ingress[${i}] ${problem}`));
    });
  }
  for (const rule of blocks.of('aws_security_group_rule')) {
    const b = rule.body;
    if (b.type !== 'ingress') continue;
    const sources = [
      ...strings(b.cidr_blocks).filter((cidr) => cidr === ANYWHERE_V4),
      ...strings(b.ipv6_cidr_blocks).filter((cidr) => cidr === ANYWHERE_V6),
    ];
    const problem = openIngress(sources, isLoadBalancerGroup(groupOf(b.security_group_id)), b.protocol, b.from_port, b.to_port);
    if (problem) found.push(finding('AWS-SG-001', rule, problem));
  }
  for (const rule of blocks.of('aws_vpc_security_group_ingress_rule')) {
    const b = rule.body;
    const sources = [b.cidr_ipv4 === ANYWHERE_V4 ? ANYWHERE_V4 : '', b.cidr_ipv6 === ANYWHERE_V6 ? ANYWHERE_V6 : ''].filter(Boolean);
    const problem = openIngress(sources, isLoadBalancerGroup(groupOf(b.security_group_id)), b.ip_protocol, b.from_port, b.to_port);
    if (problem) found.push(finding('AWS-SG-001', rule, problem));
  }
  return found;
};

// ---- VPC flow logs -----------------------------------------------------------------------
const checkFlowLogs: Check = (blocks) => {
  const logged = new Set(
    blocks
      .of('aws_flow_log')
      .map((log) => referencedBlockName(blocks.resolveLocal(log.body.vpc_id), 'aws_vpc', ['id']))
      .filter((name): name is string => name !== undefined),
  );
  return blocks
    .of('aws_vpc')
    .filter((vpc) => !logged.has(vpc.name))
    .map((vpc) => finding('AWS-VPC-001', vpc, 'no aws_flow_log in this file has vpc_id referencing it'));
};

// ---- EKS ---------------------------------------------------------------------------------
/** Every control-plane log type (CKV_AWS_37 asks for all five). */
const EKS_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

const checkEks: Check = (blocks) => {
  const found: RawFinding[] = [];
  for (const cluster of blocks.of('aws_eks_cluster')) {
    const encryptsSecrets = records(cluster.body.encryption_config).some((config) => strings(config.resources).includes('secrets'));
    if (!encryptsSecrets) found.push(finding('AWS-EKS-001', cluster, 'no encryption_config with resources ["secrets"]'));

    const vpc = firstRecord(cluster.body.vpc_config) ?? {};
    // The API default for endpoint_public_access is true, and for public_access_cidrs 0.0.0.0/0.
    if (isToken(vpc.endpoint_public_access)) {
      found.push(finding('AWS-EKS-002', cluster, unproven('vpc_config.endpoint_public_access', vpc.endpoint_public_access)));
    } else if (!isFalse(vpc.endpoint_public_access)) {
      const cidrs = vpc.public_access_cidrs;
      if (!isSet(cidrs)) {
        found.push(finding('AWS-EKS-002', cluster, 'public endpoint is on and vpc_config.public_access_cidrs is not set (defaults to 0.0.0.0/0)'));
      } else if (isToken(cidrs) || strings(cidrs).some(isToken)) {
        found.push(finding('AWS-EKS-002', cluster, `public endpoint is on and ${unproven('vpc_config.public_access_cidrs', cidrs)}`));
      } else if (strings(cidrs).includes(ANYWHERE_V4)) {
        found.push(finding('AWS-EKS-002', cluster, 'public endpoint is on and vpc_config.public_access_cidrs contains 0.0.0.0/0'));
      }
    }

    const logTypes = cluster.body.enabled_cluster_log_types;
    if (isToken(logTypes)) {
      found.push(finding('AWS-EKS-003', cluster, unproven('enabled_cluster_log_types', logTypes)));
    } else {
      const missing = EKS_LOG_TYPES.filter((type) => !strings(logTypes).includes(type));
      if (missing.length > 0) found.push(finding('AWS-EKS-003', cluster, `enabled_cluster_log_types lacks ${missing.join(', ')}`));
    }
  }
  return found;
};

// ---- EC2 ---------------------------------------------------------------------------------
/** An encrypted block device, or one restored from a snapshot (which carries the snapshot's encryption). */
function deviceProblem(device: JsonObject, where: string): string | undefined {
  if (isTrue(device.encrypted)) return undefined;
  if (isToken(device.encrypted)) return `${where} ${unproven('encrypted', device.encrypted)}`;
  return `${where}.encrypted is not true`;
}

const checkEc2: Check = (blocks) => {
  const found: RawFinding[] = [];
  const imds = (block: TerraformBlock): void => {
    const options = firstRecord(block.body.metadata_options) ?? {};
    // No metadata service at all is safer than IMDSv2 (CKV_AWS_79 passes it too).
    if (options.http_endpoint === 'disabled') return;
    const tokens = options.http_tokens;
    if (isToken(tokens)) {
      found.push(finding('AWS-EC2-001', block, unproven('metadata_options.http_tokens', tokens)));
    } else if (tokens !== 'required') {
      found.push(finding('AWS-EC2-001', block, `metadata_options.http_tokens is ${tokens === undefined ? 'not set (optional)' : String(tokens)}`));
    }
  };
  for (const template of blocks.of('aws_launch_template')) {
    imds(template);
    records(template.body.block_device_mappings).forEach((mapping, i) => {
      const ebs = firstRecord(mapping.ebs);
      const device = typeof mapping.device_name === 'string' ? ` (${mapping.device_name})` : '';
      const problem = ebs && deviceProblem(ebs, `block_device_mappings[${i}]${device}.ebs`);
      if (problem) found.push(finding('AWS-EC2-002', template, problem));
    });
    records(template.body.network_interfaces).forEach((nic, i) => {
      if (isTrue(nic.associate_public_ip_address)) {
        found.push(finding('AWS-EC2-003', template, `network_interfaces[${i}].associate_public_ip_address is true`));
      }
    });
  }
  // Instances and launch configurations: the root device must be declared encrypted (CKV_AWS_8).
  for (const machine of [...blocks.of('aws_instance'), ...blocks.of('aws_launch_configuration')]) {
    imds(machine);
    if (isTrue(machine.body.associate_public_ip_address)) {
      found.push(finding('AWS-EC2-003', machine, 'associate_public_ip_address is true'));
    }
    const root = firstRecord(machine.body.root_block_device);
    const rootProblem = root ? deviceProblem(root, 'root_block_device') : 'root_block_device is not declared (the AMI default is unencrypted)';
    if (rootProblem) found.push(finding('AWS-EC2-002', machine, rootProblem));
    records(machine.body.ebs_block_device).forEach((device, i) => {
      const problem = device.snapshot_id !== undefined && device.encrypted === undefined ? undefined : deviceProblem(device, `ebs_block_device[${i}]`);
      if (problem) found.push(finding('AWS-EC2-002', machine, problem));
    });
  }
  for (const volume of blocks.of('aws_ebs_volume')) {
    requireTrue(found, 'AWS-EC2-002', volume, 'encrypted', volume.body.encrypted, 'encrypted is not true');
  }
  return found;
};

// ---- CloudWatch Logs ---------------------------------------------------------------------
const checkLogGroups: Check = (blocks) => {
  const found: RawFinding[] = [];
  for (const group of blocks.of('aws_cloudwatch_log_group')) {
    const value = group.body.retention_in_days;
    // 0 is an explicit "never expire", a decision the rule accepts (as CKV_AWS_66 does); only an unset value is flagged.
    if (isToken(value)) found.push(finding('AWS-LOG-001', group, unproven('retention_in_days', value)));
    else if (toNumber(value) === undefined) found.push(finding('AWS-LOG-001', group, 'retention_in_days is not set: logs are kept forever'));
    if (!isSet(group.body.kms_key_id)) found.push(finding('AWS-LOG-002', group, 'kms_key_id is not set'));
  }
  return found;
};

// ---- KMS ---------------------------------------------------------------------------------
const checkKms: Check = (blocks) => {
  const found: RawFinding[] = [];
  for (const key of blocks.of('aws_kms_key')) {
    // Only symmetric encryption keys (and HMAC keys, since 2024) can rotate automatically.
    const spec = key.body.customer_master_key_spec;
    if (spec !== undefined && spec !== 'SYMMETRIC_DEFAULT' && !(typeof spec === 'string' && spec.startsWith('HMAC'))) continue;
    requireTrue(found, 'AWS-KMS-001', key, 'enable_key_rotation', key.body.enable_key_rotation, 'enable_key_rotation is not true');
  }
  return found;
};

// ---- IAM ---------------------------------------------------------------------------------
const ACTION_WILDCARDS = ['*', '*:*'];

function includesWildcard(values: unknown, wildcards: readonly string[]): boolean {
  return strings(values).some((value) => wildcards.includes(value.trim()));
}

function adminProblem(effect: unknown, actions: unknown, resources: unknown): string | undefined {
  if ((effect ?? 'Allow') !== 'Allow' || !includesWildcard(actions, ACTION_WILDCARDS)) return undefined;
  // Action "*" is administrative on any resource: on "*" it is the whole account, on a role ARN it is iam:PassRole and more.
  return includesWildcard(resources, ['*']) ? 'allows Action "*" on Resource "*"' : 'allows Action "*"';
}

/** Statements allowing Action `*` in an IAM JSON policy document. */
function adminStatementsInJson(policy: string): string[] {
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    return [];
  }
  if (!isRecord(document)) return [];
  return records(document.Statement).flatMap((statement, i) => {
    const problem = adminProblem(statement.Effect, statement.Action, statement.Resource);
    if (!problem) return [];
    const sid = typeof statement.Sid === 'string' && statement.Sid !== '' ? ` (Sid "${statement.Sid}")` : '';
    return [`Statement[${i}]${sid} ${problem}`];
  });
}

function isJsonPolicy(value: unknown): value is string {
  return typeof value === 'string' && value.trim().startsWith('{');
}

/**
 * AWS managed policies that grant administrator access (IAMFullAccess lets its holder grant itself
 * anything). CKV_AWS_274 checks AdministratorAccess only.
 */
export const ADMIN_MANAGED_POLICIES: readonly string[] = ['AdministratorAccess', 'AdministratorAccess-Amplify', 'AdministratorAccess-AWSElasticBeanstalk', 'IAMFullAccess'];

function adminManagedPolicy(arn: unknown): string | undefined {
  if (typeof arn !== 'string') return undefined;
  const match = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn.trim());
  return match && ADMIN_MANAGED_POLICIES.includes(match[1]) ? match[1] : undefined;
}

/** Where each resource type names managed policies: attribute -> single ARN or list. */
const MANAGED_POLICY_ATTRIBUTES: Readonly<Record<string, string>> = {
  aws_iam_role_policy_attachment: 'policy_arn',
  aws_iam_user_policy_attachment: 'policy_arn',
  aws_iam_group_policy_attachment: 'policy_arn',
  aws_iam_policy_attachment: 'policy_arn',
  aws_iam_role: 'managed_policy_arns',
  aws_iam_role_policy_attachments_exclusive: 'policy_arns',
  aws_iam_user_policy_attachments_exclusive: 'policy_arns',
  aws_iam_group_policy_attachments_exclusive: 'policy_arns',
  aws_ssoadmin_managed_policy_attachment: 'managed_policy_arn',
};

const checkIam: Check = (blocks) => {
  const found: RawFinding[] = [];
  for (const document of blocks.of('data.aws_iam_policy_document')) {
    records(document.body.statement).forEach((statement, i) => {
      const problem = adminProblem(statement.effect, statement.actions, statement.resources);
      if (!problem) return;
      const sid = typeof statement.sid === 'string' && statement.sid !== '' ? ` (sid "${statement.sid}")` : '';
      found.push(finding('AWS-IAM-001', document, `statement[${i}]${sid} ${problem.replace('Action', 'actions').replace('Resource', 'resources')}`));
    });
  }
  // Any managed resource with a literal JSON `policy` (aws_iam_policy, aws_iam_role_policy, bucket and key policies...),
  // inline policies of roles, and the inline policy of an SSO permission set (a JSON string).
  for (const block of blocks.all) {
    if (block.mode !== 'resource') continue;
    const policies: [string, unknown][] = [['policy', block.body.policy]];
    if (typeof block.body.inline_policy === 'string') policies.push(['inline_policy', block.body.inline_policy]);
    else records(block.body.inline_policy).forEach((inline, i) => policies.push([`inline_policy[${i}].policy`, inline.policy]));
    for (const [where, policy] of policies) {
      if (!isJsonPolicy(policy)) continue;
      for (const statement of adminStatementsInJson(policy)) found.push(finding('AWS-IAM-001', block, `${where} ${statement}`));
    }
    const attribute = MANAGED_POLICY_ATTRIBUTES[block.type];
    if (attribute === undefined) continue;
    for (const arn of strings(block.body[attribute])) {
      const name = adminManagedPolicy(arn);
      if (name) found.push(finding('AWS-IAM-002', block, `${attribute} attaches the AWS managed policy ${name}`));
    }
  }
  return found;
};

const checks: readonly Check[] = [
  checkRds,
  checkEcr,
  checkS3,
  checkSecurityGroups,
  checkFlowLogs,
  checkEks,
  checkEc2,
  checkLogGroups,
  checkKms,
  checkIam,
];

/** Terraform rules over one parsed document (embedded Kubernetes objects are not checked here). */
export function checkTerraformDocument(document: TerraformDocument): Finding[] {
  const blocks = new Blocks(document.blocks, document.locals);
  const raw = checks.flatMap((check) => check(blocks));
  const subjects = new Map<string, Subject>();
  for (const block of document.blocks) {
    const suppressions = readTerraformSuppressions(block.body);
    if (suppressions.valid.size > 0 || suppressions.problems.length > 0) subjects.set(block.address, { suppressions });
  }
  return resolveFindings(raw, document.file, subjects);
}

/**
 * Checks one Terraform JSON document: the Terraform rules, and the Kubernetes rules on objects
 * embedded in `kubernetes_manifest` resources (PDBs and HPAs are looked up in this document only;
 * `runPolicy` looks across all inputs).
 */
export function checkTerraform(json: unknown, file: string): Finding[] {
  const document = readTerraform(json, file);
  const index = buildKubernetesIndex(document.kubernetesEntries);
  return [...checkTerraformDocument(document), ...checkKubernetesEntries(document.kubernetesEntries, index)];
}

