import type { EnvironmentInput } from './schema';

/** Staging: production's shape at a smaller size, so a change is proven before it reaches prod. */
export const staging: EnvironmentInput = {
  name: 'staging',
  tier: 'staging',
  account: {
    id: '222222222222',
    region: 'eu-west-1',
    assumeRoleArn: 'arn:aws:iam::222222222222:role/platform-deployer',
    planRoleArn: 'arn:aws:iam::222222222222:role/platform-planner',
  },
  tags: { owner: 'platform-infrastructure', costCenter: 'cc-1042-platform' },
  network: { cidr: '10.20.0.0/16', azCount: 3, natMode: 'single', flowLogRetentionDays: 90 },
  data: {
    database: {
      engineVersion: '17',
      instanceClass: 'db.r7g.large',
      allocatedStorageGiB: 50,
      maxAllocatedStorageGiB: 200,
      multiAz: true,
      backupRetentionDays: 7,
      deletionProtection: true,
    },
  },
  cluster: {
    kubernetesVersion: '1.35',
    // Private API endpoint: CI plans and applies from runners inside the VPC (GithubActionsRunner in <env>-network).
    endpointPublicAccessCidrs: [],
    adminRoleArns: ['arn:aws:iam::222222222222:role/platform-admin'],
    addons: {
      vpcCni: 'v1.21.1-eksbuild.1',
      coreDns: 'v1.14.3-eksbuild.3',
      kubeProxy: 'v1.35.3-eksbuild.13',
      ebsCsiDriver: 'v1.57.1-eksbuild.1',
    },
    nodeGroups: {
      general: { instanceTypes: ['m7g.xlarge'], capacityType: 'ON_DEMAND', minSize: 2, maxSize: 6, desiredSize: 3 },
      batch: {
        instanceTypes: ['c7g.2xlarge', 'c6g.2xlarge'],
        capacityType: 'SPOT',
        minSize: 0,
        maxSize: 6,
        desiredSize: 1,
        labels: { workload: 'batch' },
        taints: [{ key: 'workload', value: 'batch', effect: 'NO_SCHEDULE' }],
      },
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
      minReplicas: 2,
      maxReplicas: 6,
      resources: { cpuRequest: '500m', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '2Gi' },
    },
    mlflow: {
      imageTag: '0.1.0-32013ed63a02',
      minReplicas: 2,
      maxReplicas: 3,
      resources: { cpuRequest: '250m', cpuLimit: '1', memoryRequest: '512Mi', memoryLimit: '1Gi' },
    },
    dataValidation: {
      imageTag: '0.1.0-cea18250c8c5',
      schedule: '0 */2 * * *',
      resources: { cpuRequest: '500m', cpuLimit: '2', memoryRequest: '1Gi', memoryLimit: '4Gi' },
    },
  },
  observability: { prometheusRetentionDays: 15, prometheusStorageGiB: 50, logRetentionDays: 30, paging: false },
};
