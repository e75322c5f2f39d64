import type { EnvironmentInput } from './schema';

/** Production: three AZs with a NAT gateway each, multi-AZ database, alerts that page. */
export const prod: EnvironmentInput = {
  name: 'prod',
  tier: 'production',
  account: {
    id: '333333333333',
    region: 'eu-west-1',
    assumeRoleArn: 'arn:aws:iam::333333333333:role/platform-deployer',
    planRoleArn: 'arn:aws:iam::333333333333:role/platform-planner',
  },
  tags: { owner: 'platform-infrastructure', costCenter: 'cc-2001-ml-production' },
  network: { cidr: '10.30.0.0/16', azCount: 3, natMode: 'perAz', flowLogRetentionDays: 365 },
  data: {
    database: {
      engineVersion: '17',
      instanceClass: 'db.r7g.xlarge',
      allocatedStorageGiB: 200,
      maxAllocatedStorageGiB: 1000,
      multiAz: true,
      backupRetentionDays: 30,
      deletionProtection: true,
      performanceInsightsRetentionDays: 31,
      monitoringIntervalSeconds: 15,
    },
    storage: { noncurrentVersionExpirationDays: 365 },
  },
  cluster: {
    kubernetesVersion: '1.35',
    // Private API endpoint: CI plans and applies from runners inside the VPC (GithubActionsRunner in <env>-network).
    endpointPublicAccessCidrs: [],
    adminRoleArns: ['arn:aws:iam::333333333333:role/platform-admin'],
    controlPlaneLogRetentionDays: 365,
    addons: {
      vpcCni: 'v1.21.1-eksbuild.1',
      coreDns: 'v1.14.3-eksbuild.3',
      kubeProxy: 'v1.35.3-eksbuild.13',
      ebsCsiDriver: 'v1.57.1-eksbuild.1',
    },
    nodeGroups: {
      general: { instanceTypes: ['m7g.2xlarge'], capacityType: 'ON_DEMAND', minSize: 3, maxSize: 12, desiredSize: 4, diskSizeGiB: 100 },
      batch: {
        instanceTypes: ['c7g.4xlarge', 'c6g.4xlarge'],
        capacityType: 'SPOT',
        minSize: 0,
        maxSize: 10,
        desiredSize: 2,
        diskSizeGiB: 100,
        labels: { workload: 'batch' },
        taints: [{ key: 'workload', value: 'batch', effect: 'NO_SCHEDULE' }],
      },
    },
    bastion: { enabled: false },
  },
  platform: {
    airflow: { imageTag: '0.1.0-cea18250c8c5', dagsRef: 'pipelines-v0.1.0' },
  },
  workloads: {
    modelServing: {
      imageTag: '0.1.0-32013ed63a02',
      modelUri: 'models:/wine-classifier@champion',
      minReplicas: 3,
      maxReplicas: 20,
      targetCpuUtilizationPercent: 60,
      resources: { cpuRequest: '1', cpuLimit: '2', memoryRequest: '2Gi', memoryLimit: '4Gi' },
    },
    mlflow: {
      imageTag: '0.1.0-32013ed63a02',
      minReplicas: 2,
      maxReplicas: 4,
      resources: { cpuRequest: '500m', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '2Gi' },
    },
    dataValidation: {
      imageTag: '0.1.0-cea18250c8c5',
      schedule: '15 * * * *',
      resources: { cpuRequest: '1', cpuLimit: '2', memoryRequest: '2Gi', memoryLimit: '4Gi' },
    },
  },
  observability: {
    prometheusRetentionDays: 30,
    prometheusStorageGiB: 200,
    logRetentionDays: 90,
    paging: true,
    alertEmail: 'ml-platform-oncall@example.com',
    thresholds: { apiLatencyP95Seconds: 0.3, apiErrorRatePercent: 0.5 },
  },
};
