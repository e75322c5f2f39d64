import { Testing, type App, type Chart } from 'cdk8s';
import { buildWorkloadChartSet, type WorkloadCharts, type WorkloadChartsProps } from '../../../k8s';
import { RESOURCES, type Manifest } from '../helpers';

export const ECR = '111111111111.dkr.ecr.eu-west-1.amazonaws.com';
export const DB_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-0123456789abcdef-AbCdEf';

/** What the lead's `<env>-workloads` stack passes for one environment (values from the data and cluster layers). */
export function workloadChartsProps(overrides: Partial<WorkloadChartsProps> = {}): WorkloadChartsProps {
  return {
    environment: 'dev',
    modelServing: {
      image: { repositoryUrl: `${ECR}/model-serving`, tag: '1.4.2' },
      modelUri: 'models:/churn-classifier@champion',
      autoscaling: { minReplicas: 2, maxReplicas: 5, targetCpuUtilizationPercent: 65 },
      resources: RESOURCES,
      iamRoleArn: 'arn:aws:iam::111111111111:role/dev-model-serving',
      allowedClients: [{ namespace: 'ingress' }],
    },
    mlflow: {
      image: { repositoryUrl: `${ECR}/mlflow`, digest: `sha256:${'b'.repeat(64)}` },
      autoscaling: { minReplicas: 2, maxReplicas: 3 },
      resources: RESOURCES,
      iamRoleArn: 'arn:aws:iam::111111111111:role/dev-mlflow',
      artifactsBucketName: 'dev-mlflow-artifacts-111111111111',
      database: {
        host: 'dev-platform.abcdefghijkl.eu-west-1.rds.amazonaws.com',
        port: 5432,
        name: 'mlflow',
        secretArn: DB_SECRET_ARN,
        cidrs: ['10.10.96.0/24', '10.10.97.0/24'],
      },
    },
    dataValidation: {
      image: { repositoryUrl: `${ECR}/data-validation`, tag: '0.9.0' },
      schedule: '0 */6 * * *',
      resources: RESOURCES,
      iamRoleArn: 'arn:aws:iam::111111111111:role/dev-data-validation',
      rawBucketName: 'dev-raw-data-111111111111',
      processedBucketName: 'dev-processed-data-111111111111',
    },
    monitoring: { paging: false },
    ...overrides,
  };
}

export function buildCharts(overrides: Partial<WorkloadChartsProps> = {}): { app: App; charts: WorkloadCharts } {
  const app = Testing.app();
  return { app, charts: buildWorkloadChartSet(app, workloadChartsProps(overrides)) };
}

export function objectsOf(chart: Chart): Manifest[] {
  return Testing.synth(chart) as Manifest[];
}
