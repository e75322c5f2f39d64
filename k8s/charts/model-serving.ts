import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { imageUri, type ImageReference, type ResourceRequirements } from '../container';
import { checkPeer, type NetworkPeer } from '../network';
import { checkDnsLabel, isUnresolved, PropsProblems } from '../validation';
import { WebService, type AutoscalingProps, type HttpProbesProps, type IWebServiceEndpoint } from '../web-service';
import { awsApiEgress, chartLabels, setUpWorkloadChart, type WorkloadChartProps } from './common';

export interface ModelServingChartProps extends WorkloadChartProps {
  /** The model API image (ECR repository URL and an immutable tag or digest). */
  readonly image: ImageReference;
  /** MLflow model URI the API loads, e.g. `models:/churn-classifier/Production`. */
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
   * HTTP port of the model API.
   * @default 8080
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

  constructor(scope: Construct, id: string, props: ModelServingChartProps) {
    const namespace = props.namespace ?? 'model-serving';
    super(scope, id, { namespace, labels: chartLabels(props.environment) });
    setUpWorkloadChart(this, props);

    const problems = new PropsProblems(this.node.path);
    checkDnsLabel(problems, 'namespace', namespace);
    problems.check(
      isUnresolved(props.modelUri) || /^(models|runs):\/.+|^s3:\/\/.+/.test(props.modelUri ?? ''),
      'modelUri',
      `("${props.modelUri}") must be an MLflow model URI (models:/..., runs:/..., s3://...)`,
    );
    problems.check(props.mlflow !== undefined, 'mlflow', 'is required (the MLflow service endpoint)');
    (props.allowedClients ?? []).forEach((peer, i) => checkPeer(problems, `allowedClients[${i}]`, peer));
    problems.throwIfAny();

    this.service = new WebService(this, 'ModelApi', {
      name: 'model-api',
      image: imageUri(props.image),
      resources: props.resources,
      autoscaling: props.autoscaling,
      port: props.port,
      probes: props.probes,
      iamRoleArn: props.iamRoleArn,
      env: {
        MLFLOW_TRACKING_URI: props.mlflow.url,
        MODEL_URI: props.modelUri,
        HOME: '/tmp',
      },
      networkPolicy: {
        ingressFrom: props.allowedClients ?? [],
        egressTo: [
          { peer: { namespace: props.mlflow.namespace, podLabels: props.mlflow.podLabels }, ports: [props.mlflow.containerPort] },
          ...awsApiEgress(props),
        ],
      },
      monitoring: { prometheusSelectorLabels: props.prometheusSelectorLabels },
    });
  }
}
