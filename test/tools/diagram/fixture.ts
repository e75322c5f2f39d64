import type { Json, StackInput } from '../../../tools/diagram/model';

/**
 * A small platform in the shape cdktf synthesizes it: a `shared` registry and a `dev` environment
 * whose data and cluster stacks reach the network through remote state, plus workloads as YAML.
 */
const remote = (stack: string, output: string) => `\${data.terraform_remote_state.cross-stack-reference-input-${stack}.outputs.${output}}`;
const remoteState = (stack: string) => ({
  [`cross-stack-reference-input-${stack}`]: { backend: 's3', config: { bucket: 'state', key: `${stack}/terraform.tfstate`, region: 'eu-west-1' } },
});
const provider = { aws: [{ region: 'eu-west-1' }] };

const subnet = (tier: string, az: string, cidr: string) => ({
  availability_zone: az,
  cidr_block: cidr,
  vpc_id: '${aws_vpc.Network.id}',
  tags: { Name: `dev-${tier}-${az}`, 'platform:tier': tier },
});

export const FIXTURE_STACKS: StackInput[] = [
  {
    name: 'shared',
    json: {
      provider,
      resource: {
        aws_ecr_repository: {
          Registry_model_serving: { name: 'model-serving' },
          Registry_mlflow: { name: 'mlflow' },
        },
      },
    },
  },
  {
    name: 'dev-network',
    json: {
      provider,
      resource: {
        aws_vpc: { Network: { cidr_block: '10.10.0.0/16', tags: { Name: 'dev' } } },
        aws_subnet: {
          PublicSubnet1: subnet('public', 'eu-west-1a', '10.10.192.0/22'),
          PublicSubnet2: subnet('public', 'eu-west-1b', '10.10.196.0/22'),
          PrivateSubnet1: subnet('private', 'eu-west-1a', '10.10.0.0/19'),
          PrivateSubnet2: subnet('private', 'eu-west-1b', '10.10.32.0/19'),
          DatabaseSubnet1: subnet('database', 'eu-west-1a', '10.10.224.0/22'),
          DatabaseSubnet2: subnet('database', 'eu-west-1b', '10.10.228.0/22'),
        },
        aws_nat_gateway: { NatGateway1: { subnet_id: '${aws_subnet.PublicSubnet1.id}', tags: { Name: 'dev-eu-west-1a' } } },
        aws_vpc_endpoint: {
          S3: { service_name: 'com.amazonaws.${data.aws_region.Region.region}.s3', vpc_endpoint_type: 'Gateway' },
          EcrApi: { service_name: 'com.amazonaws.${data.aws_region.Region.region}.ecr.api', vpc_endpoint_type: 'Interface' },
        },
      },
      data: { aws_region: { Region: {} } },
      output: {
        'cross-stack-output-aws_subnetPrivateSubnet1id': { value: '${aws_subnet.PrivateSubnet1.id}' },
        'cross-stack-output-aws_subnetPrivateSubnet2id': { value: '${aws_subnet.PrivateSubnet2.id}' },
        'cross-stack-output-aws_subnetDatabaseSubnet1id': { value: '${aws_subnet.DatabaseSubnet1.id}' },
        'cross-stack-output-aws_subnetDatabaseSubnet2id': { value: '${aws_subnet.DatabaseSubnet2.id}' },
      },
    },
  },
  {
    name: 'dev-data',
    json: {
      provider,
      resource: {
        aws_db_subnet_group: {
          SubnetGroup: { subnet_ids: [remote('dev-network', 'cross-stack-output-aws_subnetDatabaseSubnet1id'), remote('dev-network', 'cross-stack-output-aws_subnetDatabaseSubnet2id')] },
        },
        aws_db_instance: {
          Database: {
            identifier: 'dev-platform',
            engine: 'postgres',
            engine_version: '17',
            instance_class: 'db.t4g.medium',
            multi_az: false,
            allocated_storage: 20,
            manage_master_user_password: true,
            db_subnet_group_name: '${aws_db_subnet_group.SubnetGroup.name}',
          },
        },
        aws_s3_bucket: {
          RawBucket: { bucket: 'mlops-dev-raw-111111111111' },
          ArtifactsBucket: { bucket: 'mlops-dev-mlflow-artifacts-111111111111' },
        },
      },
      data: { terraform_remote_state: remoteState('dev-network') },
      output: {
        'cross-stack-output-aws_s3_bucketArtifactsBucketarn': { value: '${aws_s3_bucket.ArtifactsBucket.arn}' },
      },
    },
  },
  {
    name: 'dev-cluster',
    json: {
      provider,
      resource: {
        aws_eks_cluster: {
          Cluster: {
            name: 'dev-platform',
            version: '1.34',
            vpc_config: {
              subnet_ids: [remote('dev-network', 'cross-stack-output-aws_subnetPrivateSubnet1id'), remote('dev-network', 'cross-stack-output-aws_subnetPrivateSubnet2id')],
            },
          },
        },
        aws_launch_template: { GeneralLaunchTemplate: { instance_type: 'm7g.large' } },
        aws_eks_node_group: {
          General: {
            node_group_name: 'dev-platform-general',
            capacity_type: 'SPOT',
            launch_template: { id: '${aws_launch_template.GeneralLaunchTemplate.id}' },
            scaling_config: { min_size: 1, max_size: 4, desired_size: 2 },
          },
        },
        aws_iam_role: {
          ModelServingRole: { name: 'dev-model-serving', assume_role_policy: '${data.aws_iam_policy_document.ModelServingTrust.json}' },
        },
        aws_iam_role_policy: {
          ModelServingPolicy: { role: '${aws_iam_role.ModelServingRole.name}', policy: '${data.aws_iam_policy_document.ModelServingPermissions.json}' },
        },
      },
      data: {
        terraform_remote_state: { ...remoteState('dev-network'), ...remoteState('dev-data') },
        aws_iam_policy_document: {
          ModelServingTrust: {
            statement: [{ actions: ['sts:AssumeRoleWithWebIdentity'], condition: [{ test: 'StringEquals', variable: 'oidc:sub', values: ['system:serviceaccount:ml:model-serving'] }] }],
          },
          ModelServingPermissions: {
            statement: [
              {
                actions: ['s3:GetObject'],
                resources: [remote('dev-data', 'cross-stack-output-aws_s3_bucketArtifactsBucketarn'), `${remote('dev-data', 'cross-stack-output-aws_s3_bucketArtifactsBucketarn')}/*`],
              },
            ],
          },
        },
      },
    },
  },
];

/** `dist/k8s/dev/*.yaml`, parsed. */
export const FIXTURE_MANIFESTS: Json[] = [
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'model-serving', namespace: 'ml' } },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'model-serving', namespace: 'ml' },
    spec: {
      replicas: 2,
      template: {
        spec: {
          serviceAccountName: 'model-serving',
          containers: [
            {
              name: 'main',
              image: '210987654321.dkr.ecr.eu-west-1.amazonaws.com/model-serving:1.4.2',
              env: [{ name: 'MLFLOW_DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'mlflow-db', key: 'password' } } }],
            },
          ],
        },
      },
    },
  },
  {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'data-validation', namespace: 'pipelines' },
    spec: { schedule: '0 */6 * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'main', image: 'public.ecr.aws/validate:0.9.0' }] } } } } },
  },
];
