import { buildEnvironmentModel, buildModels, environmentOf } from '../../../tools/diagram/model';
import { FIXTURE_MANIFESTS, FIXTURE_STACKS } from './fixture';

const input = { stacks: FIXTURE_STACKS, manifests: { dev: FIXTURE_MANIFESTS } };

describe('diagram model', () => {
  const model = buildEnvironmentModel(input, 'dev');
  const edge = (from: string, to: string) => model.edges.find((e) => e.from === from && e.to === to);

  test('one model per environment; shared and bootstrap are not environments', () => {
    expect(buildModels(input).map((m) => m.name)).toEqual(['dev']);
    expect(environmentOf('prod-network')).toBe('prod');
    expect(environmentOf('shared')).toBeUndefined();
    expect(model.region).toBe('eu-west-1');
    expect(model.stacks).toEqual(['dev-network', 'dev-data', 'dev-cluster']);
  });

  test('extracts the VPC with its subnets by tier and AZ, NAT gateways and endpoints', () => {
    expect(model.vpc).toMatchObject({ name: 'dev', cidr: '10.10.0.0/16' });
    expect(model.vpc!.subnets.map((s) => `${s.tier} ${s.az} ${s.cidr}`)).toEqual([
      'public eu-west-1a 10.10.192.0/22',
      'public eu-west-1b 10.10.196.0/22',
      'private eu-west-1a 10.10.0.0/19',
      'private eu-west-1b 10.10.32.0/19',
      'database eu-west-1a 10.10.224.0/22',
      'database eu-west-1b 10.10.228.0/22',
    ]);
    expect(model.vpc!.natGateways).toEqual([expect.objectContaining({ az: 'eu-west-1a', subnetId: 'dev-network:aws_subnet.PublicSubnet1' })]);
    expect(model.vpc!.endpoints).toEqual([
      { id: 'dev-network:aws_vpc_endpoint.S3', service: 's3', type: 'Gateway' },
      { id: 'dev-network:aws_vpc_endpoint.EcrApi', service: 'ecr.api', type: 'Interface' },
    ]);
  });

  test('extracts the cluster and its node groups, following remote state to the private subnets', () => {
    expect(model.cluster).toMatchObject({ name: 'dev-platform', version: '1.34' });
    expect(model.cluster!.subnetIds).toEqual(['dev-network:aws_subnet.PrivateSubnet1', 'dev-network:aws_subnet.PrivateSubnet2']);
    expect(model.cluster!.nodeGroups).toEqual([
      { id: 'dev-cluster:aws_eks_node_group.General', name: 'dev-platform-general', instanceTypes: ['m7g.large'], capacityType: 'SPOT', minSize: 1, maxSize: 4, desiredSize: 2 },
    ]);
    expect(edge('dev-cluster:aws_eks_cluster.Cluster', 'dev-network:aws_subnet.PrivateSubnet2')).toMatchObject({ kind: 'placement' });
  });

  test('extracts the database in its database subnets, the buckets and the shared registries', () => {
    expect(model.databases).toEqual([
      expect.objectContaining({ identifier: 'dev-platform', instanceClass: 'db.t4g.medium', engineVersion: '17', multiAz: false, allocatedStorageGiB: 20 }),
    ]);
    expect(model.databases[0].subnetIds).toEqual(['dev-network:aws_subnet.DatabaseSubnet1', 'dev-network:aws_subnet.DatabaseSubnet2']);
    expect(edge('dev-data:aws_db_instance.Database', 'dev-network:aws_subnet.DatabaseSubnet1')).toMatchObject({ kind: 'placement' });
    expect(model.buckets.map((b) => b.name)).toEqual(['mlops-dev-mlflow-artifacts-111111111111', 'mlops-dev-raw-111111111111']);
    expect(model.repositories.map((r) => r.name)).toEqual(['mlflow', 'model-serving']);
  });

  test('extracts workloads by namespace with their facts', () => {
    expect(model.workloads).toEqual([
      { id: 'k8s:Deployment/ml/model-serving', kind: 'Deployment', namespace: 'ml', name: 'model-serving', detail: '2 replicas' },
      { id: 'k8s:CronJob/pipelines/data-validation', kind: 'CronJob', namespace: 'pipelines', name: 'data-validation', detail: '0 */6 * * *' },
    ]);
  });

  test('links workloads to buckets through their IRSA role and to the database through its secret', () => {
    expect(edge('k8s:Deployment/ml/model-serving', 'dev-data:aws_s3_bucket.ArtifactsBucket')).toEqual(
      expect.objectContaining({ kind: 'irsa', label: 'IRSA dev-model-serving' }),
    );
    expect(edge('k8s:Deployment/ml/model-serving', 'dev-data:aws_s3_bucket.RawBucket')).toBeUndefined();
    expect(edge('k8s:Deployment/ml/model-serving', 'dev-data:aws_db_instance.Database')).toMatchObject({ kind: 'secret', label: 'secret mlflow-db' });
    expect(model.edges.filter((e) => e.from === 'k8s:CronJob/pipelines/data-validation')).toEqual([]);
  });

  test('nodes pull from the repositories the workloads use', () => {
    const pulls = model.edges.filter((e) => e.kind === 'pull');
    expect(pulls).toEqual([expect.objectContaining({ from: 'dev-cluster:aws_eks_cluster.Cluster#nodes', to: 'shared:aws_ecr_repository.Registry_model_serving' })]);
  });

  test('without workloads, nodes pull from every repository', () => {
    const bare = buildEnvironmentModel({ stacks: FIXTURE_STACKS }, 'dev');
    expect(bare.workloads).toEqual([]);
    expect(bare.edges.filter((e) => e.kind === 'pull').map((e) => e.to)).toEqual([
      'shared:aws_ecr_repository.Registry_mlflow',
      'shared:aws_ecr_repository.Registry_model_serving',
    ]);
  });
});
