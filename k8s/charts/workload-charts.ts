import type { App, Chart } from 'cdk8s';
import type { ImageReference, ResourceRequirements } from '../container';
import type { AlertThresholds } from '../monitoring';
import type { NetworkPeer } from '../network';
import type { AutoscalingProps } from '../web-service';
import { DataValidationChart } from './data-validation';
import { MlflowChart, type MlflowDatabaseProps } from './mlflow';
import { ModelServingChart, type ModelApiIngressProps } from './model-serving';
import { MonitoringChart } from './monitoring';

/** A web workload's image, scaling and size. */
export interface WebWorkloadProps {
  readonly image: ImageReference;
  readonly autoscaling: AutoscalingProps;
  readonly resources: ResourceRequirements;
  /** IRSA role of the workload. */
  readonly iamRoleArn: string;
}

/** Everything one environment's workload charts need; AWS values come from the data and cluster layers. */
export interface WorkloadChartsProps {
  /** Environment name (`dev`, `staging`, `prod`). */
  readonly environment: string;
  readonly modelServing: WebWorkloadProps & {
    /** MLflow model URI, e.g. `models:/churn-classifier@champion`. */
    readonly modelUri: string;
    /**
     * Who may call the model API.
     * @default [] - nobody but the metrics scraper
     */
    readonly allowedClients?: readonly NetworkPeer[];
    /**
     * An internal ALB in front of the model API.
     * @default - none
     */
    readonly ingress?: ModelApiIngressProps;
  };
  readonly mlflow: WebWorkloadProps & {
    readonly artifactsBucketName: string;
    /** RDS endpoint, port, database name, managed secret ARN and database subnet ranges. */
    readonly database: MlflowDatabaseProps;
    /**
     * Namespaces (besides model serving) whose pods may call MLflow.
     * @default ['airflow']
     */
    readonly extraClientNamespaces?: readonly string[];
  };
  readonly dataValidation: {
    readonly image: ImageReference;
    /** Cron schedule, 5 fields. */
    readonly schedule: string;
    /**
     * @default - UTC
     */
    readonly timeZone?: string;
    readonly resources: ResourceRequirements;
    readonly iamRoleArn: string;
    readonly rawBucketName: string;
    readonly processedBucketName: string;
  };
  readonly monitoring: {
    /** true in production: urgent alerts page. */
    readonly paging: boolean;
    /**
     * @default DEFAULT_ALERT_THRESHOLDS
     */
    readonly thresholds?: AlertThresholds;
    /**
     * Create the `monitoring` Namespace; turn off when the kube-prometheus-stack release creates it.
     * @default true
     */
    readonly createNamespace?: boolean;
  };
  /**
   * Ranges the workloads may reach on TCP 443 for AWS APIs.
   * @default ['0.0.0.0/0']
   */
  readonly awsApiEgressCidrs?: readonly string[];
  /**
   * Labels kube-prometheus-stack selects monitors and rules by.
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly prometheusSelectorLabels?: Readonly<Record<string, string>>;
}

/** The charts of one environment, by purpose; `buildWorkloadCharts` returns them as a list. */
export interface WorkloadCharts {
  readonly mlflow: MlflowChart;
  readonly modelServing: ModelServingChart;
  readonly dataValidation: DataValidationChart;
  readonly monitoring: MonitoringChart;
}

/** Builds the four charts of one environment into `app` and returns them by purpose. */
export function buildWorkloadChartSet(app: App, props: WorkloadChartsProps): WorkloadCharts {
  const common = {
    environment: props.environment,
    awsApiEgressCidrs: props.awsApiEgressCidrs,
    prometheusSelectorLabels: props.prometheusSelectorLabels,
  };
  const modelServingNamespace = 'model-serving';
  const mlflow = new MlflowChart(app, 'mlflow', {
    ...common,
    ...props.mlflow,
    clientNamespaces: [modelServingNamespace, ...(props.mlflow.extraClientNamespaces ?? ['airflow'])],
  });
  const modelServing = new ModelServingChart(app, 'model-serving', {
    ...common,
    ...props.modelServing,
    namespace: modelServingNamespace,
    mlflow: mlflow.service,
  });
  const dataValidation = new DataValidationChart(app, 'data-validation', { ...common, ...props.dataValidation });
  const monitoring = new MonitoringChart(app, 'monitoring', {
    ...common,
    paging: props.monitoring.paging,
    thresholds: props.monitoring.thresholds,
    createNamespace: props.monitoring.createNamespace,
    mlflow: { job: mlflow.service.name, namespace: mlflow.service.namespace },
    pipelineNamespaces: [dataValidation.job.namespace],
  });
  return { mlflow, modelServing, dataValidation, monitoring };
}

/**
 * Builds the four workload charts of one environment (MLflow, model serving, data validation,
 * monitoring) into `app`. Use one App per environment: chart ids are the same in every environment,
 * so `app.synth()` with `outdir: dist/k8s/<env>` writes `mlflow.k8s.yaml`, `model-serving.k8s.yaml`, ...
 */
export function buildWorkloadCharts(app: App, props: WorkloadChartsProps): Chart[] {
  const charts = buildWorkloadChartSet(app, props);
  return [charts.mlflow, charts.modelServing, charts.dataValidation, charts.monitoring];
}
