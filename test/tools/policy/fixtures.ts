/** Terraform JSON and Kubernetes objects for the policy tests: a compliant baseline and builders. */

export type Json = Record<string, unknown>;

/** `{ resource: { TYPE: { NAME: body } }, data: ... }` as cdktf writes it. */
export function tf(resources: Record<string, Record<string, Json>>, data: Record<string, Record<string, Json>> = {}): Json {
  return { resource: resources, ...(Object.keys(data).length > 0 ? { data } : {}) };
}

export const ref = (type: string, name: string, attribute = 'id'): string => `\${${type}.${name}.${attribute}}`;

export const secureDb: Json = {
  engine: 'postgres',
  instance_class: 'db.t4g.medium',
  storage_encrypted: true,
  kms_key_id: ref('aws_kms_key', 'data', 'arn'),
  publicly_accessible: false,
  manage_master_user_password: true,
  username: 'mlflow',
  backup_retention_period: 7,
  deletion_protection: true,
  iam_database_authentication_enabled: true,
};

export const secureRepository: Json = {
  name: 'model-server',
  image_tag_mutability: 'IMMUTABLE',
  image_scanning_configuration: { scan_on_push: true },
  encryption_configuration: { encryption_type: 'KMS', kms_key: ref('aws_kms_key', 'registry', 'arn') },
};

export function secureBucket(name: string): Record<string, Record<string, Json>> {
  return {
    aws_s3_bucket: { [name]: { bucket: `mlops-${name}` } },
    aws_s3_bucket_public_access_block: {
      [name]: {
        bucket: ref('aws_s3_bucket', name),
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      },
    },
    aws_s3_bucket_server_side_encryption_configuration: {
      [name]: {
        bucket: ref('aws_s3_bucket', name, 'bucket'),
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' } }],
      },
    },
    aws_s3_bucket_versioning: { [name]: { bucket: ref('aws_s3_bucket', name), versioning_configuration: { status: 'Enabled' } } },
  };
}

export const loadBalancerGroup: Json = {
  name: 'alb',
  vpc_id: ref('aws_vpc', 'main'),
  tags: { 'platform:role': 'load-balancer' },
  ingress: [
    { from_port: 443, to_port: 443, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'], ipv6_cidr_blocks: ['::/0'] },
    { from_port: 80, to_port: 80, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] },
  ],
};

export const secureCluster: Json = {
  name: 'dev',
  role_arn: ref('aws_iam_role', 'cluster', 'arn'),
  vpc_config: { subnet_ids: ['subnet-1'], endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['203.0.113.0/24'] },
  encryption_config: { resources: ['secrets'], provider: { key_arn: ref('aws_kms_key', 'eks', 'arn') } },
  enabled_cluster_log_types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'],
};

export const secureLaunchTemplate: Json = {
  name_prefix: 'general-',
  metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 2, http_endpoint: 'enabled' },
  block_device_mappings: [{ device_name: '/dev/xvda', ebs: { encrypted: 'true', volume_size: 50, kms_key_id: ref('aws_kms_key', 'ebs', 'arn') } }],
};

export const secureInstance: Json = {
  ami: 'ami-123',
  instance_type: 't4g.nano',
  subnet_id: ref('aws_subnet', 'private'),
  associate_public_ip_address: false,
  metadata_options: { http_tokens: 'required' },
  root_block_device: { encrypted: true, volume_size: 8 },
};

export const secureLogGroup: Json = { name: '/aws/vpc/flow', retention_in_days: 90, kms_key_id: ref('aws_kms_key', 'logs', 'arn') };

/** A Terraform document that passes every Terraform rule. */
export function secureStack(): Json {
  return tf(
    {
      aws_vpc: { main: { cidr_block: '10.0.0.0/16' } },
      aws_flow_log: { main: { vpc_id: ref('aws_vpc', 'main'), traffic_type: 'ALL', log_destination: ref('aws_cloudwatch_log_group', 'flow', 'arn') } },
      aws_cloudwatch_log_group: { flow: secureLogGroup },
      aws_db_instance: { mlflow: secureDb },
      aws_ecr_repository: { server: secureRepository },
      ...secureBucket('artifacts'),
      aws_security_group: { alb: loadBalancerGroup, nodes: { name: 'nodes', vpc_id: ref('aws_vpc', 'main') } },
      aws_vpc_security_group_ingress_rule: {
        alb_https_v6: { security_group_id: ref('aws_security_group', 'alb'), cidr_ipv6: '::/0', ip_protocol: 'tcp', from_port: 443, to_port: 443 },
        nodes_from_alb: { security_group_id: ref('aws_security_group', 'nodes'), referenced_security_group_id: ref('aws_security_group', 'alb'), ip_protocol: '-1' },
      },
      aws_eks_cluster: { main: secureCluster },
      aws_launch_template: { general: secureLaunchTemplate },
      aws_instance: { bastion: secureInstance },
      aws_iam_policy: {
        reader: {
          name: 'reader',
          policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::mlops-artifacts/*'] }] }),
        },
      },
      aws_iam_role_policy: { ci: { role: 'ci', policy: ref('data.aws_iam_policy_document', 'ci', 'json') } },
    },
    {
      aws_iam_policy_document: {
        ci: { statement: [{ effect: 'Allow', actions: ['ecr:PutImage'], resources: [ref('aws_ecr_repository', 'server', 'arn')] }] },
      },
    },
  );
}

export interface WorkloadOptions {
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly replicas?: number;
}

export function secureContainer(name = 'app'): Json {
  return {
    name,
    image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/model-server:1.4.2',
    securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] } },
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
    livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
  };
}

export function podSpec(): Json {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    serviceAccountName: 'model-server',
    containers: [secureContainer()],
  };
}

/** A workload of any kind with a compliant pod spec (replicas 1 unless given). */
export function workload(options: WorkloadOptions = {}): Json {
  const kind = options.kind ?? 'Deployment';
  const name = options.name ?? 'server';
  const metadata = { name, ...(options.namespace === undefined ? { namespace: 'ml' } : options.namespace === '' ? {} : { namespace: options.namespace }) };
  const labels = { app: name };
  const template = { metadata: { labels }, spec: podSpec() };
  switch (kind) {
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata: { ...metadata, labels }, spec: podSpec() };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { template: { ...template, spec: { ...podSpec(), restartPolicy: 'Never' } } } };
    case 'CronJob':
      return {
        apiVersion: 'batch/v1',
        kind,
        metadata,
        spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { ...template, spec: { ...podSpec(), restartPolicy: 'Never' } } } } },
      };
    case 'DaemonSet':
      return { apiVersion: 'apps/v1', kind, metadata, spec: { selector: { matchLabels: labels }, template } };
    default:
      return {
        apiVersion: 'apps/v1',
        kind,
        metadata,
        spec: { ...(options.replicas === undefined ? {} : { replicas: options.replicas }), selector: { matchLabels: labels }, template },
      };
  }
}

export function pdb(name: string, namespace: string, selector: Json | null): Json {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace }, spec: { minAvailable: 1, selector } };
}

export function hpa(name: string, namespace: string, target: { kind: string; name: string }): Json {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', ...target }, minReplicas: 2, maxReplicas: 5 },
  };
}

/** Deep copy, then let `change` edit it. */
export function modified<T>(value: T, change: (copy: T) => void): T {
  const copy = structuredClone(value);
  change(copy);
  return copy;
}

/** The first pod container of a workload built by `workload()`. */
export function firstContainer(object: Json): Json {
  return podSpecOf(object).containers ? (podSpecOf(object).containers as Json[])[0] : {};
}

export function podSpecOf(object: Json): Json {
  const spec = object.spec as Json;
  if (object.kind === 'Pod') return spec;
  if (object.kind === 'CronJob') return (((spec.jobTemplate as Json).spec as Json).template as Json).spec as Json;
  return (spec.template as Json).spec as Json;
}

// ---- Hardened fixtures of the kinds the gap rules added (each passes every rule on its own) ----

export const secureRdsCluster: Json = {
  cluster_identifier: 'mlflow',
  engine: 'aurora-postgresql',
  storage_encrypted: true,
  kms_key_id: ref('aws_kms_key', 'data', 'arn'),
  manage_master_user_password: true,
  master_username: 'mlflow',
  backup_retention_period: 7,
  deletion_protection: true,
  iam_database_authentication_enabled: true,
};

export const secureRdsClusterInstance: Json = {
  cluster_identifier: ref('aws_rds_cluster', 'mlflow'),
  instance_class: 'db.r6g.large',
  engine: 'aurora-postgresql',
  publicly_accessible: false,
};

export const secureLaunchConfiguration: Json = {
  name_prefix: 'workers-',
  image_id: 'ami-123',
  instance_type: 't4g.small',
  metadata_options: { http_endpoint: 'enabled', http_tokens: 'required' },
  root_block_device: { encrypted: true, volume_size: 20 },
};

export const secureEbsVolume: Json = { availability_zone: 'eu-west-1a', size: 20, encrypted: true, kms_key_id: ref('aws_kms_key', 'ebs', 'arn') };

export const secureKmsKey: Json = { description: 'data', enable_key_rotation: true, deletion_window_in_days: 30 };

/** Kinds that hold a pod template, each with the compliant pod spec. */
export function podHolder(kind: 'ReplicationController' | 'ReplicaSet' | 'PodTemplate' | 'Rollout', name = 'server'): Json {
  const labels = { app: name };
  const template = { metadata: { labels }, spec: podSpec() };
  const metadata = { name, namespace: 'ml' };
  switch (kind) {
    case 'ReplicationController':
      return { apiVersion: 'v1', kind, metadata, spec: { replicas: 1, selector: labels, template } };
    case 'PodTemplate':
      return { apiVersion: 'v1', kind, metadata, template };
    case 'Rollout':
      return { apiVersion: 'argoproj.io/v1alpha1', kind, metadata, spec: { replicas: 1, selector: { matchLabels: labels }, template } };
    default:
      return { apiVersion: 'apps/v1', kind, metadata, spec: { replicas: 1, selector: { matchLabels: labels }, template } };
  }
}
