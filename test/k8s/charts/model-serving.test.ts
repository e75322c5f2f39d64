import { Testing } from 'cdk8s';
import { ModelServingChart } from '../../../k8s';
import { onlyOfKind, schemaProblems } from '../helpers';
import { buildCharts, objectsOf, workloadChartsProps } from './fixtures';

describe('ModelServingChart', () => {
  const { charts } = buildCharts();
  const objects = objectsOf(charts.modelServing);

  test('runs the model API image from ECR with the MLflow tracking URI and model URI', () => {
    const [container] = onlyOfKind(objects, 'Deployment').spec.template.spec.containers;
    expect(container.image).toBe('111111111111.dkr.ecr.eu-west-1.amazonaws.com/model-serving:1.4.2');
    const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env.MLFLOW_TRACKING_URI).toBe('http://mlflow.mlflow.svc.cluster.local:5000');
    expect(env.MLFLOW_TRACKING_URI).toBe(charts.mlflow.trackingUri);
    expect(env.MODEL_URI).toBe('models:/churn-classifier/Staging');
  });

  test('HPA min, max and CPU target come from props; the Deployment has no replicas', () => {
    expect(onlyOfKind(objects, 'HorizontalPodAutoscaler').spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 65 } } }],
    });
    expect(onlyOfKind(objects, 'Deployment').spec.replicas).toBeUndefined();
  });

  test('has a ServiceMonitor, an IRSA ServiceAccount and a PDB', () => {
    expect(onlyOfKind(objects, 'ServiceMonitor').metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(onlyOfKind(objects, 'ServiceAccount').metadata.annotations?.['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::111111111111:role/dev-model-serving');
    expect(onlyOfKind(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  test('may call MLflow pods on their container port, and is called by the allowed clients', () => {
    const policy = onlyOfKind(objects, 'NetworkPolicy');
    expect(policy.spec.egress).toContainEqual({
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mlflow' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'mlflow', 'app.kubernetes.io/instance': 'mlflow' } },
        },
      ],
      ports: [{ protocol: 'TCP', port: 5000 }],
    });
    expect(policy.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }]);
  });

  test('validates against the schemas', () => {
    expect(schemaProblems(objects).problems).toEqual([]);
  });

  test('fails on a model URI that is not an MLflow URI', () => {
    const props = workloadChartsProps();
    expect(
      () => new ModelServingChart(Testing.app(), 'model-serving', { environment: 'dev', ...props.modelServing, modelUri: 'churn', mlflow: charts.mlflow.service }),
    ).toThrow(/model-serving: modelUri \("churn"\) must be an MLflow model URI/);
  });
});
