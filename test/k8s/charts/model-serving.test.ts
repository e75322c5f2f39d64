import { planSubnets } from '../../../constructs/network/subnet-plan';
import { cidrsOverlap } from '../../../k8s/network';
import { Testing } from 'cdk8s';
import { ModelServingChart } from '../../../k8s';
import { WORKLOAD_CONTRACT, WORKLOAD_ENV, WORKLOAD_PATHS, WORKLOAD_PORTS } from '../../../k8s/contract';
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
    expect(env.MODEL_URI).toBe('models:/churn-classifier@champion');
  });

  test('passes the app its settings under the contract\'s names, and probes the contract\'s paths on its port', () => {
    const [container] = onlyOfKind(objects, 'Deployment').spec.template.spec.containers;
    const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    // workloads/model-api reads exactly these (platform_contract.ENV); a renamed one fails here and there.
    expect(Object.keys(env)).toEqual(expect.arrayContaining([WORKLOAD_ENV.mlflowTrackingUri, WORKLOAD_ENV.modelUri, WORKLOAD_ENV.port]));
    expect(env[WORKLOAD_ENV.port]).toBe(String(WORKLOAD_PORTS.modelApi));
    expect(container.ports).toEqual([{ name: 'http', containerPort: WORKLOAD_PORTS.modelApi, protocol: 'TCP' }]);
    // MLflow caches under HOME and downloads the model to TMPDIR: both on the writable /tmp emptyDir.
    expect(env).toMatchObject({ HOME: '/tmp', TMPDIR: '/tmp' });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: WORKLOAD_PATHS.ready, port: WORKLOAD_PORTS.modelApi });
    expect(container.livenessProbe.httpGet.path).toBe(WORKLOAD_PATHS.health);
    expect(container.startupProbe.httpGet.path).toBe(WORKLOAD_PATHS.health);
    // The image's numeric USER (its Dockerfile) is the contract's runAsUser, which the pod runs as.
    expect(onlyOfKind(objects, 'Deployment').spec.template.spec.securityContext).toMatchObject({ runAsUser: WORKLOAD_CONTRACT.runAsUser });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true });
  });

  test.each(['models:/churn-classifier/Production', 's3://bucket/model', 'models:/churn@'])('refuses %s, which the model API would not load', (modelUri) => {
    const props = workloadChartsProps();
    expect(() => new ModelServingChart(Testing.app(), 'model-serving', { environment: 'dev', ...props.modelServing, modelUri, mlflow: charts.mlflow.service })).toThrow(/modelUri/);
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
    ).toThrow(/model-serving: modelUri \("churn"\) must be models:\/<name>@<alias>/);
  });

  describe('with an internal load balancer', () => {
    // The network's plan: load balancers in subnets of their own, pods in the private subnets.
    const plan = planSubnets('10.10.0.0/16', 2);
    const ingress = { loadBalancerSubnetCidrs: plan.loadBalancer, podSubnetCidrs: plan.private, clientCidrs: ['10.10.0.0/16'] };
    const withIngress = (extra: object = {}) =>
      objectsOf(buildCharts({ modelServing: { ...workloadChartsProps().modelServing, ingress: { ...ingress, ...extra } } }).charts.modelServing);

    test('creates an internal ALB Ingress to the pods, health-checked on the readiness path', () => {
      const objects = withIngress();
      const object = onlyOfKind(objects, 'Ingress');
      expect(object.metadata.annotations).toEqual({
        'alb.ingress.kubernetes.io/scheme': 'internal',
        'alb.ingress.kubernetes.io/target-type': 'ip',
        'alb.ingress.kubernetes.io/inbound-cidrs': '10.10.0.0/16',
        'alb.ingress.kubernetes.io/healthcheck-path': '/readyz',
        'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80}]',
      });
      expect(object.spec.ingressClassName).toBe('alb');
      expect(object.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'model-api', port: { number: 80 } } });
      expect(schemaProblems(objects).problems).toEqual([]);
    });

    test('admits the load balancer subnets on the container port, and only there', () => {
      const policy = onlyOfKind(withIngress(), 'NetworkPolicy');
      for (const cidr of ingress.loadBalancerSubnetCidrs) {
        expect(policy.spec.ingress).toContainEqual({ from: [{ ipBlock: { cidr } }], ports: [{ port: 8080, protocol: 'TCP' }] });
      }
    });

    test('serves HTTPS with TLS 1.2+ when given a certificate', () => {
      const certificateArn = 'arn:aws:acm:eu-west-1:111111111111:certificate/abc-123';
      const { annotations } = onlyOfKind(withIngress({ certificateArn, host: 'models.internal.example' }), 'Ingress').metadata;
      expect(annotations).toMatchObject({
        'alb.ingress.kubernetes.io/listen-ports': '[{"HTTPS":443}]',
        'alb.ingress.kubernetes.io/certificate-arn': certificateArn,
        'alb.ingress.kubernetes.io/ssl-policy': 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      });
    });

    test('admits no pod subnet: the load balancer subnets hold no pods', () => {
      const policy = onlyOfKind(withIngress(), 'NetworkPolicy');
      const admitted = policy.spec.ingress.flatMap((rule: { from: { ipBlock?: { cidr: string } }[] }) => rule.from.map((peer) => peer.ipBlock?.cidr)).filter(Boolean);
      expect(admitted).toEqual(['10.10.216.0/23', '10.10.218.0/23']);
      for (const cidr of admitted) for (const pods of plan.private) expect(cidrsOverlap(cidr, pods)).toBe(false);
    });

    test('fails when the load balancer subnets are where the pods live (every pod would pass as the load balancer)', () => {
      expect(() => withIngress({ loadBalancerSubnetCidrs: plan.private })).toThrow(
        /ingress\.loadBalancerSubnetCidrs\[0\] \("10\.10\.0\.0\/19"\) overlaps the pod subnet 10\.10\.0\.0\/19: every pod there would be admitted as the load balancer/,
      );
      expect(() => withIngress({ podSubnetCidrs: [] })).toThrow(/ingress\.podSubnetCidrs.*must list the subnets pods get addresses from/);
    });

    test('fails when the load balancer settings are wrong', () => {
      expect(() => withIngress({ loadBalancerSubnetCidrs: [], certificateArn: 'not-an-arn' })).toThrow(
        /ingress\.loadBalancerSubnetCidrs.*must list the load balancer subnets[\s\S]*ingress\.certificateArn \("not-an-arn"\) must be an ACM certificate ARN/,
      );
    });
  });
});
