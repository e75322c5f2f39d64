import { ApiObject, Chart, Duration, Size } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { acceptImmutableImageTags } from './policy-suppression';
import {
  checkEnv,
  checkPodIdentity,
  checkResources,
  commonLabels,
  imageProblem,
  selectorLabels,
  workloadPodSpec,
  type ContainerWorkloadProps,
} from './container';
import { ServiceMonitor, type ScrapeOptions } from './monitoring';
import {
  checkPeer,
  checkRules,
  createServiceAccount,
  createWorkloadNetworkPolicy,
  DEFAULT_METRICS_SCRAPER,
  type NetworkPeer,
  type NetworkRule,
} from './network';
import { checkDnsLabel, checkIntegerInRange, checkLabels, checkPort, checkRoleArn, PropsProblems } from './validation';
import { requireProps } from '../constructs/core/props';

/** One scaling direction of the HorizontalPodAutoscaler. */
export interface ScalingRules {
  /**
   * How long the HPA looks back for the highest (scale-down) or lowest (scale-up) recommendation.
   * @default - Duration.seconds(0) for scale-up, Duration.minutes(5) for scale-down
   */
  readonly stabilizationWindow?: Duration;
  /**
   * How fast replicas may change.
   * @default - scale-up: 100% or 4 pods per minute, whichever is more; scale-down: 25% per minute
   */
  readonly policies?: readonly ScalingPolicy[];
  /**
   * Which policy wins when several allow a change.
   * @default 'Max'
   */
  readonly selectPolicy?: 'Max' | 'Min' | 'Disabled';
}

export interface ScalingPolicy {
  readonly type: 'Pods' | 'Percent';
  readonly value: number;
  readonly period: Duration;
}

/** A per-pod custom metric served by a metrics adapter (e.g. prometheus-adapter) through `custom.metrics.k8s.io`. */
export interface PodsMetric {
  /** Metric name as the adapter exposes it, e.g. `http_requests_per_second`. */
  readonly name: string;
  /** Target average per pod, a Kubernetes quantity such as `"50"` or `"500m"`. */
  readonly targetAverageValue: string;
}

export interface AutoscalingProps {
  /** At least 1; 2 or more for a service that must survive a node drain. */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /**
   * Target average CPU use, percent of the CPU request.
   * @default 70
   */
  readonly targetCpuUtilizationPercent?: number;
  /**
   * Target average memory use, percent of the memory request.
   * @default - memory is not a scaling metric
   */
  readonly targetMemoryUtilizationPercent?: number;
  /**
   * Further per-pod metrics.
   * @default []
   */
  readonly podsMetrics?: readonly PodsMetric[];
  /**
   * @default - react within a minute, up to doubling
   */
  readonly scaleUp?: ScalingRules;
  /**
   * @default - wait 5 minutes, then shed at most 25% per minute
   */
  readonly scaleDown?: ScalingRules;
}

/** HTTP probes; all three use the same port. */
export interface HttpProbesProps {
  /**
   * Container port the probes call.
   * @default - the `port` prop
   */
  readonly port?: number;
  /**
   * Path of the startup probe; until it passes, the other probes wait.
   * @default '/healthz'
   */
  readonly startupPath?: string;
  /**
   * Path of the readiness probe (ready to take traffic).
   * @default '/readyz'
   */
  readonly readinessPath?: string;
  /**
   * Path of the liveness probe (restart when it fails).
   * @default '/healthz'
   */
  readonly livenessPath?: string;
  /**
   * Longest time the container may take to start (loading a model can be slow).
   * @default Duration.minutes(5)
   */
  readonly startupTimeout?: Duration;
}

export interface DisruptionBudgetProps {
  /**
   * Pods that may be down at once during voluntary disruptions (node drains). Give this or `minAvailable`.
   * @default 1
   */
  readonly maxUnavailable?: number;
  /**
   * Pods that must stay up during voluntary disruptions; must be below `autoscaling.minReplicas`, or
   * drains would block.
   * @default - maxUnavailable 1 is used instead
   */
  readonly minAvailable?: number;
}

export interface WebServiceNetworkPolicyProps {
  /**
   * Who may call the service on its HTTP port.
   * @default [] - nobody (besides the metrics scraper when monitoring is on)
   */
  readonly ingressFrom?: readonly NetworkPeer[];
  /**
   * Where the pods may connect (besides DNS).
   * @default [] - nowhere
   */
  readonly egressTo?: readonly NetworkRule[];
  /**
   * Allow DNS lookups against CoreDNS in kube-system.
   * @default true
   */
  readonly allowDns?: boolean;
  /**
   * Who scrapes metrics when `monitoring` is set.
   * @default DEFAULT_METRICS_SCRAPER (Prometheus pods in the `monitoring` namespace)
   */
  readonly metricsScraper?: NetworkPeer;
}

export interface TopologySpreadProps {
  /**
   * Largest allowed difference in pods between zones (and between nodes).
   * @default 1
   */
  readonly maxSkew?: number;
  /**
   * What the scheduler does when it cannot keep the skew: `ScheduleAnyway` prefers spreading and still
   * schedules during a zone outage; `DoNotSchedule` enforces it.
   * @default 'ScheduleAnyway'
   */
  readonly whenUnsatisfiable?: 'ScheduleAnyway' | 'DoNotSchedule';
}

export interface WebServiceProps extends ContainerWorkloadProps {
  /**
   * Name of every object (Deployment, Service, HPA, PDB, ServiceAccount, NetworkPolicy); a DNS label.
   * @default - the construct's id
   */
  readonly name?: string;
  /** Replica bounds and scaling targets; the HPA owns the replica count (the Deployment never sets it). */
  readonly autoscaling: AutoscalingProps;
  /**
   * Container port of the HTTP server, named `http`.
   * @default 8080
   */
  readonly port?: number;
  /**
   * Port of the ClusterIP Service.
   * @default 80
   */
  readonly servicePort?: number;
  /**
   * Container port serving Prometheus metrics; when it differs from `port` it is exposed as `metrics`.
   * @default - the `port` prop (metrics on the HTTP server)
   */
  readonly metricsPort?: number;
  /**
   * @default - startup and liveness on /healthz, readiness on /readyz, on `port`
   */
  readonly probes?: HttpProbesProps;
  /**
   * @default - maxUnavailable 1
   */
  readonly disruptionBudget?: DisruptionBudgetProps;
  /**
   * @default - deny all ingress but the scraper, allow DNS egress only
   */
  readonly networkPolicy?: WebServiceNetworkPolicyProps;
  /**
   * Scrape the service with a ServiceMonitor (and allow the scraper in the NetworkPolicy).
   * @default - not scraped
   */
  readonly monitoring?: ScrapeOptions;
  /**
   * Spread over `topology.kubernetes.io/zone` and `kubernetes.io/hostname`.
   * @default - maxSkew 1, ScheduleAnyway
   */
  readonly topologySpread?: TopologySpreadProps;
  /**
   * Time between SIGTERM and SIGKILL, for draining in-flight requests.
   * @default Duration.seconds(30)
   */
  readonly terminationGracePeriod?: Duration;
}

/** Where a WebService answers, for clients in other namespaces (env vars and NetworkPolicy egress). */
export interface IWebServiceEndpoint {
  readonly name: string;
  readonly namespace: string;
  /** `<name>.<namespace>.svc.cluster.local` */
  readonly serviceDnsName: string;
  /** `http://<serviceDnsName>:<servicePort>` */
  readonly url: string;
  /** The pods' labels and HTTP port, for egress rules (NetworkPolicy sees pod ports, not Service ports). */
  readonly podLabels: Readonly<Record<string, string>>;
  readonly containerPort: number;
}

const DEFAULT_SCALE_UP: Required<ScalingRules> = {
  stabilizationWindow: Duration.seconds(0),
  policies: [
    { type: 'Percent', value: 100, period: Duration.minutes(1) },
    { type: 'Pods', value: 4, period: Duration.minutes(1) },
  ],
  selectPolicy: 'Max',
};

const DEFAULT_SCALE_DOWN: Required<ScalingRules> = {
  stabilizationWindow: Duration.minutes(5),
  policies: [{ type: 'Percent', value: 25, period: Duration.minutes(1) }],
  selectPolicy: 'Max',
};

/**
 * An HTTP service: Deployment (restricted security context, probes, zone spread, no `replicas`),
 * ClusterIP Service, autoscaling/v2 HPA, PodDisruptionBudget, its own ServiceAccount (IRSA optional) and
 * a default-deny NetworkPolicy; a ServiceMonitor when `monitoring` is set.
 */
export class WebService extends Construct implements IWebServiceEndpoint {
  public readonly name: string;
  public readonly namespace: string;
  public readonly serviceDnsName: string;
  public readonly url: string;
  public readonly podLabels: Readonly<Record<string, string>>;
  public readonly containerPort: number;
  public readonly servicePort: number;
  public readonly metricsPort: number;
  /** Name of the Service port that serves metrics (`http` or `metrics`). */
  public readonly metricsPortName: string;
  public readonly minReplicas: number;
  public readonly maxReplicas: number;
  public readonly targetCpuUtilizationPercent: number;

  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  public readonly horizontalPodAutoscaler: k8s.KubeHorizontalPodAutoscalerV2;
  public readonly podDisruptionBudget: k8s.KubePodDisruptionBudget;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  public readonly serviceMonitor?: ServiceMonitor;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    requireProps(this.node.path, props, { autoscaling: 'object', image: 'string', resources: 'object' });
    this.name = props.name ?? id;
    this.namespace = Chart.of(this).namespace ?? 'default';
    this.containerPort = props.port ?? 8080;
    this.servicePort = props.servicePort ?? 80;
    this.metricsPort = props.metricsPort ?? this.containerPort;
    this.metricsPortName = this.metricsPort === this.containerPort ? 'http' : 'metrics';
    const autoscaling = props.autoscaling ?? ({} as AutoscalingProps);
    this.minReplicas = autoscaling.minReplicas;
    this.maxReplicas = autoscaling.maxReplicas;
    this.targetCpuUtilizationPercent = autoscaling.targetCpuUtilizationPercent ?? 70;
    const probes = props.probes ?? {};
    const probePort = probes.port ?? this.containerPort;
    const startupTimeout = probes.startupTimeout ?? Duration.minutes(5);
    const budget = props.disruptionBudget ?? {};
    const network = props.networkPolicy ?? {};
    const spread = props.topologySpread ?? {};
    const grace = props.terminationGracePeriod ?? Duration.seconds(30);

    this.validate(props, probePort, startupTimeout, grace);

    this.serviceDnsName = `${this.name}.${this.namespace}.svc.cluster.local`;
    this.url = `http://${this.serviceDnsName}:${this.servicePort}`;
    const selector = selectorLabels(this.name);
    const labels = commonLabels(this.name, 'web-service', props.labels);
    this.podLabels = selector;
    const automount = props.automountServiceAccountToken ?? false;

    this.serviceAccount = createServiceAccount(this, 'ServiceAccount', {
      name: this.name,
      labels,
      iamRoleArn: props.iamRoleArn,
      automountToken: automount,
    });

    const ports: k8s.ContainerPort[] = [{ name: 'http', containerPort: this.containerPort, protocol: 'TCP' }];
    if (this.metricsPortName === 'metrics') ports.push({ name: 'metrics', containerPort: this.metricsPort, protocol: 'TCP' });
    const httpGet = (path: string): k8s.HttpGetAction => ({ path, port: k8s.IntOrString.fromNumber(probePort), scheme: 'HTTP' });
    const startupPeriodSeconds = 5;
    const spreadConstraint = (topologyKey: string): k8s.TopologySpreadConstraint => ({
      topologyKey,
      maxSkew: spread.maxSkew ?? 1,
      whenUnsatisfiable: spread.whenUnsatisfiable ?? 'ScheduleAnyway',
      labelSelector: { matchLabels: selector },
      // Spread each rollout's pods, not old and new together.
      matchLabelKeys: ['pod-template-hash'],
    });

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: this.name, labels },
      spec: {
        // No `replicas`: the HPA owns the count; a value here would reset it on every apply.
        selector: { matchLabels: selector },
        revisionHistoryLimit: 5,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: { labels: { ...labels } },
          spec: workloadPodSpec(props, {
            serviceAccountName: this.name,
            automountServiceAccountToken: automount,
            containerName: 'app',
            defaultTmpSize: Size.mebibytes(256),
            pod: {
              terminationGracePeriodSeconds: grace.toSeconds(),
              topologySpreadConstraints: [spreadConstraint('topology.kubernetes.io/zone'), spreadConstraint('kubernetes.io/hostname')],
            },
            container: {
              ports,
              startupProbe: {
                  httpGet: httpGet(probes.startupPath ?? '/healthz'),
                  periodSeconds: startupPeriodSeconds,
                  timeoutSeconds: 2,
                  failureThreshold: Math.max(1, Math.ceil(startupTimeout.toSeconds() / startupPeriodSeconds)),
                },
                readinessProbe: {
                  httpGet: httpGet(probes.readinessPath ?? '/readyz'),
                  periodSeconds: 10,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                },
                livenessProbe: {
                  httpGet: httpGet(probes.livenessPath ?? '/healthz'),
                  periodSeconds: 20,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                },
            },
          }),
        },
      },
    });
    acceptImmutableImageTags(this.deployment);

    const servicePorts: k8s.ServicePort[] = [
      { name: 'http', port: this.servicePort, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' },
    ];
    if (this.metricsPortName === 'metrics') {
      servicePorts.push({ name: 'metrics', port: this.metricsPort, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' });
    }
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels },
      spec: { type: 'ClusterIP', selector, ports: servicePorts },
    });

    const metrics: k8s.MetricSpecV2[] = [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: this.targetCpuUtilizationPercent } } },
    ];
    if (autoscaling.targetMemoryUtilizationPercent !== undefined) {
      metrics.push({
        type: 'Resource',
        resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: autoscaling.targetMemoryUtilizationPercent } },
      });
    }
    for (const metric of autoscaling.podsMetrics ?? []) {
      metrics.push({
        type: 'Pods',
        pods: { metric: { name: metric.name }, target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString(metric.targetAverageValue) } },
      });
    }
    this.horizontalPodAutoscaler = new k8s.KubeHorizontalPodAutoscalerV2(this, 'HorizontalPodAutoscaler', {
      metadata: { name: this.name, labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
        minReplicas: this.minReplicas,
        maxReplicas: this.maxReplicas,
        metrics,
        behavior: {
          scaleUp: renderScalingRules(autoscaling.scaleUp, DEFAULT_SCALE_UP),
          scaleDown: renderScalingRules(autoscaling.scaleDown, DEFAULT_SCALE_DOWN),
        },
      },
    });

    this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
      metadata: { name: this.name, labels },
      spec: {
        selector: { matchLabels: selector },
        ...(budget.minAvailable !== undefined
          ? { minAvailable: k8s.IntOrString.fromNumber(budget.minAvailable) }
          : { maxUnavailable: k8s.IntOrString.fromNumber(budget.maxUnavailable ?? 1) }),
        // Evict pods that never became ready even when the budget is exhausted, so drains do not hang on them.
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });

    const ingress: NetworkRule[] = (network.ingressFrom ?? []).map((peer) => ({ peer, ports: [this.containerPort] }));
    if (props.monitoring !== undefined) ingress.push({ peer: network.metricsScraper ?? DEFAULT_METRICS_SCRAPER, ports: [this.metricsPort] });
    this.networkPolicy = createWorkloadNetworkPolicy(this, 'NetworkPolicy', {
      name: this.name,
      labels,
      podSelector: selector,
      ingress,
      egress: network.egressTo ?? [],
      allowDns: network.allowDns ?? true,
    });

    if (props.monitoring !== undefined) {
      this.serviceMonitor = new ServiceMonitor(this, 'ServiceMonitor', {
        ...props.monitoring,
        name: this.name,
        namespace: this.namespace,
        serviceLabels: selector,
        portName: this.metricsPortName,
        labels,
      });
    }

    // The HPA owns the replica count: fail synthesis if anything (an escape hatch, a patch) sets it.
    this.node.addValidation({
      validate: () => {
        const spec = (ApiObject.of(this.deployment).toJson() as { spec?: { replicas?: unknown } }).spec;
        return spec?.replicas === undefined
          ? []
          : [`Deployment "${this.name}" sets spec.replicas (${String(spec.replicas)}) but HorizontalPodAutoscaler "${this.name}" scales it; remove replicas`];
      },
    });
  }

  private validate(props: WebServiceProps, probePort: number, startupTimeout: Duration, grace: Duration): void {
    const problems = new PropsProblems(this.node.path);
    checkDnsLabel(problems, 'name', this.name);
    const image = imageProblem(props.image);
    if (image) problems.add('image', image);
    checkResources(problems, 'resources', props.resources);
    checkPort(problems, 'port', this.containerPort);
    checkPort(problems, 'servicePort', this.servicePort);
    checkPort(problems, 'metricsPort', this.metricsPort);
    checkPort(problems, 'probes.port', probePort);
    checkEnv(problems, 'env', props.env);
    checkPodIdentity(problems, 'securityContext', props.securityContext);
    checkRoleArn(problems, 'iamRoleArn', props.iamRoleArn);
    checkLabels(problems, 'labels', props.labels);
    if (this.metricsPortName === 'metrics') {
      problems.check(this.metricsPort !== this.servicePort, 'metricsPort', `(${this.metricsPort}) must differ from servicePort (${this.servicePort})`);
    }
    for (const key of ['startupPath', 'readinessPath', 'livenessPath'] as const) {
      const path = props.probes?.[key];
      problems.check(path === undefined || path.startsWith('/'), `probes.${key}`, `("${path}") must start with "/"`);
    }
    problems.check(startupTimeout.toSeconds() >= 5, 'probes.startupTimeout', `(${startupTimeout.toSeconds()}s) must be at least 5 seconds`);
    problems.check(grace.toSeconds() >= 1, 'terminationGracePeriod', `(${grace.toSeconds()}s) must be at least 1 second`);

    const autoscaling = props.autoscaling;
    if (autoscaling === undefined || autoscaling === null) {
      problems.add('autoscaling', 'is required: set minReplicas and maxReplicas');
    } else {
      const { minReplicas, maxReplicas } = autoscaling;
      problems.check(Number.isInteger(minReplicas) && minReplicas >= 1, 'autoscaling.minReplicas', `(${String(minReplicas)}) must be an integer >= 1`);
      problems.check(Number.isInteger(maxReplicas) && maxReplicas >= 1, 'autoscaling.maxReplicas', `(${String(maxReplicas)}) must be an integer >= 1`);
      if (Number.isInteger(minReplicas) && Number.isInteger(maxReplicas)) {
        problems.check(minReplicas <= maxReplicas, 'autoscaling.minReplicas', `(${minReplicas}) must be <= autoscaling.maxReplicas (${maxReplicas})`);
      }
      checkIntegerInRange(problems, 'autoscaling.targetCpuUtilizationPercent', this.targetCpuUtilizationPercent, 1, 100);
      checkIntegerInRange(problems, 'autoscaling.targetMemoryUtilizationPercent', autoscaling.targetMemoryUtilizationPercent, 1, 100);
      (autoscaling.podsMetrics ?? []).forEach((metric, i) => {
        problems.check(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metric.name ?? ''), `autoscaling.podsMetrics[${i}].name`, `("${metric.name}") is not a metric name`);
        problems.check(
          /^\d+(\.\d+)?(m|k|M|G)?$/.test(metric.targetAverageValue ?? ''),
          `autoscaling.podsMetrics[${i}].targetAverageValue`,
          `("${metric.targetAverageValue}") must be a quantity such as "50" or "500m"`,
        );
      });
      checkScalingRules(problems, 'autoscaling.scaleUp', autoscaling.scaleUp);
      checkScalingRules(problems, 'autoscaling.scaleDown', autoscaling.scaleDown);

      const budget = props.disruptionBudget ?? {};
      problems.check(
        budget.minAvailable === undefined || budget.maxUnavailable === undefined,
        'disruptionBudget',
        'must give maxUnavailable or minAvailable, not both',
      );
      checkIntegerInRange(problems, 'disruptionBudget.maxUnavailable', budget.maxUnavailable, 1);
      checkIntegerInRange(problems, 'disruptionBudget.minAvailable', budget.minAvailable, 0);
      if (budget.minAvailable !== undefined && Number.isInteger(minReplicas)) {
        problems.check(
          budget.minAvailable < minReplicas,
          'disruptionBudget.minAvailable',
          `(${budget.minAvailable}) must be below autoscaling.minReplicas (${minReplicas}), or node drains block at the minimum`,
        );
      }
    }

    const network = props.networkPolicy ?? {};
    (network.ingressFrom ?? []).forEach((peer, i) => checkPeer(problems, `networkPolicy.ingressFrom[${i}]`, peer));
    checkRules(problems, 'networkPolicy.egressTo', network.egressTo);
    if (network.metricsScraper !== undefined) checkPeer(problems, 'networkPolicy.metricsScraper', network.metricsScraper);
    checkIntegerInRange(problems, 'topologySpread.maxSkew', props.topologySpread?.maxSkew, 1);
    problems.throwIfAny();
  }
}

function checkScalingRules(problems: PropsProblems, field: string, rules: ScalingRules | undefined): void {
  if (rules === undefined) return;
  const window = rules.stabilizationWindow?.toSeconds();
  problems.check(
    window === undefined || (Number.isInteger(window) && window >= 0 && window <= 3600),
    `${field}.stabilizationWindow`,
    `(${window}s) must be whole seconds between 0 and 3600`,
  );
  if (rules.policies !== undefined) {
    problems.check(rules.policies.length > 0, `${field}.policies`, 'must list at least one policy (use selectPolicy "Disabled" to turn scaling off)');
  }
  (rules.policies ?? []).forEach((policy, i) => {
    checkIntegerInRange(problems, `${field}.policies[${i}].value`, policy.value, 1);
    const period = policy.period?.toSeconds();
    problems.check(
      period !== undefined && Number.isInteger(period) && period >= 1 && period <= 1800,
      `${field}.policies[${i}].period`,
      `(${period}s) must be whole seconds between 1 and 1800`,
    );
  });
}

function renderScalingRules(rules: ScalingRules | undefined, defaults: Required<ScalingRules>): k8s.HpaScalingRulesV2 {
  return {
    stabilizationWindowSeconds: (rules?.stabilizationWindow ?? defaults.stabilizationWindow).toSeconds(),
    selectPolicy: rules?.selectPolicy ?? defaults.selectPolicy,
    policies: (rules?.policies ?? defaults.policies).map((policy) => ({
      type: policy.type,
      value: policy.value,
      periodSeconds: policy.period.toSeconds(),
    })),
  };
}
