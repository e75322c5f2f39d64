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
  records,
  referencedName,
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
  return { file, blocks, kubernetesEntries };
}

class Blocks {
  private readonly byType = new Map<string, TerraformBlock[]>();
  constructor(readonly all: readonly TerraformBlock[]) {
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
}

type Check = (blocks: Blocks) => RawFinding[];

function finding(ruleId: string, block: TerraformBlock, message: string): RawFinding {
  return { ruleId, address: block.address, message };
}

// ---- RDS ---------------------------------------------------------------------------------
const checkRds: Check = (blocks) => {
  const found: RawFinding[] = [];
  for (const db of blocks.of('aws_db_instance')) {
    const b = db.body;
    if (!isTrue(b.storage_encrypted)) found.push(finding('AWS-RDS-001', db, 'storage_encrypted is not true'));
    if (isTrue(b.publicly_accessible) || isToken(b.publicly_accessible)) {
      found.push(finding('AWS-RDS-002', db, `publicly_accessible is ${String(b.publicly_accessible)}`));
    }
    if (b.password !== undefined) {
      found.push(finding('AWS-RDS-003', db, 'sets password: the master password is stored in configuration and state'));
    } else if (!isTrue(b.manage_master_user_password) && b.replicate_source_db === undefined) {
      found.push(finding('AWS-RDS-003', db, 'manage_master_user_password is not true'));
    }
    const retention = toNumber(b.backup_retention_period);
    if (retention === undefined && !isToken(b.backup_retention_period)) {
      found.push(finding('AWS-RDS-004', db, 'backup_retention_period is not set'));
    } else if (retention !== undefined && retention <= 0) {
      found.push(finding('AWS-RDS-004', db, `backup_retention_period is ${retention}: automated backups are off`));
    }
    if (!isTrue(b.deletion_protection)) found.push(finding('AWS-RDS-005', db, 'deletion_protection is not true'));
  }
  return found;
};

// ---- ECR ---------------------------------------------------------------------------------
const checkEcr: Check = (blocks) => {
  const found: RawFinding[] = [];
  for (const repo of blocks.of('aws_ecr_repository')) {
    const mutability = repo.body.image_tag_mutability;
    if (mutability !== 'IMMUTABLE') {
      found.push(finding('AWS-ECR-001', repo, `image_tag_mutability is ${mutability === undefined ? 'not set (MUTABLE)' : String(mutability)}`));
    }
    if (!isTrue(firstRecord(repo.body.image_scanning_configuration)?.scan_on_push)) {
      found.push(finding('AWS-ECR-002', repo, 'image_scanning_configuration.scan_on_push is not true'));
    }
  }
  return found;
};

// ---- S3 ----------------------------------------------------------------------------------
const PUBLIC_ACCESS_FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

/** Companion resources (`aws_s3_bucket_versioning` ...) of each bucket, by bucket resource name. */
function companionsByBucket(blocks: Blocks, type: string): Map<string, TerraformBlock[]> {
  const byLiteralName = new Map<string, string>();
  for (const bucket of blocks.of('aws_s3_bucket')) {
    if (typeof bucket.body.bucket === 'string' && !isToken(bucket.body.bucket)) byLiteralName.set(bucket.body.bucket, bucket.name);
  }
  const companions = new Map<string, TerraformBlock[]>();
  for (const companion of blocks.of(type)) {
    const value = companion.body.bucket;
    const owner =
      referencedName(value, 'aws_s3_bucket', ['id', 'bucket']) ??
      (typeof value === 'string' && !isToken(value) ? byLiteralName.get(value) : undefined);
    if (owner === undefined) continue;
    const list = companions.get(owner);
    if (list) list.push(companion);
    else companions.set(owner, [companion]);
  }
  return companions;
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
      found.push(finding('AWS-S3-001', bucket, `${pabs[0].address} leaves ${off.join(', ')} not true`));
    }

    const inlineEncryption = isRecord(firstRecord(bucket.body.server_side_encryption_configuration));
    if (!inlineEncryption && (encryption.get(bucket.name) ?? []).length === 0) {
      found.push(finding('AWS-S3-002', bucket, 'has no aws_s3_bucket_server_side_encryption_configuration referencing it in this file'));
    }

    const inlineVersioning = isTrue(firstRecord(bucket.body.versioning)?.enabled);
    const versionings = versioning.get(bucket.name) ?? [];
    const statuses = versionings.map((v) => firstRecord(v.body.versioning_configuration)?.status);
    if (!inlineVersioning && !statuses.includes('Enabled')) {
      found.push(
        finding(
          'AWS-S3-003',
          bucket,
          versionings.length === 0
            ? 'has no aws_s3_bucket_versioning referencing it in this file'
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
    const name = referencedName(value, 'aws_security_group', ['id']);
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
      .map((log) => referencedName(log.body.vpc_id, 'aws_vpc', ['id']))
      .filter((name): name is string => name !== undefined),
  );
  return blocks
    .of('aws_vpc')
    .filter((vpc) => !logged.has(vpc.name))
    .map((vpc) => finding('AWS-VPC-001', vpc, 'no aws_flow_log in this file has vpc_id referencing it'));
};

// ---- EKS ---------------------------------------------------------------------------------
const checkEks: Check = (blocks) => {
  const found: RawFinding[] = [];
  for (const cluster of blocks.of('aws_eks_cluster')) {
    const encryptsSecrets = records(cluster.body.encryption_config).some((config) => strings(config.resources).includes('secrets'));
    if (!encryptsSecrets) found.push(finding('AWS-EKS-001', cluster, 'no encryption_config with resources ["secrets"]'));

    const vpc = firstRecord(cluster.body.vpc_config) ?? {};
    // The API default for endpoint_public_access is true, and for public_access_cidrs 0.0.0.0/0.
    if (!isFalse(vpc.endpoint_public_access)) {
      const cidrs = vpc.public_access_cidrs;
      if (!isSet(cidrs)) {
        found.push(finding('AWS-EKS-002', cluster, 'public endpoint is on and vpc_config.public_access_cidrs is not set (defaults to 0.0.0.0/0)'));
      } else if (strings(cidrs).includes(ANYWHERE_V4)) {
        found.push(finding('AWS-EKS-002', cluster, 'public endpoint is on and vpc_config.public_access_cidrs contains 0.0.0.0/0'));
      }
    }
  }
  return found;
};

// ---- EC2 ---------------------------------------------------------------------------------
const checkEc2: Check = (blocks) => {
  const found: RawFinding[] = [];
  const imds = (block: TerraformBlock): void => {
    const tokens = firstRecord(block.body.metadata_options)?.http_tokens;
    if (tokens !== 'required') {
      found.push(finding('AWS-EC2-001', block, `metadata_options.http_tokens is ${tokens === undefined ? 'not set (optional)' : String(tokens)}`));
    }
  };
  for (const template of blocks.of('aws_launch_template')) {
    imds(template);
    records(template.body.block_device_mappings).forEach((mapping, i) => {
      const ebs = firstRecord(mapping.ebs);
      if (ebs && !isTrue(ebs.encrypted)) {
        const device = typeof mapping.device_name === 'string' ? ` (${mapping.device_name})` : '';
        found.push(finding('AWS-EC2-002', template, `block_device_mappings[${i}]${device}.ebs.encrypted is not true`));
      }
    });
    records(template.body.network_interfaces).forEach((nic, i) => {
      if (isTrue(nic.associate_public_ip_address)) {
        found.push(finding('AWS-EC2-003', template, `network_interfaces[${i}].associate_public_ip_address is true`));
      }
    });
  }
  for (const instance of blocks.of('aws_instance')) {
    imds(instance);
    if (isTrue(instance.body.associate_public_ip_address)) {
      found.push(finding('AWS-EC2-003', instance, 'associate_public_ip_address is true'));
    }
    if (!isTrue(firstRecord(instance.body.root_block_device)?.encrypted)) {
      found.push(finding('AWS-EC2-002', instance, 'root_block_device.encrypted is not true'));
    }
    records(instance.body.ebs_block_device).forEach((device, i) => {
      if (!isTrue(device.encrypted)) found.push(finding('AWS-EC2-002', instance, `ebs_block_device[${i}].encrypted is not true`));
    });
  }
  return found;
};

// ---- CloudWatch Logs ---------------------------------------------------------------------
const checkLogGroups: Check = (blocks) => {
  const found: RawFinding[] = [];
  for (const group of blocks.of('aws_cloudwatch_log_group')) {
    const retention = toNumber(group.body.retention_in_days);
    if (retention === undefined && !isToken(group.body.retention_in_days)) {
      found.push(finding('AWS-LOG-001', group, 'retention_in_days is not set: logs are kept forever'));
    } else if (retention === 0) {
      found.push(finding('AWS-LOG-001', group, 'retention_in_days is 0: logs are kept forever'));
    }
    if (!isSet(group.body.kms_key_id)) found.push(finding('AWS-LOG-002', group, 'kms_key_id is not set'));
  }
  return found;
};

// ---- IAM ---------------------------------------------------------------------------------
function includesWildcard(values: unknown, wildcards: readonly string[]): boolean {
  return strings(values).some((value) => wildcards.includes(value.trim()));
}

/** Indexes of statements allowing Action `*` on Resource `*` in an IAM JSON policy document. */
function adminStatementsInJson(policy: string): string[] {
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    return [];
  }
  if (!isRecord(document)) return [];
  return records(document.Statement).flatMap((statement, i) => {
    const allow = (statement.Effect ?? 'Allow') === 'Allow';
    if (allow && includesWildcard(statement.Action, ['*', '*:*']) && includesWildcard(statement.Resource, ['*'])) {
      return [typeof statement.Sid === 'string' && statement.Sid !== '' ? `Statement[${i}] (Sid "${statement.Sid}")` : `Statement[${i}]`];
    }
    return [];
  });
}

function isJsonPolicy(value: unknown): value is string {
  return typeof value === 'string' && value.trim().startsWith('{');
}

const checkIam: Check = (blocks) => {
  const found: RawFinding[] = [];
  for (const document of blocks.of('data.aws_iam_policy_document')) {
    records(document.body.statement).forEach((statement, i) => {
      const allow = (statement.effect ?? 'Allow') === 'Allow';
      if (allow && includesWildcard(statement.actions, ['*', '*:*']) && includesWildcard(statement.resources, ['*'])) {
        const sid = typeof statement.sid === 'string' && statement.sid !== '' ? ` (sid "${statement.sid}")` : '';
        found.push(finding('AWS-IAM-001', document, `statement[${i}]${sid} allows actions "*" on resources "*"`));
      }
    });
  }
  // Any managed resource with a literal JSON `policy` (aws_iam_policy, aws_iam_role_policy, bucket and key policies...).
  for (const block of blocks.all) {
    if (block.mode !== 'resource') continue;
    const policies: [string, unknown][] = [['policy', block.body.policy]];
    records(block.body.inline_policy).forEach((inline, i) => policies.push([`inline_policy[${i}].policy`, inline.policy]));
    for (const [where, policy] of policies) {
      if (!isJsonPolicy(policy)) continue;
      for (const statement of adminStatementsInJson(policy)) {
        found.push(finding('AWS-IAM-001', block, `${where} ${statement} allows Action "*" on Resource "*"`));
      }
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
  checkIam,
];

/** Terraform rules over one parsed document (embedded Kubernetes objects are not checked here). */
export function checkTerraformDocument(document: TerraformDocument): Finding[] {
  const blocks = new Blocks(document.blocks);
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

