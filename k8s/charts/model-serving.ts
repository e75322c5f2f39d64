import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { Construct } from 'constructs';
import { imageUri, type ImageReference, type ResourceRequirements } from '../container';
import { checkPeer, cidrsOverlap, type NetworkPeer } from '../network';
import { MODEL_URI_PATTERN, WORKLOAD_ENV, WORKLOAD_PATHS, WORKLOAD_PORTS } from '../contract';
import { checkCidr, checkDnsLabel, isUnresolved, PropsProblems } from '../validation';
import { WebService, type AutoscalingProps, type HttpProbesProps, type IWebServiceEndpoint } from '../web-service';
import { awsApiEgress, chartLabels, setUpWorkloadChart, type WorkloadChartProps } from './common';
import { requireProps } from '../../constructs/core/props';

/** How clients inside the network reach the model API: an internal Application Load Balancer. */
export interface ModelApiIngressProps {
  /**
   * Subnet ranges the internal load balancer runs in; it reaches the pods from there, and the API's
   * NetworkPolicy admits exactly these ranges. They must hold load balancers only.
   */
  readonly loadBalancerSubnetCidrs: readonly string[];
  /**
   * Ranges pods get their addresses from (with the VPC CNI: the nodes' subnets). None may overlap a
   * load balancer subnet: a pod there would pass the policy as if it were the load balancer.
   */
  readonly podSubnetCidrs: readonly string[];
  /** Ranges allowed to call the load balancer (the VPC, peered networks). */
  readonly clientCidrs: readonly string[];
  /**
   * ACM certificate for HTTPS on 443 (TLS 1.2+).
   * @default - HTTP on 80, reachable only inside the network
   */
  readonly certificateArn?: string;
  /**
   * Host name routed to the API.
   * @default - any host
   */
  readonly host?: string;
}

export interface ModelServingChartProps extends WorkloadChartProps {
  /** The model API image (ECR repository URL and an immutable tag or digest). */
  readonly image: ImageReference;
  /** MLflow model URI the API loads: `models:/<name>@<alias>` (e.g. `models:/churn-classifier@champion`), `models:/<name>/<version>` or `runs:/<id>/<path>`. */
  readonly modelUri: string;
  /** Replica bounds and scaling targets of the model API. */
  readonly autoscaling: AutoscalingProps;
  /** CPU and memory requests and limits of the model API. */
  readonly resources: ResourceRequirements;
  /** IRSA role with read access to the MLflow artifacts bucket. */
  readonly iamRoleArn: string;
  /** The MLflow server the API loads models from (`MlflowChart.service`). */
  readonly mlflow: IWebServiceEndpoint;
  /**
   * Who may call the model API.
   * @default [] - nobody but the metrics scraper; list the ingress controller or client namespaces
   */
  readonly allowedClients?: readonly NetworkPeer[];
  /**
   * An internal ALB in front of the API (created by the AWS Load Balancer Controller), admitted by the
   * API's NetworkPolicy from the load balancer's subnets.
   * @default - no load balancer; only `allowedClients` reach the API
   */
  readonly ingress?: ModelApiIngressProps;
  /**
   * HTTP port of the model API (passed to the app as `PORT`).
   * @default 8080 (the workload contract's ports.modelApi)
   */
  readonly port?: number;
  /**
   * @default - startup and liveness on /healthz, readiness on /readyz
   */
  readonly probes?: HttpProbesProps;
  /**
   * @default 'model-serving'
   */
  readonly namespace?: string;
}

/** The model serving API: a `WebService` that loads `modelUri` from MLflow, scaled by CPU. */
export class ModelServingChart extends Chart {
  public readonly service: WebService;
  public readonly ingress?: k8s.KubeIngress;

  constructor(scope: Construct, id: string, props: ModelServingChartProps) {
    // Before super(): the chart's namespace and labels come from props.
    requireProps(`${scope.node.path}/${id}`, props, { image: 'object', modelUri: 'string', autoscaling: 'object', resources: 'object', iamRoleArn: 'string', mlflow: 'object', environment: 'string' });
    const namespace = props.namespace ?? 'model-serving';
    super(scope, id, { namespace, labels: chartLabels(props.environment) });
    setUpWorkloadChart(this, props);

    const problems = new PropsProblems(this.node.path);
    checkDnsLabel(problems, 'namespace', namespace);
    problems.check(
      isUnresolved(props.modelUri) || MODEL_URI_PATTERN.test(props.modelUri ?? ''),
      'modelUri',
      `("${props.modelUri}") must be models:/<name>@<alias>, models:/<name>/<version> or runs:/<run id>/<path> (what the model API loads)`,
    );
    problems.check(props.mlflow !== undefined, 'mlflow', 'is required (the MLflow service endpoint)');
    (props.allowedClients ?? []).forEach((peer, i) => checkPeer(problems, `allowedClients[${i}]`, peer));
    if (props.ingress) {
      problems.check(props.ingress.loadBalancerSubnetCidrs.length > 0, 'ingress.loadBalancerSubnetCidrs', 'must list the load balancer subnets');
      problems.check(props.ingress.clientCidrs.length > 0, 'ingress.clientCidrs', 'must list who may call the load balancer');
      props.ingress.loadBalancerSubnetCidrs.forEach((cidr, i) => checkCidr(problems, `ingress.loadBalancerSubnetCidrs[${i}]`, cidr));
      props.ingress.clientCidrs.forEach((cidr, i) => checkCidr(problems, `ingress.clientCidrs[${i}]`, cidr));
      problems.check(Array.isArray(props.ingress.podSubnetCidrs) && props.ingress.podSubnetCidrs.length > 0, 'ingress.podSubnetCidrs', 'must list the subnets pods get addresses from');
      (props.ingress.podSubnetCidrs ?? []).forEach((cidr, i) => checkCidr(problems, `ingress.podSubnetCidrs[${i}]`, cidr));
      props.ingress.loadBalancerSubnetCidrs.forEach((lb, i) => {
        const shared = (props.ingress!.podSubnetCidrs ?? []).find((pod) => cidrsOverlap(lb, pod));
        problems.check(
          shared === undefined,
          `ingress.loadBalancerSubnetCidrs[${i}]`,
          `("${lb}") overlaps the pod subnet ${shared}: every pod there would be admitted as the load balancer; give load balancers subnets of their own`,
        );
      });
      const certificate = props.ingress.certificateArn;
      problems.check(
        certificate === undefined || isUnresolved(certificate) || /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/.test(certificate),
        'ingress.certificateArn',
        `("${certificate}") must be an ACM certificate ARN`,
      );
    }
    problems.throwIfAny();
    const port = props.port ?? WORKLOAD_PORTS.modelApi;
    const loadBalancerPeers: NetworkPeer[] = (props.ingress?.loadBalancerSubnetCidrs ?? []).map((cidr) => ({ cidr }));

    this.service = new WebService(this, 'ModelApi', {
      name: 'model-api',
      image: imageUri(props.image),
      resources: props.resources,
      autoscaling: props.autoscaling,
      port,
      probes: props.probes ?? { startupPath: WORKLOAD_PATHS.health, readinessPath: WORKLOAD_PATHS.ready, livenessPath: WORKLOAD_PATHS.health },
      iamRoleArn: props.iamRoleArn,
      // Names from the workload contract, which the app reads (workloads/model-api/src/model_api/config.py).
      env: {
        [WORKLOAD_ENV.mlflowTrackingUri]: props.mlflow.url,
        [WORKLOAD_ENV.modelUri]: props.modelUri,
        [WORKLOAD_ENV.port]: String(port),
        // MLflow writes its caches under HOME and downloads the model to TMPDIR: both on the /tmp emptyDir.
        HOME: '/tmp',
        TMPDIR: '/tmp',
      },
      networkPolicy: {
        ingressFrom: [...(props.allowedClients ?? []), ...loadBalancerPeers],
        egressTo: [
          { peer: { namespace: props.mlflow.namespace, podLabels: props.mlflow.podLabels }, ports: [props.mlflow.containerPort] },
          ...awsApiEgress(props),
        ],
      },
      monitoring: { prometheusSelectorLabels: props.prometheusSelectorLabels },
    });
    if (props.ingress) this.ingress = this.modelApiIngress(props.ingress, props.probes?.readinessPath ?? WORKLOAD_PATHS.ready);
  }

  private modelApiIngress(ingress: ModelApiIngressProps, healthPath: string): k8s.KubeIngress {
    const https = ingress.certificateArn !== undefined;
    return new k8s.KubeIngress(this, 'Ingress', {
      metadata: {
        name: this.service.name,
        annotations: {
          'alb.ingress.kubernetes.io/scheme': 'internal',
          // Straight to the pod IPs: no extra hop through node ports.
          'alb.ingress.kubernetes.io/target-type': 'ip',
          'alb.ingress.kubernetes.io/inbound-cidrs': ingress.clientCidrs.join(','),
          'alb.ingress.kubernetes.io/healthcheck-path': healthPath,
          'alb.ingress.kubernetes.io/listen-ports': JSON.stringify(https ? [{ HTTPS: 443 }] : [{ HTTP: 80 }]),
          ...(https
            ? {
                'alb.ingress.kubernetes.io/certificate-arn': ingress.certificateArn!,
                'alb.ingress.kubernetes.io/ssl-policy': 'ELBSecurityPolicy-TLS13-1-2-2021-06',
              }
            : {}),
        },
      },
      spec: {
        ingressClassName: 'alb',
        rules: [
          {
            host: ingress.host,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: this.service.name, port: { number: this.service.servicePort } } },
                },
              ],
            },
          },
        ],
      },
    });
  }
}
