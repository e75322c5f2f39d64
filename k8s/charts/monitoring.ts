import { Chart, type Duration } from 'cdk8s';
import type { Construct } from 'constructs';
import { dataPipelinePanels, GrafanaDashboard, PlatformAlertRules, platformOverviewPanels, type AlertThresholds } from '../monitoring';
import { checkDnsLabel, PropsProblems } from '../validation';
import { chartLabels, setUpWorkloadChart, type WorkloadChartProps } from './common';
import { requireProps } from '../../constructs/core/props';

export interface MonitoringChartProps extends WorkloadChartProps {
  /** true: urgent alerts page (`severity: page`); false: alerts are recorded only (`severity: info`). */
  readonly paging: boolean;
  /**
   * @default DEFAULT_ALERT_THRESHOLDS
   */
  readonly thresholds?: AlertThresholds;
  /**
   * The MLflow scrape target's `job` label and namespace.
   * @default { job: 'mlflow', namespace: 'mlflow' }
   */
  readonly mlflow?: { readonly job: string; readonly namespace: string };
  /**
   * Namespaces whose Jobs are data pipelines (the dashboard's failed-pods panel).
   * @default ['data-pipelines']
   */
  readonly pipelineNamespaces?: readonly string[];
  /**
   * Longest a pipeline may go without a successful run (alert and dashboard threshold).
   * @default Duration.hours(26)
   */
  readonly pipelineWindow?: Duration;
  /**
   * Namespace of kube-prometheus-stack, where Grafana's sidecar looks for dashboards.
   * @default 'monitoring'
   */
  readonly namespace?: string;
}

/** The platform's PrometheusRule and Grafana dashboards, in the monitoring namespace. */
export class MonitoringChart extends Chart {
  public readonly alertRules: PlatformAlertRules;
  public readonly dashboards: readonly GrafanaDashboard[];

  constructor(scope: Construct, id: string, props: MonitoringChartProps) {
    // Before super(): the chart's namespace and labels come from props.
    requireProps(`${scope.node.path}/${id}`, props, { paging: 'boolean', environment: 'string' });
    const namespace = props.namespace ?? 'monitoring';
    super(scope, id, { namespace, labels: chartLabels(props.environment) });
    setUpWorkloadChart(this, props);
    const problems = new PropsProblems(this.node.path);
    checkDnsLabel(problems, 'namespace', namespace);
    problems.throwIfAny();

    const mlflow = props.mlflow ?? { job: 'mlflow', namespace: 'mlflow' };
    const pipelineNamespaces = props.pipelineNamespaces ?? ['data-pipelines'];
    this.alertRules = new PlatformAlertRules(this, 'AlertRules', {
      paging: props.paging,
      thresholds: props.thresholds,
      mlflowJob: mlflow.job,
      mlflowNamespace: mlflow.namespace,
      pipelineWindow: props.pipelineWindow,
      prometheusSelectorLabels: props.prometheusSelectorLabels,
    });
    const thresholds = this.alertRules.thresholds;
    this.dashboards = [
      new GrafanaDashboard(this, 'PlatformOverview', {
        name: 'platform-overview',
        title: `MLOps platform overview (${props.environment})`,
        uid: `mlops-overview-${props.environment}`.slice(0, 40),
        folder: 'MLOps platform',
        panels: platformOverviewPanels(thresholds, mlflow),
      }),
      new GrafanaDashboard(this, 'DataPipelines', {
        name: 'data-pipelines',
        title: `Data pipelines (${props.environment})`,
        uid: `mlops-pipelines-${props.environment}`.slice(0, 40),
        folder: 'MLOps platform',
        panels: dataPipelinePanels({ window: props.pipelineWindow, namespaces: pipelineNamespaces }),
      }),
    ];
  }
}
