/**
 * Known-bad and known-good resources from the field's own test suites, converted to Terraform JSON
 * and Kubernetes objects (a few cases per check, not the files wholesale). Each names its source:
 * - bridgecrewio/checkov @ 03fd5fd (2026-08-20), tests/terraform/checks/resource/aws/example_<Check>/ and test_<Check>.py
 *   (the passing_resources / failing_resources sets);
 * - BishopFox/badPods @ fadd08c, manifests/<escape>/<kind>/*.yaml;
 * - stackrox/kube-linter @ 35de568 (2026-08-19), tests/checks/<check>.yml.
 * `rule` is the project rule that must flag a bad case and must not flag a good one (other rules may
 * fire on these minimal resources: they are not hardened).
 */
export type Json = Record<string, unknown>;

export interface GroundTruthCase {
  readonly source: string;
  readonly rule: string;
  readonly expect: 'bad' | 'good';
  readonly address: string;
  readonly terraform?: Json;
  readonly kubernetes?: Json;
}

const CHECKOV = 'bridgecrewio/checkov@03fd5fd tests/terraform/checks/resource/aws';
const BADPODS = 'BishopFox/badPods@fadd08c manifests';
const KUBE_LINTER = 'stackrox/kube-linter@35de568 tests/checks';

function tf(type: string, name: string, body: Json, source: string, rule: string, expect: 'bad' | 'good'): GroundTruthCase {
  return { source, rule, expect, address: `${type}.${name}`, terraform: { resource: { [type]: { [name]: body } } } };
}

function k8s(object: Json, source: string, rule: string, expect: 'bad' | 'good'): GroundTruthCase {
  const metadata = object.metadata as Json;
  return { source, rule, expect, address: `${String(object.kind)}/${String(metadata.namespace ?? 'default')}/${String(metadata.name)}`, kubernetes: object };
}

const imds = `${CHECKOV}/example_IMDSv1Disabled/main.tf`;
const kms = `${CHECKOV}/example_KMSRotation/main.tf`;
const admin = `${CHECKOV}/example_IAMManagedAdminPolicy/IAMManagedAdminPolicy.tf`;
const eksLogs = `${CHECKOV}/example_EKSControlPlaneLogging/main.tf`;
const clusterIam = `${CHECKOV}/example_RDSClusterIAMAuthentication/main.tf`;
const lcEbs = `${CHECKOV}/example_LaunchConfigurationEBSEncryption/main.tf`;
const ebs = `${CHECKOV}/test_EBSEncryption.py`;
const ecr = `${CHECKOV}/test_ECRRepositoryEncrypted.py`;
const aurora = `${CHECKOV}/test_AuroraEncryption.py`;
const clusterDeletion = `${CHECKOV}/test_RDSDeletionProtection.py`;
const s3Kms = 'bridgecrewio/checkov@03fd5fd tests/terraform/graph/checks/resources/S3KMSEncryptedByDefault';
const starAction = `${CHECKOV}/test_IAMStarActionPolicyDocument.py`;

const lsEncrypted = (algorithm: string): Json => ({
  resource: {
    aws_s3_bucket: { bucket: { bucket: 'example' } },
    aws_s3_bucket_server_side_encryption_configuration: {
      sse: { bucket: '${aws_s3_bucket.bucket.id}', rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: algorithm } }] },
    },
  },
});

/** badPods' pod template, in the holder kinds its manifests cover. */
function badPod(kind: string, name: string, spec: Json): Json {
  const template = { metadata: { labels: { app: 'pentest' } }, spec };
  const metadata = { name, labels: { app: 'pentest' } };
  switch (kind) {
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata, spec };
    case 'ReplicationController':
      return { apiVersion: 'v1', kind, metadata, spec: { replicas: 2, selector: { app: 'pentest' }, template } };
    case 'CronJob':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { template } };
    default:
      return { apiVersion: 'apps/v1', kind, metadata, spec: { replicas: 2, selector: { matchLabels: { app: 'pentest' } }, template } };
  }
}

const everythingAllowed: Json = {
  hostNetwork: true,
  hostPID: true,
  hostIPC: true,
  containers: [{ name: 'everything-allowed', image: 'ubuntu', securityContext: { privileged: true }, volumeMounts: [{ mountPath: '/host', name: 'noderoot' }] }],
  volumes: [{ name: 'noderoot', hostPath: { path: '/' } }],
};
const hostPathRoot: Json = {
  containers: [{ name: 'hostpath', image: 'ubuntu', volumeMounts: [{ mountPath: '/host', name: 'noderoot' }] }],
  volumes: [{ name: 'noderoot', hostPath: { path: '/' } }],
};
const nothingAllowed: Json = { containers: [{ name: 'nothing-allowed', image: 'ubuntu' }] };

const deploymentWith = (name: string, container: Json, spec: Json = {}): Json => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas: 3, template: { spec: { ...spec, containers: [{ name: 'app', ...container }] } } },
});

export const groundTruth: readonly GroundTruthCase[] = [
  // ---- IMDSv2 (CKV_AWS_79): passing required, required_lc, disabled; failing defaults, optional_token, optional_lc, optional_lt, default_lt
  tf('aws_instance', 'required', { metadata_options: { http_tokens: 'required' } }, imds, 'AWS-EC2-001', 'good'),
  tf('aws_instance', 'disabled', { metadata_options: { http_endpoint: 'disabled' } }, imds, 'AWS-EC2-001', 'good'),
  tf('aws_launch_configuration', 'required_lc', { image_id: '', instance_type: '', metadata_options: { http_endpoint: 'enabled', http_tokens: 'required' } }, imds, 'AWS-EC2-001', 'good'),
  tf('aws_instance', 'defaults', { metadata_options: {} }, imds, 'AWS-EC2-001', 'bad'),
  tf('aws_instance', 'optional_token', { metadata_options: { http_endpoint: 'enabled', http_put_response_hop_limit: '1', http_tokens: 'optional' } }, imds, 'AWS-EC2-001', 'bad'),
  tf('aws_launch_configuration', 'optional_lc', { image_id: '', instance_type: '', metadata_options: { http_endpoint: 'enabled', http_tokens: 'optional' } }, imds, 'AWS-EC2-001', 'bad'),
  tf('aws_launch_template', 'optional_lt', { metadata_options: { http_tokens: 'optional' } }, imds, 'AWS-EC2-001', 'bad'),
  tf('aws_launch_template', 'default_lt', { metadata_options: { http_endpoint: 'enabled' } }, imds, 'AWS-EC2-001', 'bad'),
  // ---- KMS rotation (CKV_AWS_7): asymmetric keys are UNKNOWN there, not applicable here
  tf('aws_kms_key', 'pass1', { enable_key_rotation: true }, kms, 'AWS-KMS-001', 'good'),
  tf('aws_kms_key', 'pass2', { customer_master_key_spec: 'SYMMETRIC_DEFAULT', enable_key_rotation: true }, kms, 'AWS-KMS-001', 'good'),
  tf('aws_kms_key', 'unknown1', { customer_master_key_spec: 'RSA_2048' }, kms, 'AWS-KMS-001', 'good'),
  tf('aws_kms_key', 'fail1', {}, kms, 'AWS-KMS-001', 'bad'),
  tf('aws_kms_key', 'fail2', { enable_key_rotation: false }, kms, 'AWS-KMS-001', 'bad'),
  tf('aws_kms_key', 'fail3', { customer_master_key_spec: 'SYMMETRIC_DEFAULT', enable_key_rotation: false }, kms, 'AWS-KMS-001', 'bad'),
  tf('aws_kms_key', 'fail4', { customer_master_key_spec: 'SYMMETRIC_DEFAULT' }, kms, 'AWS-KMS-001', 'bad'),
  // ---- AWS managed admin policy (CKV_AWS_274)
  tf('aws_iam_role', 'fail1', { managed_policy_arns: ['arn:aws:iam::aws:policy/AdministratorAccess'] }, admin, 'AWS-IAM-002', 'bad'),
  tf('aws_iam_policy_attachment', 'fail2', { policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, admin, 'AWS-IAM-002', 'bad'),
  tf('aws_iam_role_policy_attachment', 'fail3', { policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, admin, 'AWS-IAM-002', 'bad'),
  tf('aws_iam_user_policy_attachment', 'fail4', { policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, admin, 'AWS-IAM-002', 'bad'),
  tf('aws_iam_group_policy_attachment', 'fail5', { policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, admin, 'AWS-IAM-002', 'bad'),
  tf('aws_ssoadmin_managed_policy_attachment', 'fail6', { managed_policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, admin, 'AWS-IAM-002', 'bad'),
  tf('aws_iam_role', 'pass1', { managed_policy_arns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'] }, admin, 'AWS-IAM-002', 'good'),
  tf('aws_iam_policy_attachment', 'pass2', { policy_arn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }, admin, 'AWS-IAM-002', 'good'),
  tf('aws_iam_role_policy_attachment', 'pass6', {}, admin, 'AWS-IAM-002', 'good'),
  tf('aws_ssoadmin_managed_policy_attachment', 'pass7', { managed_policy_arn: 'arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess' }, admin, 'AWS-IAM-002', 'good'),
  // ---- Action "*" (CKV_AWS_63 on resources)
  tf('aws_iam_policy', 'fail', { policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::bucket' }] }) }, starAction, 'AWS-IAM-001', 'bad'),
  tf('aws_iam_policy', 'pass', { policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] }) }, starAction, 'AWS-IAM-001', 'good'),
  // ---- EKS control-plane logging (CKV_AWS_37)
  tf('aws_eks_cluster', 'fully_enabled', { name: 'example', role_arn: 'arn', vpc_config: { subnet_ids: ['a'] }, enabled_cluster_log_types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] }, eksLogs, 'AWS-EKS-003', 'good'),
  tf('aws_eks_cluster', 'partially_enabled', { name: 'example', role_arn: 'arn', vpc_config: { subnet_ids: ['a'] }, enabled_cluster_log_types: ['api', 'audit'] }, eksLogs, 'AWS-EKS-003', 'bad'),
  tf('aws_eks_cluster', 'not_configured', { name: 'example', role_arn: 'arn', vpc_config: { subnet_ids: ['a'] } }, eksLogs, 'AWS-EKS-003', 'bad'),
  // ---- RDS cluster IAM authentication (CKV_AWS_162)
  tf('aws_rds_cluster', 'enabled', { engine: 'aurora-postgresql', iam_database_authentication_enabled: true }, clusterIam, 'AWS-RDS-006', 'good'),
  tf('aws_rds_cluster', 'default', { engine: 'aurora-postgresql' }, clusterIam, 'AWS-RDS-006', 'bad'),
  tf('aws_rds_cluster', 'disabled', { engine: 'aurora-postgresql', iam_database_authentication_enabled: false }, clusterIam, 'AWS-RDS-006', 'bad'),
  // ---- Aurora encryption (CKV_AWS_96) and cluster deletion protection (CKV_AWS_139)
  tf('aws_rds_cluster', 'encrypted', { engine: 'aurora-mysql', storage_encrypted: true }, aurora, 'AWS-RDS-001', 'good'),
  tf('aws_rds_cluster', 'unencrypted', { engine: 'aurora-mysql' }, aurora, 'AWS-RDS-001', 'bad'),
  tf('aws_rds_cluster', 'serverless_enc_off', { engine: 'aurora-mysql', engine_mode: 'serverless', storage_encrypted: false }, aurora, 'AWS-RDS-001', 'good'),
  tf('aws_rds_cluster', 'protected', { engine: 'aurora-mysql', deletion_protection: true }, clusterDeletion, 'AWS-RDS-005', 'good'),
  tf('aws_rds_cluster', 'unprotected', { engine: 'aurora-mysql', deletion_protection: false }, clusterDeletion, 'AWS-RDS-005', 'bad'),
  // ---- Launch configuration EBS (CKV_AWS_8) and EBS volumes (CKV_AWS_3)
  tf('aws_launch_configuration', 'encrypted', { image_id: 'ami', instance_type: 't3.micro', root_block_device: { encrypted: true }, ebs_block_device: [{ device_name: '/dev/sdb', encrypted: true }] }, lcEbs, 'AWS-EC2-002', 'good'),
  tf('aws_launch_configuration', 'from_snapshot', { image_id: 'ami', instance_type: 't3.micro', root_block_device: { encrypted: true }, ebs_block_device: [{ device_name: '/dev/sdb', snapshot_id: 'snap-1' }] }, lcEbs, 'AWS-EC2-002', 'good'),
  tf('aws_launch_configuration', 'no_root', { image_id: 'ami', instance_type: 't3.micro' }, lcEbs, 'AWS-EC2-002', 'bad'),
  tf('aws_launch_configuration', 'unencrypted_ebs', { image_id: 'ami', instance_type: 't3.micro', root_block_device: { encrypted: true }, ebs_block_device: [{ device_name: '/dev/sdb', encrypted: false }] }, lcEbs, 'AWS-EC2-002', 'bad'),
  tf('aws_ebs_volume', 'encrypted', { availability_zone: 'us-west-2a', size: 40, encrypted: true }, ebs, 'AWS-EC2-002', 'good'),
  tf('aws_ebs_volume', 'unencrypted', { availability_zone: 'us-west-2a', size: 40 }, ebs, 'AWS-EC2-002', 'bad'),
  // ---- ECR KMS (CKV_AWS_136)
  tf('aws_ecr_repository', 'kms', { name: 'bar', encryption_configuration: { encryption_type: 'KMS' } }, ecr, 'AWS-ECR-003', 'good'),
  tf('aws_ecr_repository', 'aes', { name: 'bar', encryption_configuration: { encryption_type: 'AES256' } }, ecr, 'AWS-ECR-003', 'bad'),
  tf('aws_ecr_repository', 'default', { name: 'bar' }, ecr, 'AWS-ECR-003', 'bad'),
  // ---- S3 KMS by default (CKV_AWS_145)
  { source: s3Kms, rule: 'AWS-S3-002', expect: 'good', address: 'aws_s3_bucket.bucket', terraform: lsEncrypted('aws:kms') },
  { source: s3Kms, rule: 'AWS-S3-002', expect: 'bad', address: 'aws_s3_bucket.bucket', terraform: lsEncrypted('AES256') },
  // ---- Kubernetes: badPods, in every holder kind its manifests cover
  ...['Pod', 'ReplicationController', 'ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].flatMap((kind) => [
    k8s(badPod(kind, `everything-allowed-exec-${kind.toLowerCase()}`, everythingAllowed), `${BADPODS}/everything-allowed/${kind.toLowerCase()}/`, 'K8S-SEC-001', 'bad'),
    k8s(badPod(kind, `everything-allowed-exec-${kind.toLowerCase()}`, everythingAllowed), `${BADPODS}/everything-allowed/${kind.toLowerCase()}/`, 'K8S-SEC-006', 'bad'),
    k8s(badPod(kind, `hostpath-exec-${kind.toLowerCase()}`, hostPathRoot), `${BADPODS}/hostpath/${kind.toLowerCase()}/`, 'K8S-SEC-006', 'bad'),
    k8s(badPod(kind, `nothing-allowed-exec-${kind.toLowerCase()}`, nothingAllowed), `${BADPODS}/nothing-allowed/${kind.toLowerCase()}/`, 'K8S-SEC-006', 'good'),
  ]),
  // ---- kube-linter's test manifests
  k8s(deploymentWith('app1', { securityContext: { procMount: 'Unmasked' } }), `${KUBE_LINTER}/unsafe-proc-mount.yml`, 'K8S-SEC-010', 'bad'),
  k8s({ ...deploymentWith('app2', { securityContext: { procMount: 'Unmasked' } }), apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig' }, `${KUBE_LINTER}/unsafe-proc-mount.yml`, 'K8S-SEC-010', 'bad'),
  k8s(deploymentWith('app3', { securityContext: { procMount: 'Default' } }), `${KUBE_LINTER}/unsafe-proc-mount.yml`, 'K8S-SEC-010', 'good'),
  k8s(deploymentWith('docker-sock', { volumeMounts: [{ name: 'sock', mountPath: '/var/run/docker.sock' }] }, { volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }] }), `${KUBE_LINTER}/docker-sock.yml`, 'K8S-SEC-006', 'bad'),
  k8s(deploymentWith('net-raw', { securityContext: { capabilities: { drop: ['NET_BIND_SERVICE'] } } }), `${KUBE_LINTER}/drop-net-raw-capability.yml`, 'K8S-SEC-007', 'bad'),
  k8s(deploymentWith('net-raw-added', { securityContext: { capabilities: { drop: ['ALL'], add: ['NET_RAW'] } } }), `${KUBE_LINTER}/drop-net-raw-capability.yml`, 'K8S-SEC-007', 'bad'),
  k8s(deploymentWith('all-dropped', { securityContext: { capabilities: { drop: ['ALL'] } } }), `${KUBE_LINTER}/drop-net-raw-capability.yml`, 'K8S-SEC-007', 'good'),
  k8s(deploymentWith('default-sa', {}, { serviceAccountName: 'default' }), `${KUBE_LINTER}/default-service-account.yml`, 'K8S-SEC-008', 'bad'),
  k8s(deploymentWith('own-sa', {}, { serviceAccountName: 'app' }), `${KUBE_LINTER}/default-service-account.yml`, 'K8S-SEC-008', 'good'),
];
