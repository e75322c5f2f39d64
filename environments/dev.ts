import type { EnvironmentInput } from './schema';

/** Development: smallest footprint that still exercises every layer; alerts are recorded, not paged. */
export const dev: EnvironmentInput = {
  name: 'dev',
  tier: 'development',
  account: {
    id: '111111111111',
    region: 'eu-west-1',
    assumeRoleArn: 'arn:aws:iam::111111111111:role/platform-deployer',
    planRoleArn: 'arn:aws:iam::111111111111:role/platform-planner',
  },
  tags: { owner: 'platform-infrastructure', costCenter: 'cc-1042-platform' },
  network: { cidr: '10.10.0.0/16', azCount: 2, natMode: 'single', flowLogRetentionDays: 30 },
  data: {
    database: {
      engineVersion: '17',
      instanceClass: 'db.t4g.medium',
      allocatedStorageGiB: 20,
      maxAllocatedStorageGiB: 100,
      multiAz: false,
      backupRetentionDays: 3,
      deletionProtection: false,
    },
  },
  cluster: {
    kubernetesVersion: '1.35',
    // Private API endpoint: CI plans and applies from runners inside the VPC (GithubActionsRunner in <env>-network).
    endpointPublicAccessCidrs: [],
    adminRoleArns: ['arn:aws:iam::111111111111:role/platform-admin'],
    controlPlaneLogRetentionDays: 30,
    addons: {
      vpcCni: 'v1.21.1-eksbuild.1',
      coreDns: 'v1.14.3-eksbuild.3',
      kubeProxy: 'v1.35.3-eksbuild.13',
      ebsCsiDriver: 'v1.57.1-eksbuild.1',
    },
    nodeGroups: {
      general: { instanceTypes: ['m7g.large'], capacityType: 'SPOT', minSize: 1, maxSize: 4, desiredSize: 2 },
    },
    bastion: { enabled: true, instanceType: 't4g.nano' },
  },
  platform: {
    airflow: { imageTag: '0.1.0-cea18250c8c5', dagsRef: 'pipelines-v0.1.0' },
  },
  workloads: {
    modelServing: {
      imageTag: '0.1.0-32013ed63a02',
      modelUri: 'models:/wine-classifier@champion',
      minReplicas: 1,
      maxReplicas: 3,
      resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '512Mi', memoryLimit: '1Gi' },
    },
    mlflow: {
      imageTag: '0.1.0-32013ed63a02',
      minReplicas: 1,
      maxReplicas: 2,
      resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '512Mi', memoryLimit: '1Gi' },
    },
    dataValidation: {
      imageTag: '0.1.0-cea18250c8c5',
      schedule: '0 */6 * * *',
      resources: { cpuRequest: '500m', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '2Gi' },
    },
  },
  observability: { prometheusRetentionDays: 7, prometheusStorageGiB: 20, logRetentionDays: 14, paging: false },
};
