import { Testing } from 'cdk8s';
import { MlflowChart, mlflowAllowedHosts, type MlflowChartProps } from '../../../k8s';
import { onlyOfKind, type Manifest } from '../helpers';
import { buildCharts, DB_SECRET_ARN, objectsOf, workloadChartsProps } from './fixtures';

function mlflowObjects(): Manifest[] {
  return objectsOf(buildCharts().charts.mlflow);
}

function chartProps(overrides: Partial<MlflowChartProps> = {}): MlflowChartProps {
  return { environment: 'dev', ...workloadChartsProps().mlflow, ...overrides };
}

describe('MlflowChart', () => {
  test('runs mlflow server against PostgreSQL and S3, serving artifacts', () => {
    const deployment = onlyOfKind(mlflowObjects(), 'Deployment');
    const [container] = deployment.spec.template.spec.containers;
    expect(container.image).toBe(`111111111111.dkr.ecr.eu-west-1.amazonaws.com/mlflow@sha256:${'b'.repeat(64)}`);
    expect(container.command).toEqual(['mlflow']);
    expect(container.args.join(' ')).toBe(
      'server --host 0.0.0.0 --port 5000 --backend-store-uri $(MLFLOW_BACKEND_STORE_URI)' +
        ' --artifacts-destination s3://dev-mlflow-artifacts-111111111111/ --serve-artifacts --expose-prometheus /tmp/mlflow-metrics' +
        ` --allowed-hosts ${mlflowAllowedHosts('mlflow', 'mlflow').join(',')}`,
    );
    // MLflow 3 answers 403 to a Host header it does not know: the Service's DNS name must be admitted.
    const hosts = container.args[container.args.indexOf('--allowed-hosts') + 1].split(',');
    expect(hosts).toEqual(expect.arrayContaining(['mlflow.mlflow.svc.cluster.local:5000', 'mlflow:5000', '10.*:5000']));
    expect(container.ports).toEqual([{ name: 'http', containerPort: 5000, protocol: 'TCP' }]);
    expect(container.readinessProbe.httpGet.path).toBe('/health');
  });

  test('takes the backend store URI from the ExternalSecret-managed Secret; no password in any manifest', () => {
    const objects = mlflowObjects();
    const [container] = onlyOfKind(objects, 'Deployment').spec.template.spec.containers;
    const uri = container.env.find((e: { name: string }) => e.name === 'MLFLOW_BACKEND_STORE_URI');
    const external = onlyOfKind(objects, 'ExternalSecret');
    expect(uri).toEqual({ name: 'MLFLOW_BACKEND_STORE_URI', valueFrom: { secretKeyRef: { name: external.spec.target.name, key: 'backend-store-uri', optional: false } } });
    for (const env of container.env) expect(String(env.value ?? '')).not.toMatch(/postgres/);
    expect(JSON.stringify(objects)).not.toMatch(/"password"\s*:\s*"(?!\{)/);
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
  });

  test('the ExternalSecret and SecretStore have their required fields (no schema model for external-secrets.io)', () => {
    const objects = mlflowObjects();
    const store = onlyOfKind(objects, 'SecretStore');
    const external = onlyOfKind(objects, 'ExternalSecret');
    expect(store.apiVersion).toBe('external-secrets.io/v1');
    expect(store.spec.provider.aws).toEqual({ service: 'SecretsManager', region: 'eu-west-1', auth: { jwt: { serviceAccountRef: { name: 'mlflow' } } } });
    expect(onlyOfKind(objects, 'ServiceAccount').metadata.name).toBe('mlflow');

    expect(external.apiVersion).toBe('external-secrets.io/v1');
    expect(external.metadata.name).toMatch(/^[a-z][-a-z0-9]*$/);
    expect(external.spec.secretStoreRef).toEqual({ name: store.metadata.name, kind: 'SecretStore' });
    expect(external.spec.refreshInterval).toMatch(/^\d+[smh]$/);
    expect(external.spec.target).toMatchObject({ name: 'mlflow-backend-store', creationPolicy: 'Owner', template: { engineVersion: 'v2' } });
    expect(external.spec.data).toEqual([
      { secretKey: 'username', remoteRef: { key: DB_SECRET_ARN, property: 'username' } },
      { secretKey: 'password', remoteRef: { key: DB_SECRET_ARN, property: 'password' } },
    ]);
    expect(external.spec.target.template.data['backend-store-uri']).toBe(
      'postgresql://{{ .username | urlquery }}:{{ .password | urlquery }}@dev-platform.abcdefghijkl.eu-west-1.rds.amazonaws.com:5432/mlflow?sslmode=require',
    );
  });

  test('the NetworkPolicy lets clients in and lets MLflow reach the database and AWS APIs', () => {
    const policy = onlyOfKind(mlflowObjects(), 'NetworkPolicy');
    const fromNamespaces = policy.spec.ingress.map((rule: { from: { namespaceSelector: { matchLabels: Record<string, string> } }[] }) =>
      rule.from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'],
    );
    expect(fromNamespaces).toEqual(['model-serving', 'airflow', 'monitoring']);
    expect(policy.spec.egress.slice(1)).toEqual([
      { to: [{ ipBlock: { cidr: '10.10.96.0/24' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
      { to: [{ ipBlock: { cidr: '10.10.97.0/24' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
  });

  test('HPA bounds, IRSA role and ServiceMonitor come from props', () => {
    const objects = mlflowObjects();
    expect(onlyOfKind(objects, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 2, maxReplicas: 3 });
    expect(onlyOfKind(objects, 'ServiceAccount').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111111111111:role/dev-mlflow' });
    expect(onlyOfKind(objects, 'ServiceMonitor').spec.endpoints[0].port).toBe('http');
  });

  test('exposes the tracking URI', () => {
    expect(buildCharts().charts.mlflow.trackingUri).toBe('http://mlflow.mlflow.svc.cluster.local:5000');
  });

  test('fails on a bad secret ARN, bucket or database', () => {
    const build = (overrides: Partial<MlflowChartProps>) => () => new MlflowChart(Testing.app(), 'mlflow', chartProps(overrides));
    const db = chartProps().database;
    expect(build({ database: { ...db, secretArn: 'my-secret' } })).toThrow(/mlflow: database\.secretArn \("my-secret"\) must be a Secrets Manager secret ARN/);
    expect(build({ database: { ...db, cidrs: [] } })).toThrow(/database\.cidrs must list the database subnets/);
    expect(build({ artifactsBucketName: 'Not_A_Bucket' })).toThrow(/artifactsBucketName \("Not_A_Bucket"\) must be an S3 bucket name/);
  });

  test('accepts unresolved tokens for values known only at deploy time', () => {
    const db = chartProps().database;
    const chart = new MlflowChart(Testing.app(), 'mlflow', chartProps({
      iamRoleArn: '${TfToken[TOKEN.12]}',
      database: { ...db, host: '${TfToken[TOKEN.13]}', secretArn: '${TfToken[TOKEN.14]}', region: 'eu-west-1' },
    }));
    expect(onlyOfKind(objectsOf(chart), 'SecretStore').spec.provider.aws.region).toBe('eu-west-1');
  });
});
