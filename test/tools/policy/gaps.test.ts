/**
 * The gaps measured against public ground truth (issue 17), each on an otherwise hardened fixture:
 * the failing input differs from a compliant one only in the gap, so it must produce exactly one
 * rule's findings, at the expected address, and the compliant input none at all.
 */
import { checkKubernetes, checkTerraform, type Finding } from '../../../tools/policy';
import {
  firstContainer,
  modified,
  podHolder,
  podSpecOf,
  ref,
  secureBucket,
  secureCluster,
  secureDb,
  secureEbsVolume,
  secureInstance,
  secureKmsKey,
  secureLaunchConfiguration,
  secureLogGroup,
  secureRdsCluster,
  secureRdsClusterInstance,
  secureRepository,
  tf,
  workload,
  type Json,
} from './fixtures';

type Input = { readonly terraform: Json } | { readonly kubernetes: readonly Json[] };

interface Gap {
  readonly gap: string;
  readonly rule: string;
  readonly address: string;
  readonly fail: Input;
  readonly pass: Input;
}

function findingsOf(input: Input): Finding[] {
  return 'terraform' in input ? checkTerraform(input.terraform, 'stack/cdk.tf.json') : checkKubernetes(input.kubernetes, 'dist/k8s/dev/app.yaml');
}

const one = (type: string, body: Json, name = 'main'): Input => ({ terraform: tf({ [type]: { [name]: body } }) });
const pod = (change: (spec: Json, container: Json) => void, kind = 'Deployment'): Input => ({
  kubernetes: [modified(workload({ kind }), (w) => change(podSpecOf(w), firstContainer(w)))],
});
const security = (container: Json): Json => container.securityContext as Json;
const statement = (Action: unknown, Resource: unknown): string => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource }] });
const bucketWith = (change: (b: Record<string, Record<string, Json>>) => void): Input => ({ terraform: tf(modified(secureBucket('logs'), change)) });
const compliantBucket: Input = { terraform: tf(secureBucket('logs')) };

const gaps: readonly Gap[] = [
  // ---- Kinds that bypassed every rule
  { gap: 'aws_rds_cluster unencrypted', rule: 'AWS-RDS-001', address: 'aws_rds_cluster.main', fail: one('aws_rds_cluster', { ...secureRdsCluster, storage_encrypted: false }), pass: one('aws_rds_cluster', secureRdsCluster) },
  { gap: 'aws_rds_cluster with backups off', rule: 'AWS-RDS-004', address: 'aws_rds_cluster.main', fail: one('aws_rds_cluster', { ...secureRdsCluster, backup_retention_period: 0 }), pass: one('aws_rds_cluster', { ...secureRdsCluster, backup_retention_period: undefined }) },
  { gap: 'aws_rds_cluster without deletion protection', rule: 'AWS-RDS-005', address: 'aws_rds_cluster.main', fail: one('aws_rds_cluster', { ...secureRdsCluster, deletion_protection: false }), pass: one('aws_rds_cluster', secureRdsCluster) },
  { gap: 'aws_rds_cluster with a master password', rule: 'AWS-RDS-003', address: 'aws_rds_cluster.main', fail: one('aws_rds_cluster', { ...secureRdsCluster, manage_master_user_password: undefined, master_password: 'hunter2' }), pass: one('aws_rds_cluster', { ...secureRdsCluster, manage_master_user_password: undefined, master_username: undefined, global_cluster_identifier: 'global' }) },
  { gap: 'aws_rds_cluster_instance publicly accessible', rule: 'AWS-RDS-002', address: 'aws_rds_cluster_instance.main', fail: one('aws_rds_cluster_instance', { ...secureRdsClusterInstance, publicly_accessible: true }), pass: one('aws_rds_cluster_instance', secureRdsClusterInstance) },
  { gap: 'aws_launch_configuration allowing IMDSv1', rule: 'AWS-EC2-001', address: 'aws_launch_configuration.main', fail: one('aws_launch_configuration', { ...secureLaunchConfiguration, metadata_options: { http_tokens: 'optional' } }), pass: one('aws_launch_configuration', secureLaunchConfiguration) },
  { gap: 'aws_launch_configuration with an unencrypted EBS device', rule: 'AWS-EC2-002', address: 'aws_launch_configuration.main', fail: one('aws_launch_configuration', { ...secureLaunchConfiguration, ebs_block_device: [{ device_name: '/dev/sdb', volume_size: 50 }] }), pass: one('aws_launch_configuration', { ...secureLaunchConfiguration, ebs_block_device: [{ device_name: '/dev/sdb', snapshot_id: 'snap-1' }] }) },
  { gap: 'aws_ebs_volume unencrypted', rule: 'AWS-EC2-002', address: 'aws_ebs_volume.main', fail: one('aws_ebs_volume', { ...secureEbsVolume, encrypted: false }), pass: one('aws_ebs_volume', secureEbsVolume) },
  ...(['ReplicationController', 'ReplicaSet', 'PodTemplate', 'Rollout'] as const).map((kind) => ({
    gap: `a privileged ${kind}`,
    rule: 'K8S-SEC-001',
    address: `${kind}/ml/server`,
    fail: { kubernetes: [modified(podHolder(kind), (o) => { security(firstContainer(o.kind === 'PodTemplate' ? { kind: 'Pod', spec: (o.template as Json).spec } : o)).privileged = true; })] },
    pass: { kubernetes: [podHolder(kind)] },
  })),
  // ---- Kubernetes container escapes
  { gap: 'a hostPath of / (badPods "everything-allowed")', rule: 'K8S-SEC-006', address: 'Deployment/ml/server', fail: pod((spec, c) => { spec.volumes = [{ name: 'host', hostPath: { path: '/' } }]; c.volumeMounts = [{ name: 'host', mountPath: '/host' }]; }), pass: pod((spec, c) => { spec.volumes = [{ name: 'tmp', emptyDir: {} }]; c.volumeMounts = [{ name: 'tmp', mountPath: '/tmp' }]; }) },
  { gap: 'the container runtime socket (kube-linter docker-sock)', rule: 'K8S-SEC-006', address: 'DaemonSet/ml/server', fail: pod((spec, c) => { spec.volumes = [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }]; c.volumeMounts = [{ name: 'sock', mountPath: '/var/run/docker.sock', readOnly: true }]; }, 'DaemonSet'), pass: pod(() => undefined, 'DaemonSet') },
  { gap: 'added SYS_ADMIN', rule: 'K8S-SEC-007', address: 'Deployment/ml/server', fail: pod((_, c) => { security(c).capabilities = { drop: ['ALL'], add: ['SYS_ADMIN'] }; }), pass: pod((_, c) => { security(c).capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }; }) },
  { gap: 'added NET_RAW / ALL', rule: 'K8S-SEC-007', address: 'Job/ml/server', fail: pod((_, c) => { security(c).capabilities = { drop: ['ALL'], add: ['CAP_NET_RAW', 'ALL'] }; }, 'Job'), pass: pod(() => undefined, 'Job') },
  { gap: 'capabilities not dropped', rule: 'K8S-SEC-007', address: 'CronJob/ml/server', fail: pod((_, c) => { delete security(c).capabilities; }, 'CronJob'), pass: pod(() => undefined, 'CronJob') },
  { gap: 'the default service account token mounted', rule: 'K8S-SEC-008', address: 'StatefulSet/ml/server', fail: pod((spec) => { delete spec.serviceAccountName; }, 'StatefulSet'), pass: pod((spec) => { delete spec.serviceAccountName; spec.automountServiceAccountToken = false; }, 'StatefulSet') },
  { gap: 'seccompProfile Unconfined on the container', rule: 'K8S-SEC-009', address: 'Pod/ml/server', fail: pod((_, c) => { security(c).seccompProfile = { type: 'Unconfined' }; }, 'Pod'), pass: pod((_, c) => { security(c).seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/audit.json' }; }, 'Pod') },
  { gap: 'AppArmor unconfined (annotation)', rule: 'K8S-SEC-009', address: 'Deployment/ml/server', fail: { kubernetes: [modified(workload(), (w) => { (((w.spec as Json).template as Json).metadata as Json).annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }; })] }, pass: { kubernetes: [modified(workload(), (w) => { (((w.spec as Json).template as Json).metadata as Json).annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' }; })] } },
  { gap: 'AppArmor Unconfined (securityContext)', rule: 'K8S-SEC-009', address: 'Deployment/ml/server', fail: pod((spec) => { (spec.securityContext as Json).appArmorProfile = { type: 'Unconfined' }; }), pass: pod((spec) => { (spec.securityContext as Json).appArmorProfile = { type: 'RuntimeDefault' }; }) },
  { gap: 'procMount Unmasked', rule: 'K8S-SEC-010', address: 'Deployment/ml/server', fail: pod((_, c) => { security(c).procMount = 'Unmasked'; }), pass: pod((_, c) => { security(c).procMount = 'Default'; }) },
  { gap: 'runAsGroup 0', rule: 'K8S-SEC-002', address: 'Deployment/ml/server', fail: pod((_, c) => { security(c).runAsGroup = 0; }), pass: pod((_, c) => { security(c).runAsGroup = 10001; }) },
  // ---- IAM
  { gap: 'AdministratorAccess attached to a role', rule: 'AWS-IAM-002', address: 'aws_iam_role_policy_attachment.main', fail: one('aws_iam_role_policy_attachment', { role: 'ci', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }), pass: one('aws_iam_role_policy_attachment', { role: 'ci', policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }) },
  { gap: 'IAMFullAccess in managed_policy_arns (GovCloud partition)', rule: 'AWS-IAM-002', address: 'aws_iam_role.main', fail: one('aws_iam_role', { name: 'ci', assume_role_policy: '{}', managed_policy_arns: ['arn:aws-us-gov:iam::aws:policy/IAMFullAccess'] }), pass: one('aws_iam_role', { name: 'ci', assume_role_policy: '{}', managed_policy_arns: ['arn:aws:iam::123456789012:policy/AdministratorAccess'] }) },
  { gap: 'AdministratorAccess on an SSO permission set', rule: 'AWS-IAM-002', address: 'aws_ssoadmin_managed_policy_attachment.main', fail: one('aws_ssoadmin_managed_policy_attachment', { instance_arn: 'arn:aws:sso:::instance/ssoins-1', permission_set_arn: 'arn:aws:sso:::permissionSet/ps-1', managed_policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }), pass: one('aws_ssoadmin_managed_policy_attachment', { instance_arn: 'arn:aws:sso:::instance/ssoins-1', permission_set_arn: 'arn:aws:sso:::permissionSet/ps-1', managed_policy_arn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess' }) },
  { gap: 'Action "*" on one resource', rule: 'AWS-IAM-001', address: 'aws_iam_policy.main', fail: one('aws_iam_policy', { name: 'p', policy: statement('*', 'arn:aws:s3:::mlops-raw') }), pass: one('aws_iam_policy', { name: 'p', policy: statement('s3:*', 'arn:aws:s3:::mlops-raw') }) },
  { gap: 'an SSO permission set inline admin policy', rule: 'AWS-IAM-001', address: 'aws_ssoadmin_permission_set_inline_policy.main', fail: one('aws_ssoadmin_permission_set_inline_policy', { instance_arn: 'arn:aws:sso:::instance/ssoins-1', permission_set_arn: 'arn:aws:sso:::permissionSet/ps-1', inline_policy: statement(['*'], ['*']) }), pass: one('aws_ssoadmin_permission_set_inline_policy', { instance_arn: 'arn:aws:sso:::instance/ssoins-1', permission_set_arn: 'arn:aws:sso:::permissionSet/ps-1', inline_policy: statement(['ec2:Describe*'], ['*']) }) },
  // ---- Values that prove nothing
  { gap: 'SSE-S3 where the rule claims KMS (CKV_AWS_145)', rule: 'AWS-S3-002', address: 'aws_s3_bucket.logs', fail: bucketWith((b) => { b.aws_s3_bucket_server_side_encryption_configuration.logs.rule = [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }]; }), pass: bucketWith((b) => { b.aws_s3_bucket_server_side_encryption_configuration.logs.rule = [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms:dsse' } }]; }) },
  { gap: 'an unresolved sse_algorithm', rule: 'AWS-S3-002', address: 'aws_s3_bucket.logs', fail: bucketWith((b) => { b.aws_s3_bucket_server_side_encryption_configuration.logs.rule = [{ apply_server_side_encryption_by_default: { sse_algorithm: '${var.sse}' } }]; }), pass: compliantBucket },
  { gap: 'unresolved backup_retention_period', rule: 'AWS-RDS-004', address: 'aws_db_instance.main', fail: one('aws_db_instance', { ...secureDb, backup_retention_period: '${var.retention}' }), pass: one('aws_db_instance', secureDb) },
  { gap: 'unresolved public_access_cidrs', rule: 'AWS-EKS-002', address: 'aws_eks_cluster.main', fail: one('aws_eks_cluster', { ...secureCluster, vpc_config: { endpoint_public_access: true, public_access_cidrs: '${var.cidrs}' } }), pass: one('aws_eks_cluster', secureCluster) },
  { gap: 'unresolved retention_in_days', rule: 'AWS-LOG-001', address: 'aws_cloudwatch_log_group.main', fail: one('aws_cloudwatch_log_group', { ...secureLogGroup, retention_in_days: '${var.days}' }), pass: one('aws_cloudwatch_log_group', secureLogGroup) },
  { gap: 'unresolved deletion_protection', rule: 'AWS-RDS-005', address: 'aws_db_instance.main', fail: one('aws_db_instance', { ...secureDb, deletion_protection: '${var.protect}' }), pass: one('aws_db_instance', secureDb) },
  // ---- Checks a user expects
  { gap: 'EKS control-plane logging incomplete', rule: 'AWS-EKS-003', address: 'aws_eks_cluster.main', fail: one('aws_eks_cluster', { ...secureCluster, enabled_cluster_log_types: ['api', 'audit'] }), pass: one('aws_eks_cluster', secureCluster) },
  { gap: 'KMS key rotation off', rule: 'AWS-KMS-001', address: 'aws_kms_key.main', fail: one('aws_kms_key', { ...secureKmsKey, enable_key_rotation: undefined }), pass: one('aws_kms_key', { ...secureKmsKey, enable_key_rotation: undefined, customer_master_key_spec: 'RSA_2048', key_usage: 'SIGN_VERIFY' }) },
  { gap: 'RDS IAM authentication off', rule: 'AWS-RDS-006', address: 'aws_db_instance.main', fail: one('aws_db_instance', { ...secureDb, iam_database_authentication_enabled: false }), pass: one('aws_db_instance', { ...secureDb, engine: 'sqlserver-se', iam_database_authentication_enabled: undefined }) },
  { gap: 'ECR without KMS', rule: 'AWS-ECR-003', address: 'aws_ecr_repository.main', fail: one('aws_ecr_repository', { ...secureRepository, encryption_configuration: { encryption_type: 'AES256' } }), pass: one('aws_ecr_repository', secureRepository) },
  // ---- The false positives
  { gap: 'IMDS turned off (http_endpoint "disabled") is safe', rule: 'AWS-EC2-001', address: 'aws_instance.main', fail: one('aws_instance', { ...secureInstance, metadata_options: { http_endpoint: 'enabled', http_tokens: 'optional' } }), pass: one('aws_instance', { ...secureInstance, metadata_options: { http_endpoint: 'disabled' } }) },
  {
    gap: 'inline encryption in a dynamic block',
    rule: 'AWS-S3-002',
    address: 'aws_s3_bucket.logs',
    fail: bucketWith((b) => { delete b.aws_s3_bucket_server_side_encryption_configuration; b.aws_s3_bucket.logs.dynamic = { server_side_encryption_configuration: { for_each: '${var.sse}', content: { rule: { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } } } } }; }),
    pass: bucketWith((b) => { delete b.aws_s3_bucket_server_side_encryption_configuration; b.aws_s3_bucket.logs.dynamic = { server_side_encryption_configuration: { for_each: '${var.sse}', content: { rule: { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' } } } } }; }),
  },
  {
    gap: 'companions referenced by index and through a shared local',
    rule: 'AWS-S3-003',
    address: 'aws_s3_bucket.logs',
    fail: { terraform: { ...tf(modified(secureBucket('logs'), (b) => { b.aws_s3_bucket_versioning.logs.bucket = '${local.other_bucket}'; })), locals: { other_bucket: ref('aws_s3_bucket', 'other') } } },
    pass: {
      terraform: {
        ...tf(modified(secureBucket('logs'), (b) => {
          b.aws_s3_bucket_versioning.logs.bucket = '${local.logs_bucket}';
          b.aws_s3_bucket_public_access_block.logs.bucket = '${aws_s3_bucket.logs[0].id}';
          b.aws_s3_bucket_server_side_encryption_configuration.logs.bucket = '${aws_s3_bucket.logs["a"].bucket}';
        })),
        locals: { logs_bucket: ref('aws_s3_bucket', 'logs') },
      },
    },
  },
  { gap: 'retention_in_days = 0 means never expire, an explicit choice', rule: 'AWS-LOG-001', address: 'aws_cloudwatch_log_group.main', fail: one('aws_cloudwatch_log_group', { ...secureLogGroup, retention_in_days: undefined }), pass: one('aws_cloudwatch_log_group', { ...secureLogGroup, retention_in_days: 0 }) },
];

describe.each(gaps)('$rule: $gap', ({ rule, address, fail, pass }) => {
  it(`is the only finding, at ${address}`, () => {
    const found = findingsOf(fail);
    expect(found.map((f) => `${f.ruleId} ${f.address}`)).toEqual(found.map(() => `${rule} ${address}`));
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) expect(f.message).not.toMatch(/undefined|\[object Object\]/);
  });

  it('the hardened variant passes every rule', () => {
    expect(findingsOf(pass)).toEqual([]);
  });
});

describe('unresolved tokens', () => {
  it('say they cannot be proven instead of passing', () => {
    const found = findingsOf(one('aws_db_instance', { ...secureDb, backup_retention_period: '${var.retention}' }));
    expect(found.map((f) => f.message)).toEqual(['backup_retention_period is "${var.retention}", which cannot be proven at synth time (an unresolved token)']);
  });
});
