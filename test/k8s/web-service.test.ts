import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Size } from 'cdk8s';
import { WebService, type WebServiceProps } from '../../k8s';
import { DIGEST, expectRestrictedPod, ofKind, onlyOfKind, RESOURCES, ROLE_ARN, schemaProblems, synth, testChart, type Manifest } from './helpers';

const IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/model-api@${DIGEST}`;

function props(overrides: Partial<WebServiceProps> = {}): WebServiceProps {
  return {
    image: IMAGE,
    resources: RESOURCES,
    autoscaling: { minReplicas: 2, maxReplicas: 6, targetCpuUtilizationPercent: 60 },
    ...overrides,
  };
}

function build(overrides: Partial<WebServiceProps> = {}): { service: WebService; objects: Manifest[] } {
  const chart = testChart('serving');
  const service = new WebService(chart, 'api', props(overrides));
  return { service, objects: synth(chart) };
}

describe('WebService', () => {
  test('creates the Deployment, Service, HPA, PDB, ServiceAccount and NetworkPolicy, all valid against the schemas', () => {
    const { objects } = build({ monitoring: {}, iamRoleArn: ROLE_ARN });
    expect(objects.map((o) => o.kind).sort()).toEqual(
      ['Deployment', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount', 'ServiceMonitor'].sort(),
    );
    const { problems } = schemaProblems(objects);
    expect(problems).toEqual([]);
    for (const object of objects) {
      expect(object.metadata.name).toBe('api');
      expect(object.metadata.namespace).toBe('serving');
    }
  });

  test('the schema check itself rejects a malformed object', () => {
    const deployment = onlyOfKind(build().objects, 'Deployment');
    const broken = { ...deployment, spec: { ...deployment.spec, selector: 'app=api' } };
    expect(schemaProblems([broken]).problems).toEqual([expect.stringMatching(/Deployment api: .*selector must be object/)]);
  });

  test('the pod has the restricted security defaults, probes and a /tmp emptyDir', () => {
    const { objects } = build();
    const deployment = onlyOfKind(objects, 'Deployment');
    const pod = deployment.spec.template.spec;
    expectRestrictedPod(pod);
    expect(pod.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 });
    const [container] = pod.containers;
    expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 8080, scheme: 'HTTP' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 8080, scheme: 'HTTP' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 8080, scheme: 'HTTP' });
    expect(container.startupProbe.failureThreshold * container.startupProbe.periodSeconds).toBe(300);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }]);
  });

  test('probes use the paths and port given', () => {
    const { objects } = build({ port: 9000, probes: { startupPath: '/up', readinessPath: '/ready', livenessPath: '/live', port: 9001 } });
    const [container] = onlyOfKind(objects, 'Deployment').spec.template.spec.containers;
    expect(container.startupProbe.httpGet).toMatchObject({ path: '/up', port: 9001 });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/ready', port: 9001 });
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/live', port: 9001 });
    expect(container.ports).toEqual([{ name: 'http', containerPort: 9000, protocol: 'TCP' }]);
  });

  test('spreads pods across zones and nodes', () => {
    const { objects } = build();
    const constraints = onlyOfKind(objects, 'Deployment').spec.template.spec.topologySpreadConstraints;
    expect(constraints.map((c: { topologyKey: string }) => c.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    for (const constraint of constraints) {
      expect(constraint).toMatchObject({ maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } });
    }
  });

  test('the HPA targets the Deployment with min, max and CPU target from props, and the Deployment has no replicas', () => {
    const { objects } = build();
    const hpa = onlyOfKind(objects, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' });
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.maxReplicas).toBe(6);
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }]);
    expect(hpa.spec.behavior.scaleUp.stabilizationWindowSeconds).toBe(0);
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
    expect(hpa.spec.behavior.scaleDown.policies).toEqual([{ type: 'Percent', value: 25, periodSeconds: 60 }]);
    expect(onlyOfKind(objects, 'Deployment').spec).not.toHaveProperty('replicas');
  });

  test('memory, pods metrics and scaling behaviour are optional', () => {
    const { objects } = build({
      autoscaling: {
        minReplicas: 1,
        maxReplicas: 10,
        targetMemoryUtilizationPercent: 80,
        podsMetrics: [{ name: 'http_requests_per_second', targetAverageValue: '50' }],
        scaleUp: { stabilizationWindow: Duration.seconds(30), policies: [{ type: 'Pods', value: 2, period: Duration.seconds(30) }] },
        scaleDown: { stabilizationWindow: Duration.minutes(10), selectPolicy: 'Min' },
      },
    });
    const hpa = onlyOfKind(objects, 'HorizontalPodAutoscaler');
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '50' } } },
    ]);
    expect(hpa.spec.behavior.scaleUp).toEqual({ stabilizationWindowSeconds: 30, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 2, periodSeconds: 30 }] });
    expect(hpa.spec.behavior.scaleDown).toMatchObject({ stabilizationWindowSeconds: 600, selectPolicy: 'Min' });
    expect(schemaProblems(objects).problems).toEqual([]);
  });

  test('fails synthesis when something sets replicas on the Deployment', () => {
    const chart = testChart();
    const service = new WebService(chart, 'api', props());
    ApiObject.of(service.deployment).addJsonPatch(JsonPatch.add('/spec/replicas', 3));
    expect(() => synth(chart)).toThrow(/sets spec\.replicas \(3\) but HorizontalPodAutoscaler "api" scales it/);
  });

  test('the PDB selects the pods, with maxUnavailable 1 by default or minAvailable from props', () => {
    const { objects } = build();
    const pdb = onlyOfKind(objects, 'PodDisruptionBudget');
    const podLabels = onlyOfKind(objects, 'Deployment').spec.template.metadata.labels;
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec.maxUnavailable).toBe(1);
    for (const [key, value] of Object.entries(pdb.spec.selector.matchLabels)) expect(podLabels[key]).toBe(value);

    const custom = onlyOfKind(build({ disruptionBudget: { minAvailable: 1 } }).objects, 'PodDisruptionBudget');
    expect(custom.spec).toMatchObject({ minAvailable: 1 });
    expect(custom.spec).not.toHaveProperty('maxUnavailable');
  });

  test('the Service is ClusterIP and selects the pods', () => {
    const { objects } = build();
    const service = onlyOfKind(objects, 'Service');
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.selector).toEqual(onlyOfKind(objects, 'Deployment').spec.selector.matchLabels);
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });

  test('the ServiceAccount carries the IRSA role and does not mount an API token', () => {
    const account = onlyOfKind(build({ iamRoleArn: ROLE_ARN }).objects, 'ServiceAccount');
    expect(account.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': ROLE_ARN });
    expect(account.automountServiceAccountToken).toBe(false);
    const plain = onlyOfKind(build().objects, 'ServiceAccount');
    expect(plain.metadata.annotations).toBeUndefined();
  });

  test('the NetworkPolicy denies ingress but from the given peers and the scraper, and allows DNS and the given egress', () => {
    const { objects } = build({
      monitoring: {},
      metricsPort: 9090,
      networkPolicy: {
        ingressFrom: [{ namespace: 'gateway' }],
        egressTo: [{ peer: { cidr: '10.0.0.0/16' }, ports: [5432] }],
      },
    });
    const policy = onlyOfKind(objects, 'NetworkPolicy');
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' });
    expect(policy.spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
          },
        ],
        ports: [{ protocol: 'TCP', port: 9090 }],
      },
    ]);
    expect(policy.spec.egress).toHaveLength(2);
    expect(policy.spec.egress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    expect(policy.spec.egress[1]).toEqual({ to: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] });
  });

  test('without monitoring or peers, no ingress is allowed', () => {
    const policy = onlyOfKind(build().objects, 'NetworkPolicy');
    expect(policy.spec.ingress).toEqual([]);
    expect(policy.spec.egress).toHaveLength(1);
  });

  test('monitoring adds a ServiceMonitor on the named metrics port, with the release label', () => {
    const { objects } = build({ monitoring: {}, metricsPort: 9090 });
    const monitor = onlyOfKind(objects, 'ServiceMonitor');
    expect(monitor.metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(monitor.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s', scheme: 'http' }]);
    expect(monitor.spec.namespaceSelector).toEqual({ matchNames: ['serving'] });
    const service = onlyOfKind(objects, 'Service');
    expect(service.spec.ports).toContainEqual({ name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' });
    for (const [key, value] of Object.entries(monitor.spec.selector.matchLabels)) expect(service.metadata.labels?.[key]).toBe(value);
    expect(ofKind(build().objects, 'ServiceMonitor')).toHaveLength(0);
  });

  test('exposes its endpoint for clients', () => {
    const { service } = build();
    expect(service.serviceDnsName).toBe('api.serving.svc.cluster.local');
    expect(service.url).toBe('http://api.serving.svc.cluster.local:80');
    expect(service.podLabels).toEqual({ 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' });
  });

  test('renders env vars sorted, with Secret references', () => {
    const { objects } = build({ env: { B: 'two', A: { secretKeyRef: { name: 'creds', key: 'password' } } } });
    const [container] = onlyOfKind(objects, 'Deployment').spec.template.spec.containers;
    expect(container.env).toEqual([
      { name: 'A', valueFrom: { secretKeyRef: { name: 'creds', key: 'password', optional: false } } },
      { name: 'B', value: 'two' },
    ]);
  });

  test('matches the snapshot', () => {
    expect(build({ monitoring: {}, iamRoleArn: ROLE_ARN }).objects).toMatchSnapshot();
  });

  describe('rejects bad props', () => {
    const rejects = (overrides: Partial<WebServiceProps>, message: RegExp): void => {
      expect(() => build(overrides)).toThrow(message);
    };

    test('fails when minReplicas > maxReplicas', () => {
      rejects({ autoscaling: { minReplicas: 5, maxReplicas: 3 } }, /test\/api: autoscaling\.minReplicas \(5\) must be <= autoscaling\.maxReplicas \(3\)/);
    });
    test('fails when minReplicas is 0', () => {
      rejects({ autoscaling: { minReplicas: 0, maxReplicas: 3 } }, /autoscaling\.minReplicas \(0\) must be an integer >= 1/);
    });
    test('fails when the target utilization is outside 1..100', () => {
      rejects({ autoscaling: { minReplicas: 1, maxReplicas: 3, targetCpuUtilizationPercent: 0 } }, /autoscaling\.targetCpuUtilizationPercent \(0\)/);
      rejects({ autoscaling: { minReplicas: 1, maxReplicas: 3, targetMemoryUtilizationPercent: 150 } }, /autoscaling\.targetMemoryUtilizationPercent \(150\)/);
    });
    test('fails when resources are missing', () => {
      rejects({ resources: undefined as never }, /test\/api: resources is required/);
      rejects({ resources: { cpu: RESOURCES.cpu } as never }, /resources\.memory\.request is required/);
    });
    test('fails when requests exceed limits', () => {
      rejects({ resources: { ...RESOURCES, cpu: { request: Cpu.units(2), limit: Cpu.millis(500) } } }, /resources\.cpu\.request \(2\) must be <= cpu\.limit \(500m\)/);
      rejects(
        { resources: { ...RESOURCES, memory: { request: Size.gibibytes(2), limit: Size.mebibytes(512) } } },
        /resources\.memory\.request \(2Gi\) must be <= memory\.limit \(512Mi\)/,
      );
    });
    test('fails when the image is latest, untagged or has an empty tag', () => {
      rejects({ image: 'registry.example.com/api:latest' }, /image \("registry\.example\.com\/api:latest"\) uses the mutable tag "latest"/);
      rejects({ image: 'registry.example.com:5000/api' }, /image \("registry\.example\.com:5000\/api"\) has no tag/);
      rejects({ image: 'registry.example.com/api:' }, /image \("registry\.example\.com\/api:"\) has an empty tag/);
      rejects({ image: 'registry.example.com/api@sha256:abc' }, /malformed digest/);
    });
    test('fails when a pod identity is root', () => {
      rejects({ securityContext: { runAsUser: 0 } }, /securityContext\.runAsUser \(0\) must be a positive integer/);
    });
    test('fails when the PDB would block drains', () => {
      rejects({ disruptionBudget: { minAvailable: 2 } }, /disruptionBudget\.minAvailable \(2\) must be below autoscaling\.minReplicas \(2\)/);
      rejects({ disruptionBudget: { minAvailable: 1, maxUnavailable: 1 } }, /disruptionBudget must give maxUnavailable or minAvailable, not both/);
    });
    test('fails on a malformed IRSA role ARN or network peer', () => {
      rejects({ iamRoleArn: 'my-role' }, /iamRoleArn \("my-role"\) must be an IAM role ARN/);
      rejects({ networkPolicy: { ingressFrom: [{}] } }, /networkPolicy\.ingressFrom\[0\] must give cidr, namespace or podLabels/);
      rejects({ networkPolicy: { egressTo: [{ peer: { cidr: '10.0.0.0/33' }, ports: [443] }] } }, /networkPolicy\.egressTo\[0\]\.peer\.cidr \("10\.0\.0\.0\/33"\)/);
    });
    test('reports every problem at once', () => {
      rejects({ image: 'api', autoscaling: { minReplicas: 3, maxReplicas: 1 } }, /2 problems:\n.*image.*\n.*minReplicas/);
    });
  });
});
