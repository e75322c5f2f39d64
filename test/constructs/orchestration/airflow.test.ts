import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { environments, shared } from '../../../environments';
import { Airflow, type AirflowProps } from '../../../constructs/orchestration/airflow';
import type { AirflowChartValues } from '../../../constructs/orchestration/airflow-values';
import { ClusterStack } from '../../../stacks/cluster-stack';
import { NetworkStack } from '../../../stacks/network-stack';
import { PlatformStack } from '../../../stacks/platform-stack';
import { PLATFORM_CHARTS } from '../../../stacks/platform-services-stack';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const r = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } };

function setUp() {
  const app = Testing.app();
  const environment = environments.dev;
  const network = new NetworkStack(app, shared, environment);
  const cluster = new ClusterStack(app, shared, environment, { network: network.network });
  const stack = new PlatformStack(app, 'airflow-test', { shared, environment, backend: 's3' });
  new KubernetesProvider(stack, 'kubernetes', {});
  new HelmProvider(stack, 'helm', {});
  const props: AirflowProps = {
    cluster: cluster.cluster,
    environmentName: 'dev',
    region: 'eu-west-1',
    chart: PLATFORM_CHARTS.airflow,
    manifestsChart: PLATFORM_CHARTS.raw,
    externalSecrets: cluster.cluster.cluster,
    image: { repositoryUrl: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/data-pipeline', tag: '0.1.0' },
    airflowVersion: '3.2.0',
    dags: { repository: 'https://github.com/mlops-platform/infrastructure.git', ref: 'pipelines-v0.1.0', subPath: 'workloads/pipelines/dags' },
    database: { endpoint: 'db.example:5432', port: 5432, name: 'airflow', userSecretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:u', passwordVersion: 2 },
    logs: { bucketName: 'logs', bucketArn: 'arn:aws:s3:::logs', kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/k' },
    sizing: { replicas: 1, scheduler: r, apiServer: r, workers: r },
  };
  return { app, stack, props };
}

describe('Airflow', () => {
  it('rolls every pod and re-reads the secret when the database password version changes', () => {
    const { app, stack, props } = setUp();
    const airflow = new Airflow(stack, 'Airflow', props);
    app.synth();
    expect(airflow.values.airflowPodAnnotations).toEqual({ 'platform.mlops/database-password-version': '2' });
    const json = JSON.parse(Testing.synth(stack));
    const metadata = Object.values(json.resource.helm_release as Json).find((rel: Json) => rel.name === 'airflow-metadata') as Json;
    const external = (parse(metadata.values[0]).resources as Json[]).find((m) => m.kind === 'ExternalSecret')!;
    expect(external.spec.target.template.metadata.annotations).toEqual({ 'platform.mlops/database-password-version': '2' });
  });

  it.each([
    ['without its own database user', (p: AirflowProps) => ({ ...p, database: { ...p.database, userSecretArn: '' } }), /database\.userSecretArn is required/],
    ['with a password version of 0', (p: AirflowProps) => ({ ...p, database: { ...p.database, passwordVersion: 0 } }), /database\.passwordVersion \(0\) must be a positive whole number/],
    ['with an Airflow version that is not one', (p: AirflowProps) => ({ ...p, airflowVersion: 'latest' }), /airflowVersion \("latest"\) must be an Airflow version/],
    ['without a DAG ref', (p: AirflowProps) => ({ ...p, dags: { ...p.dags, ref: '' } }), /dags: repository and ref are required/],
  ])('fails %s, naming the field', (_label, change, message) => {
    const { stack, props } = setUp();
    expect(() => new Airflow(stack, 'Airflow', change(props))).toThrow(message);
  });

  it('types the chart values: keys chart 1.21.0 ignores or deprecates do not compile', () => {
    const workers: AirflowChartValues['workers'] = {
      resources: r,
      persistence: { enabled: false },
      kubernetes: { serviceAccount: { create: true, name: 'w', annotations: {} } },
      // @ts-expect-error deprecated in chart 1.21.0 (apache/airflow#64730): task pods use workers.kubernetes.serviceAccount
      serviceAccount: { create: true, name: 'w', annotations: {} },
    };
    // @ts-expect-error Airflow 3 has no webserver; the chart's `webserver.*` applies to Airflow 2 only
    const webserver: AirflowChartValues['webserver'] = undefined;
    expect([workers.resources, webserver]).toEqual([r, undefined]);
  });
});
