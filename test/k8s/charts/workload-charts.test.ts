import { Testing } from 'cdk8s';
import { buildWorkloadCharts, PLATFORM_ALERTS, RESTRICTED_POD_SECURITY_LABELS } from '../../../k8s';
import { expectRestrictedPod, ofKind, podSpecOf, schemaProblems, type Manifest } from '../helpers';
import { buildCharts, objectsOf, workloadChartsProps } from './fixtures';

function allObjects(overrides = {}): Map<string, Manifest[]> {
  const { charts } = buildCharts(overrides);
  return new Map(Object.values(charts).map((chart) => [chart.namespace as string, objectsOf(chart)]));
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

describe('buildWorkloadCharts', () => {
  test('builds the four charts of an environment into the app', () => {
    const app = Testing.app();
    const charts = buildWorkloadCharts(app, workloadChartsProps());
    expect(charts.map((c) => c.node.id)).toEqual(['mlflow', 'model-serving', 'data-validation', 'monitoring']);
    expect(charts.map((c) => c.namespace)).toEqual(['mlflow', 'model-serving', 'data-pipelines', 'monitoring']);
    expect(app.charts).toHaveLength(4);
  });

  test('every object of every chart validates against the Kubernetes and prometheus-operator schemas', () => {
    const everything = [...allObjects().values()].flat();
    const { problems, unmodelled } = schemaProblems(everything);
    expect(problems).toEqual([]);
    // No model for external-secrets.io: mlflow.test.ts checks their required fields by hand.
    expect(unmodelled.map((o) => o.kind).sort()).toEqual(['ExternalSecret', 'SecretStore']);
  });

  test('every container of every chart runs with the restricted security defaults', () => {
    let pods = 0;
    for (const objects of allObjects().values()) {
      for (const object of objects) {
        const pod = podSpecOf(object);
        if (pod === undefined) continue;
        expectRestrictedPod(pod);
        pods++;
      }
    }
    expect(pods).toBe(3);
  });

  test('each chart creates its namespace with the restricted Pod Security labels; every object is labelled with the environment', () => {
    for (const [namespace, objects] of allObjects()) {
      const [ns] = ofKind(objects, 'Namespace');
      expect(ns.metadata.name).toBe(namespace);
      expect(ns.metadata).not.toHaveProperty('namespace');
      expect(ns.metadata.labels).toMatchObject({ ...RESTRICTED_POD_SECURITY_LABELS, 'pod-security.kubernetes.io/enforce': 'restricted' });
      for (const object of objects) {
        expect(object.metadata.labels?.['mlops-platform.dev/environment']).toBe('dev');
        if (object.kind !== 'Namespace') expect(object.metadata.namespace).toBe(namespace);
      }
    }
  });

  test('every Deployment is scaled by an HPA, has no replicas, and is covered by a PDB', () => {
    let deployments = 0;
    for (const objects of allObjects().values()) {
      for (const deployment of ofKind(objects, 'Deployment')) {
        deployments++;
        expect(deployment.spec).not.toHaveProperty('replicas');
        const hpas = ofKind(objects, 'HorizontalPodAutoscaler').filter((h) => h.spec.scaleTargetRef.name === deployment.metadata.name);
        expect(hpas).toHaveLength(1);
        const podLabels = deployment.spec.template.metadata.labels;
        expect(ofKind(objects, 'PodDisruptionBudget').some((pdb) => selects(pdb.spec.selector.matchLabels, podLabels))).toBe(true);
        expect(ofKind(objects, 'NetworkPolicy').some((np) => selects(np.spec.podSelector.matchLabels, podLabels))).toBe(true);
      }
    }
    expect(deployments).toBe(2);
  });

  test('every workload has a NetworkPolicy, a monitor with the release label (or pushes), and an IRSA ServiceAccount', () => {
    for (const [namespace, objects] of allObjects()) {
      if (namespace === 'monitoring') continue;
      expect(ofKind(objects, 'NetworkPolicy')).toHaveLength(1);
      const monitors = [...ofKind(objects, 'ServiceMonitor'), ...ofKind(objects, 'PodMonitor')];
      // The batch job is gone before a scrape: it pushes to the Pushgateway instead (DataValidationChart).
      expect(monitors).toHaveLength(namespace === 'data-pipelines' ? 0 : 1);
      if (monitors.length) expect(monitors[0].metadata.labels?.release).toBe('kube-prometheus-stack');
      const [account] = ofKind(objects, 'ServiceAccount');
      expect(account.metadata.annotations?.['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::111111111111:role\/dev-/);
      expect(account.automountServiceAccountToken).toBe(false);
    }
  });

  test('the MLflow alert watches the job label of the MLflow ServiceMonitor', () => {
    const { charts } = buildCharts();
    const rules = ofKind(objectsOf(charts.monitoring), 'PrometheusRule')[0];
    const mlflowRule = rules.spec.groups.flatMap((g: { rules: unknown[] }) => g.rules).find((r: { alert: string }) => r.alert === PLATFORM_ALERTS.mlflowDown);
    expect(mlflowRule.expr).toContain(`up{job="${charts.mlflow.service.name}",namespace="${charts.mlflow.service.namespace}"}`);
  });

  test('paging and thresholds reach the alert rules', () => {
    const { charts } = buildCharts({ monitoring: { paging: true, thresholds: { apiLatencyP95Seconds: 0.3 } } });
    const rules = ofKind(objectsOf(charts.monitoring), 'PrometheusRule')[0].spec.groups.flatMap((g: { rules: unknown[] }) => g.rules);
    const latency = rules.find((r: { alert: string }) => r.alert === PLATFORM_ALERTS.apiLatency);
    expect(latency.labels.severity).toBe('page');
    expect(latency.expr).toMatch(/ > 0\.3$/);
  });

  test('the monitoring namespace can be left to the kube-prometheus-stack release', () => {
    const { charts } = buildCharts({ monitoring: { paging: false, createNamespace: false } });
    expect(ofKind(objectsOf(charts.monitoring), 'Namespace')).toHaveLength(0);
    expect(ofKind(objectsOf(charts.mlflow), 'Namespace')).toHaveLength(1);
  });

  test('bad props are rejected with the chart path and field', () => {
    const base = workloadChartsProps();
    expect(() => buildCharts({ modelServing: { ...base.modelServing, autoscaling: { minReplicas: 4, maxReplicas: 2 } } })).toThrow(
      /model-serving\/ModelApi: autoscaling\.minReplicas \(4\) must be <= autoscaling\.maxReplicas \(2\)/,
    );
    expect(() => buildCharts({ mlflow: { ...base.mlflow, image: { repositoryUrl: 'x/mlflow', tag: 'latest' } } })).toThrow(
      /mlflow\/Mlflow: image \("x\/mlflow:latest"\) uses the mutable tag "latest"/,
    );
    expect(() => buildCharts({ dataValidation: { ...base.dataValidation, schedule: '0 0 * *' } })).toThrow(
      /data-validation\/DataValidation: schedule \("0 0 \* \*"\) must have 5 fields/,
    );
    expect(() => buildCharts({ environment: 'Dev Env' })).toThrow(/mlflow: environment \("Dev Env"\) must be a DNS label/);
  });

  test.each(['mlflow', 'model-serving', 'data-validation', 'monitoring'])('%s matches the snapshot', (id) => {
    const { app } = buildCharts();
    const chart = app.charts.find((c) => c.node.id === id)!;
    expect(objectsOf(chart)).toMatchSnapshot();
  });
});
