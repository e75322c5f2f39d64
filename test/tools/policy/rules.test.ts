import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkKubernetes, checkTerraform, rules, runPolicy, type Finding } from '../../../tools/policy';
import {
  firstContainer,
  hpa,
  loadBalancerGroup,
  modified,
  pdb,
  podSpecOf,
  ref,
  secureBucket,
  secureCluster,
  secureDb,
  secureInstance,
  secureLaunchTemplate,
  secureLogGroup,
  secureRepository,
  secureStack,
  tf,
  workload,
  type Json,
} from './fixtures';

type Input = { readonly terraform: Json } | { readonly kubernetes: readonly Json[] } | { readonly files: Record<string, string> };

interface Case {
  readonly rule: string;
  readonly what: string;
  readonly fail: Input;
  /** The exact address the failing input must be reported at. */
  readonly address: string;
  readonly pass: Input;
}

function findingsOf(input: Input): Finding[] {
  if ('terraform' in input) return checkTerraform(input.terraform, 'stack/cdk.tf.json');
  if ('kubernetes' in input) return checkKubernetes(input.kubernetes, 'dist/k8s/dev/app.yaml');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-rules-'));
  try {
    for (const [name, text] of Object.entries(input.files)) fs.writeFileSync(path.join(dir, name), text);
    return [...runPolicy([dir]).findings];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const container = (change: (c: Json) => void, options: Parameters<typeof workload>[0] = {}): Json =>
  modified(workload(options), (w) => change(firstContainer(w)));
const security = (c: Json): Json => c.securityContext as Json;
const resources = (c: Json, kind: 'requests' | 'limits'): Json => (c.resources as Json)[kind] as Json;
const db = (body: Json): Json => tf({ aws_db_instance: { mlflow: body } });
const withBucket = (extra: Record<string, Record<string, Json>>): Json =>
  tf({ aws_s3_bucket: { logs: { bucket: 'mlops-logs' } }, ...extra });

const cases: readonly Case[] = [
  // ---- RDS
  { rule: 'AWS-RDS-001', what: 'unencrypted storage', fail: { terraform: db({ ...secureDb, storage_encrypted: false }) }, address: 'aws_db_instance.mlflow', pass: { terraform: db(secureDb) } },
  { rule: 'AWS-RDS-002', what: 'publicly accessible', fail: { terraform: db({ ...secureDb, publicly_accessible: true }) }, address: 'aws_db_instance.mlflow', pass: { terraform: db(secureDb) } },
  { rule: 'AWS-RDS-003', what: 'a password attribute', fail: { terraform: db({ ...secureDb, manage_master_user_password: undefined, password: 'hunter2' }) }, address: 'aws_db_instance.mlflow', pass: { terraform: db(secureDb) } },
  { rule: 'AWS-RDS-003', what: 'no managed master password', fail: { terraform: db({ ...secureDb, manage_master_user_password: false }) }, address: 'aws_db_instance.mlflow', pass: { terraform: db({ ...secureDb, manage_master_user_password: undefined, replicate_source_db: ref('aws_db_instance', 'primary', 'identifier') }) } },
  { rule: 'AWS-RDS-004', what: 'backups off', fail: { terraform: db({ ...secureDb, backup_retention_period: 0 }) }, address: 'aws_db_instance.mlflow', pass: { terraform: db(secureDb) } },
  { rule: 'AWS-RDS-004', what: 'backups not configured', fail: { terraform: db({ ...secureDb, backup_retention_period: undefined }) }, address: 'aws_db_instance.mlflow', pass: { terraform: db({ ...secureDb, backup_retention_period: 14 }) } },
  { rule: 'AWS-RDS-006', what: 'IAM authentication off', fail: { terraform: db({ ...secureDb, iam_database_authentication_enabled: undefined }) }, address: 'aws_db_instance.mlflow', pass: { terraform: db(secureDb) } },
  { rule: 'AWS-RDS-005', what: 'no deletion protection', fail: { terraform: db({ ...secureDb, deletion_protection: false }) }, address: 'aws_db_instance.mlflow', pass: { terraform: db(secureDb) } },
  // ---- ECR
  { rule: 'AWS-ECR-001', what: 'mutable tags', fail: { terraform: tf({ aws_ecr_repository: { server: { ...secureRepository, image_tag_mutability: 'MUTABLE' } } }) }, address: 'aws_ecr_repository.server', pass: { terraform: tf({ aws_ecr_repository: { server: secureRepository } }) } },
  { rule: 'AWS-ECR-002', what: 'no scan on push', fail: { terraform: tf({ aws_ecr_repository: { server: { ...secureRepository, image_scanning_configuration: undefined } } }) }, address: 'aws_ecr_repository.server', pass: { terraform: tf({ aws_ecr_repository: { server: secureRepository } }) } },
  { rule: 'AWS-ECR-003', what: 'AES256 encryption', fail: { terraform: tf({ aws_ecr_repository: { server: { ...secureRepository, encryption_configuration: undefined } } }) }, address: 'aws_ecr_repository.server', pass: { terraform: tf({ aws_ecr_repository: { server: secureRepository } }) } },
  // ---- S3 (companions matched in the same file)
  { rule: 'AWS-S3-001', what: 'no public access block', fail: { terraform: withBucket({}) }, address: 'aws_s3_bucket.logs', pass: { terraform: tf(secureBucket('logs')) } },
  { rule: 'AWS-S3-001', what: 'a public access block with a flag off', fail: { terraform: tf(modified(secureBucket('logs'), (b) => { b.aws_s3_bucket_public_access_block.logs.restrict_public_buckets = false; })) }, address: 'aws_s3_bucket.logs', pass: { terraform: withBucket({ aws_s3_bucket_public_access_block: { pab: { bucket: 'mlops-logs', block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true } } }) } },
  { rule: 'AWS-S3-002', what: 'no encryption configuration', fail: { terraform: withBucket({}) }, address: 'aws_s3_bucket.logs', pass: { terraform: tf(secureBucket('logs')) } },
  { rule: 'AWS-S3-002', what: 'encryption configuration of another bucket', fail: { terraform: withBucket({ aws_s3_bucket_server_side_encryption_configuration: { other: { bucket: ref('aws_s3_bucket', 'other') } } }) }, address: 'aws_s3_bucket.logs', pass: { terraform: tf(secureBucket('logs')) } },
  { rule: 'AWS-S3-003', what: 'versioning suspended', fail: { terraform: tf(modified(secureBucket('logs'), (b) => { b.aws_s3_bucket_versioning.logs.versioning_configuration = { status: 'Suspended' }; })) }, address: 'aws_s3_bucket.logs', pass: { terraform: tf(secureBucket('logs')) } },
  { rule: 'AWS-S3-003', what: 'no versioning', fail: { terraform: withBucket({}) }, address: 'aws_s3_bucket.logs', pass: { terraform: tf(secureBucket('logs')) } },
  // ---- Security groups
  { rule: 'AWS-SG-001', what: 'inline SSH from anywhere', fail: { terraform: tf({ aws_security_group: { bastion: { ingress: [{ from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }] } } }) }, address: 'aws_security_group.bastion', pass: { terraform: tf({ aws_security_group: { alb: loadBalancerGroup } }) } },
  { rule: 'AWS-SG-001', what: 'HTTPS from anywhere on an untagged group', fail: { terraform: tf({ aws_security_group: { web: { ...loadBalancerGroup, tags: { Name: 'web' } } } }) }, address: 'aws_security_group.web', pass: { terraform: tf({ aws_security_group: { alb: loadBalancerGroup } }) } },
  { rule: 'AWS-SG-001', what: 'all ports from ::/0 on a load balancer group', fail: { terraform: tf({ aws_security_group: { alb: { ...loadBalancerGroup, ingress: [{ from_port: 0, to_port: 0, protocol: '-1', ipv6_cidr_blocks: ['::/0'] }] } } }) }, address: 'aws_security_group.alb', pass: { terraform: tf({ aws_security_group: { alb: { ...loadBalancerGroup, ingress: [{ from_port: 0, to_port: 0, protocol: '-1', cidr_blocks: ['10.0.0.0/8'] }] } } }) } },
  { rule: 'AWS-SG-001', what: 'aws_security_group_rule ingress from anywhere', fail: { terraform: tf({ aws_security_group: { nodes: {} }, aws_security_group_rule: { ssh: { type: 'ingress', security_group_id: ref('aws_security_group', 'nodes'), protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['0.0.0.0/0'] } } }) }, address: 'aws_security_group_rule.ssh', pass: { terraform: tf({ aws_security_group: { alb: { tags: loadBalancerGroup.tags } }, aws_security_group_rule: { https: { type: 'ingress', security_group_id: ref('aws_security_group', 'alb'), protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: ['0.0.0.0/0'] }, out: { type: 'egress', security_group_id: ref('aws_security_group', 'alb'), protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] } } }) } },
  { rule: 'AWS-SG-001', what: 'aws_vpc_security_group_ingress_rule with a port range', fail: { terraform: tf({ aws_security_group: { alb: { tags: loadBalancerGroup.tags } }, aws_vpc_security_group_ingress_rule: { wide: { security_group_id: ref('aws_security_group', 'alb'), cidr_ipv4: '0.0.0.0/0', ip_protocol: 'tcp', from_port: 80, to_port: 443 } } }) }, address: 'aws_vpc_security_group_ingress_rule.wide', pass: { terraform: tf({ aws_security_group: { alb: { tags: loadBalancerGroup.tags } }, aws_vpc_security_group_ingress_rule: { http: { security_group_id: ref('aws_security_group', 'alb'), cidr_ipv4: '0.0.0.0/0', ip_protocol: 'tcp', from_port: 80, to_port: 80 } } }) } },
  // ---- VPC flow logs (same file)
  { rule: 'AWS-VPC-001', what: 'a VPC without flow log', fail: { terraform: tf({ aws_vpc: { main: {} }, aws_flow_log: { other: { vpc_id: ref('aws_vpc', 'other') } } }) }, address: 'aws_vpc.main', pass: { terraform: tf({ aws_vpc: { main: {} }, aws_flow_log: { main: { vpc_id: ref('aws_vpc', 'main'), traffic_type: 'ALL' } } }) } },
  // ---- EKS
  { rule: 'AWS-EKS-001', what: 'no secrets encryption', fail: { terraform: tf({ aws_eks_cluster: { main: { ...secureCluster, encryption_config: undefined } } }) }, address: 'aws_eks_cluster.main', pass: { terraform: tf({ aws_eks_cluster: { main: secureCluster } }) } },
  { rule: 'AWS-EKS-002', what: 'public endpoint by default', fail: { terraform: tf({ aws_eks_cluster: { main: { ...secureCluster, vpc_config: { subnet_ids: ['subnet-1'] } } } }) }, address: 'aws_eks_cluster.main', pass: { terraform: tf({ aws_eks_cluster: { main: { ...secureCluster, vpc_config: { endpoint_public_access: false } } } }) } },
  { rule: 'AWS-EKS-002', what: 'public endpoint open to 0.0.0.0/0', fail: { terraform: tf({ aws_eks_cluster: { main: { ...secureCluster, vpc_config: { endpoint_public_access: true, public_access_cidrs: ['10.0.0.0/8', '0.0.0.0/0'] } } } }) }, address: 'aws_eks_cluster.main', pass: { terraform: tf({ aws_eks_cluster: { main: secureCluster } }) } },
  { rule: 'AWS-EKS-003', what: 'no control-plane logs', fail: { terraform: tf({ aws_eks_cluster: { main: { ...secureCluster, enabled_cluster_log_types: undefined } } }) }, address: 'aws_eks_cluster.main', pass: { terraform: tf({ aws_eks_cluster: { main: secureCluster } }) } },
  // ---- EC2
  { rule: 'AWS-EC2-001', what: 'launch template allows IMDSv1', fail: { terraform: tf({ aws_launch_template: { general: { ...secureLaunchTemplate, metadata_options: { http_tokens: 'optional' } } } }) }, address: 'aws_launch_template.general', pass: { terraform: tf({ aws_launch_template: { general: secureLaunchTemplate } }) } },
  { rule: 'AWS-EC2-001', what: 'instance without metadata options', fail: { terraform: tf({ aws_instance: { bastion: { ...secureInstance, metadata_options: undefined } } }) }, address: 'aws_instance.bastion', pass: { terraform: tf({ aws_instance: { bastion: secureInstance } }) } },
  { rule: 'AWS-EC2-002', what: 'launch template with an unencrypted volume', fail: { terraform: tf({ aws_launch_template: { general: { ...secureLaunchTemplate, block_device_mappings: [{ device_name: '/dev/xvda', ebs: { volume_size: 50, encrypted: 'false' } }] } } }) }, address: 'aws_launch_template.general', pass: { terraform: tf({ aws_launch_template: { general: secureLaunchTemplate } }) } },
  { rule: 'AWS-EC2-002', what: 'instance with an unencrypted root volume', fail: { terraform: tf({ aws_instance: { bastion: { ...secureInstance, root_block_device: { volume_size: 8 } } } }) }, address: 'aws_instance.bastion', pass: { terraform: tf({ aws_instance: { bastion: secureInstance } }) } },
  { rule: 'AWS-EC2-003', what: 'instance with a public IP', fail: { terraform: tf({ aws_instance: { bastion: { ...secureInstance, associate_public_ip_address: true } } }) }, address: 'aws_instance.bastion', pass: { terraform: tf({ aws_instance: { bastion: secureInstance } }) } },
  // ---- CloudWatch Logs
  { rule: 'AWS-LOG-001', what: 'no retention', fail: { terraform: tf({ aws_cloudwatch_log_group: { app: { ...secureLogGroup, retention_in_days: undefined } } }) }, address: 'aws_cloudwatch_log_group.app', pass: { terraform: tf({ aws_cloudwatch_log_group: { app: secureLogGroup } }) } },
  { rule: 'AWS-LOG-002', what: 'no KMS key', fail: { terraform: tf({ aws_cloudwatch_log_group: { app: { ...secureLogGroup, kms_key_id: undefined } } }) }, address: 'aws_cloudwatch_log_group.app', pass: { terraform: tf({ aws_cloudwatch_log_group: { app: secureLogGroup } }) } },
  // ---- KMS
  { rule: 'AWS-KMS-001', what: 'rotation off', fail: { terraform: tf({ aws_kms_key: { data: { enable_key_rotation: false } } }) }, address: 'aws_kms_key.data', pass: { terraform: tf({ aws_kms_key: { data: { enable_key_rotation: true, customer_master_key_spec: 'HMAC_256' } } }) } },
  // ---- IAM
  { rule: 'AWS-IAM-002', what: 'AdministratorAccess attached to a user', fail: { terraform: tf({ aws_iam_user_policy_attachment: { admin: { user: 'alice', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' } } }) }, address: 'aws_iam_user_policy_attachment.admin', pass: { terraform: tf({ aws_iam_user_policy_attachment: { admin: { user: 'alice', policy_arn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess' } } }) } },  { rule: 'AWS-IAM-001', what: 'a policy document allowing * on *', fail: { terraform: tf({}, { aws_iam_policy_document: { admin: { statement: [{ actions: ['s3:GetObject'], resources: ['*'] }, { effect: 'Allow', actions: ['*'], resources: ['*'] }] } } }) }, address: 'data.aws_iam_policy_document.admin', pass: { terraform: tf({}, { aws_iam_policy_document: { admin: { statement: [{ effect: 'Deny', actions: ['*'], resources: ['*'] }, { actions: ['s3:*'], resources: ['arn:aws:s3:::b/*'] }] } } }) } },
  { rule: 'AWS-IAM-001', what: 'an aws_iam_policy JSON string allowing * on *', fail: { terraform: tf({ aws_iam_policy: { admin: { policy: JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }) } } }) }, address: 'aws_iam_policy.admin', pass: { terraform: tf({ aws_iam_policy: { admin: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }] }) } } }) } },
  { rule: 'AWS-IAM-001', what: 'an aws_iam_role_policy JSON string allowing *:* on *', fail: { terraform: tf({ aws_iam_role_policy: { ci: { role: 'ci', policy: JSON.stringify({ Statement: [{ Sid: 'All', Effect: 'Allow', Action: ['*:*'], Resource: ['*'] }] }) } } }) }, address: 'aws_iam_role_policy.ci', pass: { terraform: tf({ aws_iam_role_policy: { ci: { role: 'ci', policy: ref('data.aws_iam_policy_document', 'ci', 'json') } } }) } },
  // ---- Kubernetes
  { rule: 'K8S-SEC-001', what: 'a privileged container', fail: { kubernetes: [container((c) => { security(c).privileged = true; })] }, address: 'Deployment/ml/server', pass: { kubernetes: [workload()] } },
  { rule: 'K8S-SEC-002', what: 'runAsUser 0', fail: { kubernetes: [container((c) => { security(c).runAsUser = 0; })] }, address: 'Deployment/ml/server', pass: { kubernetes: [workload()] } },
  { rule: 'K8S-SEC-002', what: 'no runAsNonRoot anywhere', fail: { kubernetes: [modified(workload({ kind: 'StatefulSet' }), (w) => { delete podSpecOf(w).securityContext; })] }, address: 'StatefulSet/ml/server', pass: { kubernetes: [modified(workload({ kind: 'StatefulSet' }), (w) => { delete podSpecOf(w).securityContext; security(firstContainer(w)).runAsNonRoot = true; })] } },
  { rule: 'K8S-SEC-003', what: 'a writable root filesystem in an init container', fail: { kubernetes: [modified(workload({ kind: 'Job' }), (w) => { podSpecOf(w).initContainers = [{ ...firstContainer(w), name: 'migrate', securityContext: { allowPrivilegeEscalation: false } }]; })] }, address: 'Job/ml/server', pass: { kubernetes: [workload({ kind: 'Job' })] } },
  { rule: 'K8S-SEC-004', what: 'privilege escalation not disabled (namespace defaults)', fail: { kubernetes: [container((c) => { delete security(c).allowPrivilegeEscalation; }, { kind: 'DaemonSet', namespace: '' })] }, address: 'DaemonSet/default/server', pass: { kubernetes: [workload({ kind: 'DaemonSet', namespace: '' })] } },
  { rule: 'K8S-SEC-005', what: 'hostNetwork', fail: { kubernetes: [modified(workload({ kind: 'Pod' }), (w) => { podSpecOf(w).hostNetwork = true; })] }, address: 'Pod/ml/server', pass: { kubernetes: [modified(workload({ kind: 'Pod' }), (w) => { podSpecOf(w).hostNetwork = false; })] } },
  { rule: 'K8S-SEC-005', what: 'hostPID and hostIPC', fail: { kubernetes: [modified(workload(), (w) => { podSpecOf(w).hostPID = true; podSpecOf(w).hostIPC = true; })] }, address: 'Deployment/ml/server', pass: { kubernetes: [workload()] } },
  { rule: 'K8S-RES-001', what: 'no CPU limit', fail: { kubernetes: [container((c) => { delete resources(c, 'limits').cpu; }, { kind: 'CronJob' })] }, address: 'CronJob/ml/server', pass: { kubernetes: [workload({ kind: 'CronJob' })] } },
  { rule: 'K8S-RES-002', what: 'no memory request', fail: { kubernetes: [container((c) => { delete resources(c, 'requests').memory; })] }, address: 'Deployment/ml/server', pass: { kubernetes: [workload()] } },
  { rule: 'K8S-PRB-001', what: 'no readiness probe', fail: { kubernetes: [container((c) => { delete c.readinessProbe; })] }, address: 'Deployment/ml/server', pass: { kubernetes: [container((c) => { delete c.readinessProbe; delete c.livenessProbe; }, { kind: 'Job' })] } },
  { rule: 'K8S-PRB-002', what: 'no liveness probe', fail: { kubernetes: [container((c) => { delete c.livenessProbe; }, { kind: 'StatefulSet' })] }, address: 'StatefulSet/ml/server', pass: { kubernetes: [container((c) => { delete c.readinessProbe; delete c.livenessProbe; }, { kind: 'CronJob' })] } },
  { rule: 'K8S-IMG-001', what: 'the latest tag', fail: { kubernetes: [container((c) => { c.image = 'ghcr.io/org/model-server:latest'; })] }, address: 'Deployment/ml/server', pass: { kubernetes: [container((c) => { c.image = `ghcr.io/org/model-server@sha256:${'a'.repeat(64)}`; })] } },
  { rule: 'K8S-IMG-001', what: 'an untagged image behind a registry port', fail: { kubernetes: [container((c) => { c.image = 'registry.local:5000/model-server'; })] }, address: 'Deployment/ml/server', pass: { kubernetes: [container((c) => { c.image = 'registry.local:5000/model-server:2024.06.1'; })] } },
  { rule: 'K8S-AVL-001', what: 'replicas 3 without a PDB', fail: { kubernetes: [workload({ replicas: 3 }), pdb('other', 'ml', { matchLabels: { app: 'other' } })] }, address: 'Deployment/ml/server', pass: { kubernetes: [workload({ replicas: 3 }), pdb('server', 'ml', { matchLabels: { app: 'server' } })] } },
  { rule: 'K8S-AVL-001', what: 'an HPA target without a PDB (PDB in another namespace)', fail: { kubernetes: [workload({ kind: 'StatefulSet' }), hpa('server', 'ml', { kind: 'StatefulSet', name: 'server' }), pdb('server', 'other', {})] }, address: 'StatefulSet/ml/server', pass: { kubernetes: [workload({ kind: 'StatefulSet' }), hpa('server', 'ml', { kind: 'StatefulSet', name: 'server' }), pdb('server', 'ml', { matchExpressions: [{ key: 'app', operator: 'In', values: ['server', 'api'] }] })] } },
  { rule: 'K8S-HPA-001', what: 'replicas pinned under an HPA', fail: { kubernetes: [workload({ replicas: 2 }), hpa('server', 'ml', { kind: 'Deployment', name: 'server' }), pdb('server', 'ml', { matchLabels: { app: 'server' } })] }, address: 'Deployment/ml/server', pass: { kubernetes: [workload(), hpa('server', 'ml', { kind: 'Deployment', name: 'server' }), pdb('server', 'ml', { matchLabels: { app: 'server' } })] } },
  { rule: 'K8S-SEC-006', what: 'a writable hostPath', fail: { kubernetes: [modified(workload(), (w) => { podSpecOf(w).volumes = [{ name: 'logs', hostPath: { path: '/var/log' } }]; firstContainer(w).volumeMounts = [{ name: 'logs', mountPath: '/logs' }]; })] }, address: 'Deployment/ml/server', pass: { kubernetes: [workload()] } },
  { rule: 'K8S-SEC-007', what: 'an added capability', fail: { kubernetes: [container((c) => { security(c).capabilities = { drop: ['ALL'], add: ['SYS_PTRACE'] }; })] }, address: 'Deployment/ml/server', pass: { kubernetes: [workload()] } },
  { rule: 'K8S-SEC-008', what: 'the default service account', fail: { kubernetes: [modified(workload(), (w) => { podSpecOf(w).serviceAccountName = 'default'; })] }, address: 'Deployment/ml/server', pass: { kubernetes: [modified(workload(), (w) => { podSpecOf(w).serviceAccountName = 'default'; podSpecOf(w).automountServiceAccountToken = false; })] } },
  { rule: 'K8S-SEC-009', what: 'no seccomp profile', fail: { kubernetes: [modified(workload(), (w) => { delete (podSpecOf(w).securityContext as Json).seccompProfile; })] }, address: 'Deployment/ml/server', pass: { kubernetes: [workload()] } },
  { rule: 'K8S-SEC-010', what: 'procMount Unmasked', fail: { kubernetes: [container((c) => { security(c).procMount = 'Unmasked'; })] }, address: 'Deployment/ml/server', pass: { kubernetes: [workload()] } },
  // ---- The policy check itself
  { rule: 'POLICY-001', what: 'a Terraform suppression of an unknown rule', fail: { terraform: db({ ...secureDb, '//': { policy_suppressions: { 'AWS-NOPE-001': 'because' } } }) }, address: 'aws_db_instance.mlflow', pass: { terraform: db({ ...secureDb, deletion_protection: false, '//': { policy_suppressions: { 'AWS-RDS-005': 'dev database is disposable' } } }) } },
  { rule: 'POLICY-001', what: 'a Terraform suppression without a reason', fail: { terraform: db({ ...secureDb, deletion_protection: false, '//': { policy_suppressions: { 'AWS-RDS-005': '  ' } } }) }, address: 'aws_db_instance.mlflow', pass: { terraform: db(secureDb) } },
  { rule: 'POLICY-001', what: 'an annotation without a reason', fail: { kubernetes: [modified(workload(), (w) => { (w.metadata as Json).annotations = { 'policy.mlops-platform.dev/suppress': 'K8S-SEC-003' }; })] }, address: 'Deployment/ml/server', pass: { kubernetes: [modified(workload(), (w) => { (w.metadata as Json).annotations = { 'policy.mlops-platform.dev/suppress': 'K8S-SEC-003=writes a cache' }; })] } },
  { rule: 'POLICY-002', what: 'invalid JSON and YAML', fail: { files: { 'broken.tf.json': '{ "resource": ', 'ok.yaml': 'kind: [' } }, address: '-', pass: { files: { 'fine.tf.json': '{ "terraform": {} }', 'empty.yaml': '---\n' } } },
  { rule: 'POLICY-002', what: 'YAML that parses but does not convert', fail: { files: { 'alias.yaml': 'a: *missing\n' } }, address: '-', pass: { files: { 'alias.yaml': 'a: &x 1\nb: *x\n' } } },
  { rule: 'POLICY-002', what: '*.tf.json that is not Terraform JSON', fail: { files: { 'plan.tf.json': '{ "format_version": "1.2", "resource_changes": [] }' } }, address: '-', pass: { files: { 'vars.tf.json': '{ "variable": { "region": {} } }' } } },
];

describe('every rule', () => {
  it.each(rules.map((rule) => rule.id))('%s has a failing and a passing example', (id) => {
    expect(cases.filter((c) => c.rule === id).length).toBeGreaterThan(0);
  });

  it('has a unique id, a link, and checkov/kube-linter ids of the right shape', () => {
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.id).toMatch(/^(AWS|K8S|POLICY)-([A-Z0-9]+-)?\d{3}$/);
      expect(rule.target).not.toBe('scanner');
      expect(rule.link).toMatch(/^(https:\/\/|docs\/policy\.md#)/);
      expect(rule.title && rule.message && rule.fix).toBeTruthy();
      for (const id of rule.checkov) expect(id).toMatch(/^CKV2?_(AWS|K8S)_\d+$/);
      for (const check of rule.kubeLinter) expect(check).toMatch(/^[a-z-]+$/);
      if (rule.target === 'terraform') expect(rule.kubeLinter).toEqual([]);
    }
  });
});

describe.each(cases)('$rule: $what', ({ rule, fail, address, pass }) => {
  it(`reports ${address}`, () => {
    const found = findingsOf(fail).filter((f) => f.ruleId === rule);
    expect(found.map((f) => f.address)).toContain(address);
    for (const f of found) {
      expect(f.suppressed).toBe(false);
      expect(f.message).not.toBe('');
      expect(f.severity).toBe(rules.find((r) => r.id === rule)?.severity);
    }
  });

  it('does not fire on the passing example', () => {
    expect(findingsOf(pass).filter((f) => f.ruleId === rule && !f.suppressed)).toEqual([]);
  });
});

describe('compliant baselines', () => {
  it('a stack following every Terraform rule has no findings', () => {
    expect(checkTerraform(secureStack(), 'cdk.tf.json')).toEqual([]);
  });

  it.each(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'])('a compliant %s has no findings', (kind) => {
    expect(checkKubernetes([workload({ kind })], 'app.yaml')).toEqual([]);
  });

  it('ignores objects that are not workloads and unpacks Lists', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [container((c) => { c.image = 'nginx'; })] };
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'server' }, spec: { ports: [{ port: 80 }] } };
    const found = checkKubernetes([null, service, list], 'app.yaml');
    expect(found.map((f) => `${f.ruleId} ${f.address}`)).toEqual(['K8S-IMG-001 Deployment/ml/server']);
  });
});
