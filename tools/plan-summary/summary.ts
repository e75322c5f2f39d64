/**
 * Turns a parsed plan into what a reviewer needs: Terraform's counts, the changed resources grouped by
 * action with the names (not values) of changed attributes, and the data-holding resources at risk.
 */
import type { Plan, ResourceChange } from './plan';

/**
 * Resources whose delete or replace loses data. Deleting one is the change a reviewer must not miss,
 * so the summary lists each at the top of the comment.
 */
export const DATA_HOLDING_RESOURCES = {
  /** Terraform resource type -> what it holds. */
  types: {
    aws_db_instance: 'database',
    aws_rds_cluster: 'database',
    aws_rds_global_cluster: 'database',
    aws_docdb_cluster: 'database',
    aws_neptune_cluster: 'database',
    aws_redshift_cluster: 'data warehouse',
    aws_dynamodb_table: 'DynamoDB table',
    aws_dynamodb_global_table: 'DynamoDB table',
    aws_rds_cluster_instance: 'database instance',
    aws_db_cluster_snapshot: 'database snapshot',
    aws_db_snapshot: 'database snapshot',
    aws_dsql_cluster: 'database',
    aws_docdbelastic_cluster: 'database',
    aws_keyspaces_table: 'Keyspaces table',
    aws_timestreamwrite_table: 'Timestream table',
    aws_qldb_ledger: 'ledger',
    aws_lightsail_database: 'database',
    aws_redshiftserverless_namespace: 'data warehouse',
    aws_elasticache_replication_group: 'cache cluster',
    aws_elasticache_cluster: 'cache cluster',
    aws_elasticache_serverless_cache: 'cache',
    aws_elasticache_global_replication_group: 'cache cluster',
    aws_memorydb_cluster: 'MemoryDB cluster',
    aws_memorydb_snapshot: 'MemoryDB snapshot',
    aws_opensearchserverless_collection: 'search collection',
    aws_msk_serverless_cluster: 'Kafka cluster',
    aws_mq_broker: 'message broker',
    aws_sqs_queue: 'queue (its messages)',
    aws_s3_object: 'S3 object',
    aws_s3tables_table_bucket: 'table bucket',
    aws_s3tables_table: 'S3 table',
    aws_glacier_vault: 'Glacier vault',
    aws_ebs_snapshot: 'EBS snapshot',
    aws_fsx_windows_file_system: 'FSx file system',
    aws_secretsmanager_secret_version: 'secret value',
    aws_ssm_parameter: 'parameter',
    aws_sagemaker_feature_group: 'feature store',
    aws_sagemaker_model_package_group: 'model registry',
    aws_timestreaminfluxdb_db_instance: 'database',
    aws_opensearch_domain: 'search domain',
    aws_elasticsearch_domain: 'search domain',
    aws_msk_cluster: 'Kafka cluster',
    aws_kinesis_stream: 'stream',
    aws_s3_bucket: 'bucket',
    aws_s3_directory_bucket: 'bucket',
    aws_ecr_repository: 'image repository',
    aws_kms_key: 'KMS key',
    aws_eks_cluster: 'Kubernetes cluster',
    aws_cloudwatch_log_group: 'log group',
    aws_ebs_volume: 'EBS volume',
    aws_efs_file_system: 'EFS file system',
    aws_fsx_lustre_file_system: 'FSx file system',
    aws_fsx_ontap_file_system: 'FSx file system',
    aws_fsx_openzfs_file_system: 'FSx file system',
    aws_backup_vault: 'backup vault',
    aws_secretsmanager_secret: 'secret',
    kubernetes_persistent_volume: 'persistent volume',
    kubernetes_persistent_volume_v1: 'persistent volume',
    kubernetes_persistent_volume_claim: 'persistent volume claim',
    kubernetes_persistent_volume_claim_v1: 'persistent volume claim',
  } as Readonly<Record<string, string>>,
  /** `kubernetes_manifest` objects (how cdk8s charts are applied) by `manifest.kind` -> what they hold. */
  kubernetesManifestKinds: {
    PersistentVolume: 'persistent volume',
    PersistentVolumeClaim: 'persistent volume claim',
  } as Readonly<Record<string, string>>,
} as const;

/**
 * Attributes whose values are shown (when scalar and not sensitive), because they are the ones a
 * reviewer weighs and they never hold secrets. Everything else is shown by name only.
 */
export const SAFE_VALUE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'allocated_storage',
  'backup_retention_period',
  'chart',
  'cidr_block',
  'deletion_protection',
  'deletion_window_in_days',
  'desired_size',
  'enable_key_rotation',
  'engine',
  'engine_version',
  'force_destroy',
  'image_tag_mutability',
  'instance_class',
  'instance_type',
  'max_allocated_storage',
  'max_size',
  'min_size',
  'multi_az',
  'publicly_accessible',
  'retention_in_days',
  'skip_final_snapshot',
  'storage_encrypted',
]);

/** Groups in the order they are shown (and kept when the comment must be cut): destructive first. */
export const GROUP_ORDER = ['delete', 'replace', 'update', 'create', 'import', 'move', 'forget'] as const;
export type Group = (typeof GROUP_ORDER)[number];

export type ReplaceOrder = 'create before destroy' | 'destroy before create' | 'create, then forget the old object';

/** A shown value: a JSON literal, or why it is not shown. */
export type ShownValue = { readonly kind: 'value'; readonly json: string } | { readonly kind: 'sensitive' } | { readonly kind: 'unknown' } | { readonly kind: 'absent' };

export interface AttributeChange {
  readonly name: string;
  /** True when either side is marked sensitive: never print its value. */
  readonly sensitive: boolean;
  /** True when this attribute forces the replacement (`replace_paths`). */
  readonly forcesReplacement: boolean;
  /** Values, only for `SAFE_VALUE_ATTRIBUTES`. */
  readonly before?: ShownValue;
  readonly after?: ShownValue;
}

export interface SummaryEntry {
  readonly address: string;
  readonly type: string;
  readonly group: Group;
  readonly replaceOrder?: ReplaceOrder;
  readonly previousAddress?: string;
  readonly importId?: string;
  /** Imported by resource identity (Terraform 1.12+ `import { identity = ... }`) rather than by ID. */
  readonly importByIdentity?: boolean;
  readonly deposed?: string;
  readonly actionReason?: string;
  /** Top-level attributes that change (update, replace) or are set (create, shown values only). */
  readonly attributes: readonly AttributeChange[];
  /** What is lost, when this destroys a data-holding resource. */
  readonly dataLoss?: string;
}

export interface PlanCounts {
  readonly import: number;
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly forget: number;
  readonly move: number;
}

/** A change found outside Terraform (`resource_drift`): state differs from the real object. */
export interface DriftEntry {
  readonly address: string;
  readonly type: string;
  /** `update` (changed outside Terraform), `delete` (deleted outside Terraform), ... as Terraform says it. */
  readonly change: string;
}

export interface StackSummary {
  readonly name: string;
  readonly terraformVersion: string;
  readonly counts: PlanCounts;
  /** Entries in `GROUP_ORDER`, then by address in natural order (`b[2]` before `b[10]`). */
  readonly entries: readonly SummaryEntry[];
  /** Names of outputs that change. */
  readonly outputChanges: readonly string[];
  /** Objects changed or deleted outside Terraform since the last apply (informational: the plan above already accounts for them). */
  readonly drift: readonly DriftEntry[];
  /** Actions applying the plan invokes (Terraform 1.14+), by address, with what triggers each. */
  readonly actionInvocations: readonly { readonly address: string; readonly trigger: string }[];
  /** Resource changes deferred to a later plan (Terraform 1.8+, `deferred_changes`). */
  readonly deferredCount: number;
  readonly errored: boolean;
  readonly complete: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when a sensitivity/unknown mask marks anything at or below this point. */
function anyMarked(mask: unknown): boolean {
  if (mask === true) return true;
  if (Array.isArray(mask)) return mask.some(anyMarked);
  if (isObject(mask)) return Object.values(mask).some(anyMarked);
  return false;
}

/** The mask for a top-level attribute; a whole-object `true` marks every attribute. */
function maskAt(mask: unknown, key: string): unknown {
  if (mask === true) return true;
  return isObject(mask) ? mask[key] : undefined;
}

/** Structural equality of JSON values; an absent attribute equals null, as in Terraform's diff. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b || (a ?? null) === (b ?? null)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

function shownValue(value: unknown, sensitive: unknown, unknown: unknown): ShownValue {
  if (anyMarked(sensitive)) return { kind: 'sensitive' };
  if (anyMarked(unknown)) return { kind: 'unknown' };
  if (value === undefined || value === null) return { kind: 'absent' };
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return { kind: 'value', json: JSON.stringify(value) };
  }
  return { kind: 'absent' };
}

function isDataMode(rc: ResourceChange): boolean {
  return rc.mode === 'data';
}

/** Which group a change is listed in, or undefined when it is left out (no-op, read). */
function groupOf(rc: ResourceChange): Group | undefined {
  switch (rc.kind) {
    case 'create':
      return 'create';
    case 'update':
      return 'update';
    case 'delete':
      return isDataMode(rc) ? undefined : 'delete';
    case 'delete-then-create':
    case 'create-then-delete':
    case 'create-then-forget':
      return 'replace';
    case 'forget':
      return 'forget';
    case 'read':
      return undefined;
    case 'no-op':
      if (rc.importing) return 'import';
      if (rc.previousAddress !== undefined) return 'move';
      return undefined;
  }
}

function replaceOrderOf(rc: ResourceChange): ReplaceOrder | undefined {
  switch (rc.kind) {
    case 'delete-then-create':
      return 'destroy before create';
    case 'create-then-delete':
      return 'create before destroy';
    case 'create-then-forget':
      return 'create, then forget the old object';
    default:
      return undefined;
  }
}

/** What a destroyed or replaced resource holds, or undefined when it holds no data. */
export function dataHeldBy(rc: Pick<ResourceChange, 'type' | 'mode' | 'before'>): string | undefined {
  if (rc.mode !== 'managed') return undefined;
  const byType = DATA_HOLDING_RESOURCES.types[rc.type];
  if (byType !== undefined) return byType;
  if (rc.type === 'kubernetes_manifest' && isObject(rc.before) && isObject(rc.before.manifest)) {
    const kind = rc.before.manifest.kind;
    if (typeof kind === 'string') return DATA_HOLDING_RESOURCES.kubernetesManifestKinds[kind];
  }
  return undefined;
}

function changedAttributes(rc: ResourceChange, group: Group): AttributeChange[] {
  const before = isObject(rc.before) ? rc.before : {};
  const after = isObject(rc.after) ? rc.after : {};
  const forcing = new Set(rc.replacePaths.map((p) => p[0]).filter((p): p is string => typeof p === 'string'));
  const names = new Set<string>();
  if (group === 'create') {
    // A new resource "changes" every attribute; list only those whose values are worth showing.
    for (const key of Object.keys(after)) if (SAFE_VALUE_ATTRIBUTES.has(key)) names.add(key);
    if (isObject(rc.afterUnknown)) for (const key of Object.keys(rc.afterUnknown)) if (SAFE_VALUE_ATTRIBUTES.has(key)) names.add(key);
  } else if (group === 'update' || group === 'replace' || group === 'import' || group === 'move') {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (!deepEqual(before[key], after[key])) names.add(key);
    }
    if (isObject(rc.afterUnknown)) {
      for (const [key, mask] of Object.entries(rc.afterUnknown)) if (anyMarked(mask)) names.add(key);
    }
    if (group === 'replace') {
      // A new object recomputes every computed attribute (id, arn, ...); those are noise next to the
      // configured changes, so keep only known changes and what forces the replacement.
      for (const key of [...names]) if (anyMarked(maskAt(rc.afterUnknown, key)) && !forcing.has(key)) names.delete(key);
    }
    for (const key of forcing) names.add(key);
  }
  return [...names].sort().map((name): AttributeChange => {
    const beforeSensitive = maskAt(rc.beforeSensitive, name);
    const afterSensitive = maskAt(rc.afterSensitive, name);
    const sensitive = anyMarked(beforeSensitive) || anyMarked(afterSensitive);
    const safe = SAFE_VALUE_ATTRIBUTES.has(name);
    return {
      name,
      sensitive,
      forcesReplacement: forcing.has(name),
      before: safe && group !== 'create' ? shownValue(before[name], sensitive, false) : undefined,
      after: safe ? shownValue(after[name], sensitive, maskAt(rc.afterUnknown, name)) : undefined,
    };
  });
}

/** Summarizes one stack's plan. */
export function summarizePlan(name: string, plan: Plan): StackSummary {
  let add = 0;
  let change = 0;
  let destroy = 0;
  let importCount = 0;
  let forget = 0;
  let move = 0;
  const entries: SummaryEntry[] = [];

  for (const rc of plan.resourceChanges) {
    const group = groupOf(rc);
    if (group === undefined) continue;
    // Terraform's counting (internal/command/jsonformat/plan.go): a replace is one add and one destroy.
    switch (rc.kind) {
      case 'create':
        add++;
        break;
      case 'update':
        change++;
        break;
      case 'delete':
        destroy++;
        break;
      case 'delete-then-create':
      case 'create-then-delete':
        add++;
        destroy++;
        break;
      case 'create-then-forget':
        add++;
        forget++;
        break;
      case 'forget':
        forget++;
        break;
      default:
        break;
    }
    if (rc.importing) importCount++;
    if (rc.previousAddress !== undefined) move++;

    const destroys = group === 'delete' || group === 'replace';
    entries.push({
      address: rc.address,
      type: rc.type,
      group,
      replaceOrder: replaceOrderOf(rc),
      previousAddress: rc.previousAddress,
      importId: rc.importing?.id,
      importByIdentity: rc.importing?.identity,
      deposed: rc.deposed,
      actionReason: rc.actionReason,
      attributes: group === 'delete' || group === 'forget' ? [] : changedAttributes(rc, group),
      dataLoss: destroys && rc.kind !== 'create-then-forget' ? dataHeldBy(rc) : undefined,
    });
  }

  const rank = (g: Group) => GROUP_ORDER.indexOf(g);
  entries.sort((a, b) => rank(a.group) - rank(b.group) || naturalCompare(a.address, b.address) || compare(a.deposed ?? '', b.deposed ?? ''));

  return {
    name,
    terraformVersion: plan.terraformVersion,
    counts: { import: importCount, add, change, destroy, forget, move },
    entries,
    outputChanges: plan.outputChanges.filter((o) => o.kind !== 'no-op' && o.kind !== 'read').map((o) => o.name).sort(compare),
    drift: plan.resourceDrift
      .filter((rc) => rc.kind !== 'no-op' || rc.previousAddress !== undefined)
      .map((rc) => ({ address: rc.address, type: rc.type, change: driftWording(rc) }))
      .sort((a, b) => naturalCompare(a.address, b.address)),
    actionInvocations: plan.actionInvocations.map((a) => ({
      address: a.address,
      trigger: a.triggeredBy !== undefined ? `${a.event ?? 'lifecycle event'} of ${a.triggeredBy}` : 'invoked directly (-invoke)',
    })),
    deferredCount: plan.deferredChanges.length,
    errored: plan.errored,
    complete: plan.complete,
  };
}

/** Terraform's own words for drift (jsonformat's "has changed" / "has been deleted"). */
function driftWording(rc: ResourceChange): string {
  if (rc.kind === 'delete') return 'deleted outside Terraform';
  if (rc.kind === 'no-op' && rc.previousAddress !== undefined) return `moved from ${rc.previousAddress}`;
  return 'changed outside Terraform';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Natural order for addresses: runs of digits compare as numbers (`b[2]` before `b[10]`, `b2` before
 * `b10`), everything else by code point, so the order does not depend on the locale.
 */
export function naturalCompare(a: string, b: string): number {
  const chunks = (text: string) => text.match(/\d+|\D+/g) ?? [];
  const left = chunks(a);
  const right = chunks(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (x === y) continue;
    const xDigits = /^\d/.test(x);
    const yDigits = /^\d/.test(y);
    if (xDigits && yDigits) {
      // Compare by value without Number() (indexes can exceed 2^53): strip zeros, then length, then digits.
      const xv = x.replace(/^0+(?=\d)/, '');
      const yv = y.replace(/^0+(?=\d)/, '');
      if (xv.length !== yv.length) return xv.length - yv.length;
      if (xv !== yv) return compare(xv, yv);
      if (x.length !== y.length) return x.length - y.length; // "01" after "1": a stable tie-break
      continue;
    }
    return compare(x, y);
  }
  return left.length - right.length || compare(a, b);
}

/** True when applying the plan changes resources or state (any listed entry). */
export function hasResourceChanges(summary: StackSummary): boolean {
  return summary.entries.length > 0;
}

/** True when applying the plan does anything at all: resources, outputs, or actions it invokes. */
export function doesSomething(summary: StackSummary): boolean {
  return summary.entries.length > 0 || summary.outputChanges.length > 0 || summary.actionInvocations.length > 0;
}

/**
 * Terraform's plan line, worded as Terraform 1.5+ prints it:
 * `Plan: [N to import, ]X to add, Y to change, Z to destroy[, W to forget].`
 */
export function planLine(counts: PlanCounts): string {
  const importPart = counts.import > 0 ? `${counts.import} to import, ` : '';
  const forgetPart = counts.forget > 0 ? `, ${counts.forget} to forget` : '';
  return `Plan: ${importPart}${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy${forgetPart}.`;
}
