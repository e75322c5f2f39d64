import { Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { KubePodMonitor, KubePrometheusRule, KubeServiceMonitor, type PrometheusRuleEntry, type PrometheusRuleGroup } from './imports/prometheus-operator';
import { METRICS, promDuration, QUERIES } from './platform-metrics';
import { checkDnsLabel, checkLabels, PropsProblems } from './validation';
import { requireProps } from '../constructs/core/props';

/** The label kube-prometheus-stack's Prometheus selects ServiceMonitors, PodMonitors and PrometheusRules by. */
export const DEFAULT_PROMETHEUS_SELECTOR_LABELS: Readonly<Record<string, string>> = { release: 'kube-prometheus-stack' };

/** The label Grafana's dashboard sidecar (kube-prometheus-stack default) loads ConfigMaps by. */
export const DEFAULT_GRAFANA_DASHBOARD_LABELS: Readonly<Record<string, string>> = { grafana_dashboard: '1' };

// ---------------------------------------------------------------------------------------------------
// Scraping

/** How a workload opts into Prometheus scraping (the `monitoring` prop of `WebService` and `ScheduledJob`). */
export interface ScrapeOptions {
  /**
   * Labels the Prometheus instance selects monitors by.
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly prometheusSelectorLabels?: Readonly<Record<string, string>>;
  /**
   * Scrape interval.
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
  /**
   * HTTP path of the metrics endpoint.
   * @default '/metrics'
   */
  readonly path?: string;
}

function checkScrape(problems: PropsProblems, field: string, options: ScrapeOptions): void {
  checkLabels(problems, `${field}.prometheusSelectorLabels`, options.prometheusSelectorLabels);
  const seconds = options.interval?.toSeconds();
  problems.check(seconds === undefined || (seconds >= 5 && seconds <= 600), `${field}.interval`, `(${seconds}s) must be between 5s and 600s`);
  problems.check(options.path === undefined || options.path.startsWith('/'), `${field}.path`, `("${options.path}") must start with "/"`);
}

export interface ServiceMonitorProps extends ScrapeOptions {
  /** Name of the ServiceMonitor (the Service's name is a good choice). */
  readonly name: string;
  /** Namespace of the Service. */
  readonly namespace: string;
  /** Labels of the Service to scrape. */
  readonly serviceLabels: Readonly<Record<string, string>>;
  /** Name of the Service port serving metrics. */
  readonly portName: string;
  /**
   * Further labels on the ServiceMonitor.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A prometheus-operator ServiceMonitor that scrapes one named port of the Services with some labels. */
export class ServiceMonitor extends Construct {
  public readonly resource: KubeServiceMonitor;

  constructor(scope: Construct, id: string, props: ServiceMonitorProps) {
    super(scope, id);
    requireProps(this.node.path, props, { name: 'string', namespace: 'string', serviceLabels: 'object', portName: 'string' });
    const problems = new PropsProblems(this.node.path);
    checkDnsLabel(problems, 'name', props.name);
    checkScrape(problems, 'monitoring', props);
    problems.check(Object.keys(props.serviceLabels ?? {}).length > 0, 'serviceLabels', 'must not be empty (it would select every Service)');
    problems.throwIfAny();
    const interval = promDuration((props.interval ?? Duration.seconds(30)).toSeconds());
    this.resource = new KubeServiceMonitor(this, 'Resource', {
      metadata: { name: props.name, labels: { ...props.labels, ...(props.prometheusSelectorLabels ?? DEFAULT_PROMETHEUS_SELECTOR_LABELS) } },
      spec: {
        selector: { matchLabels: { ...props.serviceLabels } },
        namespaceSelector: { matchNames: [props.namespace] },
        endpoints: [{ port: props.portName, path: props.path ?? '/metrics', interval, scheme: 'http' }],
      },
    });
  }
}

export interface PodMonitorProps extends ScrapeOptions {
  /** Name of the PodMonitor. */
  readonly name: string;
  /** Namespace of the PodMonitor and of the pods it selects. */
  readonly namespace: string;
  /** Labels of the pods to scrape. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Name of the container port serving metrics. */
  readonly portName: string;
  /**
   * Further labels on the PodMonitor.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A prometheus-operator PodMonitor: scrapes pods directly, for workloads without a Service (jobs). */
export class PodMonitor extends Construct {
  public readonly resource: KubePodMonitor;

  constructor(scope: Construct, id: string, props: PodMonitorProps) {
    super(scope, id);
    requireProps(this.node.path, props, { name: 'string', namespace: 'string', podLabels: 'object', portName: 'string' });
    const problems = new PropsProblems(this.node.path);
    checkDnsLabel(problems, 'name', props.name);
    checkScrape(problems, 'monitoring', props);
    problems.check(Object.keys(props.podLabels ?? {}).length > 0, 'podLabels', 'must not be empty (it would select every pod)');
    problems.throwIfAny();
    const interval = promDuration((props.interval ?? Duration.seconds(30)).toSeconds());
    this.resource = new KubePodMonitor(this, 'Resource', {
      metadata: { name: props.name, labels: { ...props.labels, ...(props.prometheusSelectorLabels ?? DEFAULT_PROMETHEUS_SELECTOR_LABELS) } },
      spec: {
        selector: { matchLabels: { ...props.podLabels } },
        namespaceSelector: { matchNames: [props.namespace] },
        podMetricsEndpoints: [{ port: props.portName, path: props.path ?? '/metrics', interval, scheme: 'http' }],
      },
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// Alert rules

/** Alert thresholds; the names match `observability.thresholds` of an environment's config. */
export interface AlertThresholds {
  /**
   * Node and container CPU use, percent (of the node's CPUs; of the container's limit).
   * @default 85
   */
  readonly cpuSaturationPercent?: number;
  /**
   * Node and container memory use, percent (of the node's memory; of the container's limit).
   * @default 90
   */
  readonly memorySaturationPercent?: number;
  /**
   * 95th percentile API latency per service, seconds.
   * @default 0.5
   */
  readonly apiLatencyP95Seconds?: number;
  /**
   * Share of 5xx responses per service, percent.
   * @default 1
   */
  readonly apiErrorRatePercent?: number;
  /**
   * 95th percentile MLflow request latency, seconds; higher than the model API's because artifact uploads
   * and downloads are proxied through the server and MLflow's metrics do not tell them apart by path.
   * @default 2
   */
  readonly mlflowLatencyP95Seconds?: number;
  /**
   * Drop of the records a pipeline's last run processed, against its last run a day earlier, percent.
   * @default 50
   */
  readonly recordVolumeDropPercent?: number;
}

export const DEFAULT_ALERT_THRESHOLDS: Required<AlertThresholds> = {
  cpuSaturationPercent: 85,
  memorySaturationPercent: 90,
  apiLatencyP95Seconds: 0.5,
  apiErrorRatePercent: 1,
  mlflowLatencyP95Seconds: 2,
  recordVolumeDropPercent: 50,
};

export interface PlatformAlertRulesProps {
  /**
   * true (production): urgent alerts carry `severity: page` and the rest `severity: warning`.
   * false: every alert carries `severity: info`, which Alertmanager routes to no receiver (recorded only).
   */
  readonly paging: boolean;
  /**
   * @default DEFAULT_ALERT_THRESHOLDS
   */
  readonly thresholds?: AlertThresholds;
  /**
   * Name of the PrometheusRule.
   * @default 'platform-alerts'
   */
  readonly name?: string;
  /**
   * `job` label of the MLflow scrape target (the MLflow Service's name).
   * @default 'mlflow'
   */
  readonly mlflowJob?: string;
  /**
   * Namespace MLflow runs in.
   * @default 'mlflow'
   */
  readonly mlflowNamespace?: string;
  /**
   * Longest a pipeline may go without a successful run before `PipelineNoRecentSuccess` fires: longer than
   * the longest schedule interval (the pipelines run daily).
   * @default Duration.hours(26)
   */
  readonly pipelineWindow?: Duration;
  /**
   * Labels the Prometheus instance selects rules by.
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly prometheusSelectorLabels?: Readonly<Record<string, string>>;
}

/** Default of `pipelineWindow`: a daily pipeline plus two hours' slack. */
export const DEFAULT_PIPELINE_WINDOW = Duration.hours(26);

/** The signals `PlatformAlertRules` alerts on, one alert each. */
export const PLATFORM_ALERTS = {
  nodeCpu: 'NodeCpuSaturated',
  nodeMemory: 'NodeMemorySaturated',
  podCpu: 'ContainerCpuNearLimit',
  podMemory: 'ContainerMemoryNearLimit',
  apiLatency: 'ApiLatencyP95High',
  apiErrors: 'ApiErrorRateHigh',
  modelNotLoaded: 'ModelNotLoaded',
  modelLoadFailing: 'ModelLoadFailing',
  modelPredictionErrors: 'ModelPredictionErrors',
  pipelineVolume: 'PipelineRecordVolumeDropped',
  pipelineStale: 'PipelineNoRecentSuccess',
  pipelineJobFailed: 'PipelineJobFailed',
  mlflowDown: 'MlflowUnavailable',
  mlflowLatency: 'MlflowLatencyP95High',
  mlflowErrors: 'MlflowErrorRateHigh',
} as const;

type Urgency = 'page' | 'ticket';

/**
 * A PrometheusRule with the platform's alerts: node and container saturation, API latency and errors,
 * pipeline volume and failures, MLflow availability. Severity follows `paging`.
 */
export class PlatformAlertRules extends Construct {
  public readonly resource: KubePrometheusRule;
  /** The resolved thresholds. */
  public readonly thresholds: Required<AlertThresholds>;
  public readonly groups: readonly PrometheusRuleGroup[];

  constructor(scope: Construct, id: string, props: PlatformAlertRulesProps) {
    super(scope, id);
    requireProps(this.node.path, props, { paging: 'boolean' });
    const t: Required<AlertThresholds> = { ...DEFAULT_ALERT_THRESHOLDS };
    for (const [key, value] of Object.entries(props.thresholds ?? {})) {
      if (key in DEFAULT_ALERT_THRESHOLDS && value !== undefined) (t as Record<string, number>)[key] = value as number;
    }
    this.thresholds = t;
    const name = props.name ?? 'platform-alerts';
    const mlflowJob = props.mlflowJob ?? 'mlflow';
    const mlflowNamespace = props.mlflowNamespace ?? 'mlflow';
    const pipelineWindow = props.pipelineWindow ?? DEFAULT_PIPELINE_WINDOW;

    const problems = new PropsProblems(this.node.path);
    checkDnsLabel(problems, 'name', name);
    problems.check(typeof props.paging === 'boolean', 'paging', `(${String(props.paging)}) must be true or false`);
    for (const key of ['cpuSaturationPercent', 'memorySaturationPercent', 'apiErrorRatePercent', 'recordVolumeDropPercent'] as const) {
      problems.check(t[key] > 0 && t[key] <= 100, `thresholds.${key}`, `(${t[key]}) must be a percentage above 0 and at most 100`);
    }
    problems.check(t.apiLatencyP95Seconds > 0, 'thresholds.apiLatencyP95Seconds', `(${t.apiLatencyP95Seconds}) must be positive`);
    problems.check(t.mlflowLatencyP95Seconds > 0, 'thresholds.mlflowLatencyP95Seconds', `(${t.mlflowLatencyP95Seconds}) must be positive`);
    checkDnsLabel(problems, 'mlflowNamespace', mlflowNamespace);
    problems.check(pipelineWindow.toSeconds() >= 300, 'pipelineWindow', `(${pipelineWindow.toSeconds()}s) must be at least 5 minutes`);
    checkLabels(problems, 'prometheusSelectorLabels', props.prometheusSelectorLabels);
    problems.throwIfAny();

    const severity = (urgency: Urgency): string => (!props.paging ? 'info' : urgency === 'page' ? 'page' : 'warning');
    const alert = (
      alertName: string,
      expr: string,
      forDuration: string,
      urgency: Urgency,
      summary: string,
      description: string,
    ): PrometheusRuleEntry => ({
      alert: alertName,
      expr,
      for: forDuration,
      labels: { severity: severity(urgency), team: 'platform' },
      annotations: { summary, description },
    });
    const keepDrop = (100 - t.recordVolumeDropPercent) / 100;

    this.groups = [
      {
        name: 'platform.nodes',
        rules: [
          alert(PLATFORM_ALERTS.nodeCpu, `${QUERIES.nodeCpuUtilizationPercent()} > ${t.cpuSaturationPercent}`, '15m', 'ticket',
            'Node {{ $labels.instance }} CPU is saturated',
            `CPU of node {{ $labels.instance }} has been above ${t.cpuSaturationPercent}% for 15 minutes ({{ $value | humanize }}%).`),
          alert(PLATFORM_ALERTS.nodeMemory, `${QUERIES.nodeMemoryUtilizationPercent()} > ${t.memorySaturationPercent}`, '15m', 'page',
            'Node {{ $labels.instance }} memory is saturated',
            `Memory of node {{ $labels.instance }} has been above ${t.memorySaturationPercent}% for 15 minutes ({{ $value | humanize }}%); pods will be evicted.`),
        ],
      },
      {
        name: 'platform.pods',
        rules: [
          alert(PLATFORM_ALERTS.podCpu, `${QUERIES.podCpuOfLimitPercent()} > ${t.cpuSaturationPercent}`, '15m', 'ticket',
            'Container {{ $labels.namespace }}/{{ $labels.pod }}/{{ $labels.container }} is near its CPU limit',
            `CPU use has been above ${t.cpuSaturationPercent}% of the limit for 15 minutes ({{ $value | humanize }}%); it is being throttled.`),
          alert(PLATFORM_ALERTS.podMemory, `${QUERIES.podMemoryOfLimitPercent()} > ${t.memorySaturationPercent}`, '10m', 'ticket',
            'Container {{ $labels.namespace }}/{{ $labels.pod }}/{{ $labels.container }} is near its memory limit',
            `Working set has been above ${t.memorySaturationPercent}% of the limit for 10 minutes ({{ $value | humanize }}%); it will be OOM-killed at 100%.`),
        ],
      },
      {
        name: 'platform.api',
        rules: [
          alert(PLATFORM_ALERTS.apiLatency, `${QUERIES.apiLatencyP95Seconds()} > ${t.apiLatencyP95Seconds}`, '10m', 'page',
            'Service {{ $labels.service }} p95 latency is high',
            `95th percentile latency of {{ $labels.service }} has been above ${t.apiLatencyP95Seconds}s for 10 minutes ({{ $value | humanizeDuration }}).`),
          alert(PLATFORM_ALERTS.apiErrors, `${QUERIES.apiErrorRatePercent()} > ${t.apiErrorRatePercent}`, '10m', 'page',
            'Service {{ $labels.service }} answers with 5xx errors',
            `{{ $value | humanize }}% of requests to {{ $labels.service }} failed with 5xx over 10 minutes (threshold ${t.apiErrorRatePercent}%).`),
          // The model API counts every failure: a load that failed (retried with backoff), a pod still without
          // its model, and a prediction that raised (also a 500 in ApiErrorRateHigh).
          alert(PLATFORM_ALERTS.modelNotLoaded, QUERIES.modelNotLoaded(), '15m', 'page',
            'Model API pod {{ $labels.namespace }}/{{ $labels.pod }} has not loaded {{ $labels.model }}',
            'The pod has been up for 15 minutes without its model (it stays not-ready); see its /readyz for the last load error.'),
          alert(PLATFORM_ALERTS.modelLoadFailing, `${QUERIES.modelLoadFailures('15m')} > 0`, '0m', 'ticket',
            'Loading model {{ $labels.model }} fails in {{ $labels.namespace }}/{{ $labels.pod }}',
            '{{ $value | humanize }} failed attempts to load the model from MLflow in 15 minutes (registry unreachable, alias missing, or an unservable signature).'),
          alert(PLATFORM_ALERTS.modelPredictionErrors, `${QUERIES.modelPredictionErrorRate()} > 0`, '10m', 'ticket',
            'Model {{ $labels.model }} predictions are failing',
            'Prediction calls have raised for 10 minutes ({{ $value | humanize }}/s): a model or feature bug, answered with 500.'),
        ],
      },
      {
        name: 'platform.pipelines',
        // Written against the gauges every run pushes (see platform-metrics.ts): each holds until the next
        // run replaces it, so these fire on the last run's outcome and clear with the next good run.
        rules: [
          alert(
            PLATFORM_ALERTS.pipelineVolume,
            `${QUERIES.pipelineLastRunRecords()} < ${keepDrop} * ${QUERIES.pipelineLastRunRecords('1d')}`,
            '30m', 'ticket',
            'Pipeline {{ $labels.pipeline }} processed far fewer records than a day earlier',
            `The last run of {{ $labels.pipeline }} processed {{ $value | humanize }} records, more than ${t.recordVolumeDropPercent}% fewer than its last run a day earlier.`,
          ),
          alert(
            PLATFORM_ALERTS.pipelineStale,
            `${QUERIES.pipelineSecondsSinceSuccess()} > ${pipelineWindow.toSeconds()}`,
            '0m', 'ticket',
            'Pipeline {{ $labels.pipeline }} has not succeeded recently',
            `{{ $labels.pipeline }} last succeeded {{ $value | humanizeDuration }} ago (limit ${promDuration(pipelineWindow.toSeconds())}): its runs fail or do not start.`,
          ),
          alert(
            PLATFORM_ALERTS.pipelineJobFailed,
            QUERIES.pipelineFailing(),
            '0m', 'ticket',
            'The last run of pipeline {{ $labels.pipeline }} failed',
            'The last run of a data pipeline failed (for data-validation: checks failed, named in its report and log, or the run crashed). It resolves when a later run succeeds.',
          ),
        ],
      },
      {
        name: 'platform.mlflow',
        rules: [
          alert(
            PLATFORM_ALERTS.mlflowDown,
            `(${QUERIES.targetsUp(mlflowJob, mlflowNamespace)} or vector(0)) < 1`,
            '5m', 'page',
            'MLflow tracking server is unavailable',
            `No MLflow target (job="${mlflowJob}", namespace="${mlflowNamespace}") has answered a scrape for 5 minutes; model registry and tracking are down.`,
          ),
          // MLflow's own series (mlflow_http_request_*), not the model API's http_request_*.
          alert(
            PLATFORM_ALERTS.mlflowLatency,
            `${QUERIES.apiLatencyP95Seconds(METRICS.mlflowRequestDurationBucket)} > ${t.mlflowLatencyP95Seconds}`,
            '15m', 'ticket',
            'MLflow p95 latency is high',
            `95th percentile latency of MLflow ({{ $labels.service }}) has been above ${t.mlflowLatencyP95Seconds}s for 15 minutes ({{ $value | humanizeDuration }}).`,
          ),
          alert(
            PLATFORM_ALERTS.mlflowErrors,
            `${QUERIES.apiErrorRatePercent(METRICS.mlflowRequests)} > ${t.apiErrorRatePercent}`,
            '10m', 'page',
            'MLflow answers with 5xx errors',
            `{{ $value | humanize }}% of requests to MLflow ({{ $labels.service }}) failed with 5xx over 10 minutes (threshold ${t.apiErrorRatePercent}%); training and model loads fail.`,
          ),
        ],
      },
    ];

    this.resource = new KubePrometheusRule(this, 'Resource', {
      metadata: { name, labels: { ...(props.prometheusSelectorLabels ?? DEFAULT_PROMETHEUS_SELECTOR_LABELS) } },
      spec: { groups: this.groups.map((group) => ({ ...group, rules: [...group.rules] })) },
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// Dashboards

/** One time-series panel; `queries` are PromQL built from `QUERIES`. */
export interface DashboardPanel {
  readonly title: string;
  readonly queries: readonly { readonly expr: string; readonly legend: string }[];
  /** Grafana unit id, e.g. `percent`, `s`, `short`. */
  readonly unit: string;
  /**
   * A threshold line drawn in red.
   * @default - none
   */
  readonly threshold?: number;
}

export interface GrafanaDashboardProps {
  /** Name of the ConfigMap (and the JSON file in it). */
  readonly name: string;
  /** Title shown in Grafana. */
  readonly title: string;
  /** Stable dashboard uid; links and bookmarks use it. */
  readonly uid: string;
  /** Panels, top to bottom; each query should use the exported metric names (`QUERIES`). */
  readonly panels: readonly DashboardPanel[];
  /**
   * Grafana folder, set through the sidecar's `grafana_folder` annotation.
   * @default - the sidecar's default folder
   */
  readonly folder?: string;
  /**
   * Labels the Grafana dashboard sidecar loads ConfigMaps by.
   * @default { grafana_dashboard: '1' }
   */
  readonly sidecarLabels?: Readonly<Record<string, string>>;
  /**
   * Tags shown in Grafana's dashboard list.
   * @default ['mlops-platform']
   */
  readonly tags?: readonly string[];
}

/** A Grafana dashboard as a ConfigMap that kube-prometheus-stack's Grafana sidecar loads. */
export class GrafanaDashboard extends Construct {
  public readonly resource: k8s.KubeConfigMap;
  /** The dashboard model written into the ConfigMap. */
  public readonly dashboard: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    requireProps(this.node.path, props, { name: 'string', title: 'string', uid: 'string', panels: 'array' });
    const problems = new PropsProblems(this.node.path);
    checkDnsLabel(problems, 'name', props.name);
    problems.check(/^[A-Za-z0-9_-]{1,40}$/.test(props.uid ?? ''), 'uid', `("${props.uid}") must be 1-40 letters, digits, "-" or "_"`);
    problems.check((props.panels ?? []).length > 0, 'panels', 'must list at least one panel');
    props.panels?.forEach((panel, i) => problems.check(panel.queries.length > 0, `panels[${i}].queries`, 'must list at least one query'));
    checkLabels(problems, 'sidecarLabels', props.sidecarLabels);
    problems.throwIfAny();

    const width = 12;
    const height = 8;
    this.dashboard = {
      uid: props.uid,
      title: props.title,
      tags: [...(props.tags ?? ['mlops-platform'])],
      timezone: 'utc',
      schemaVersion: 39,
      version: 1,
      editable: false,
      refresh: '1m',
      time: { from: 'now-6h', to: 'now' },
      templating: {
        list: [{ name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0 }],
      },
      panels: props.panels.map((panel, i) => ({
        id: i + 1,
        type: 'timeseries',
        title: panel.title,
        datasource: { type: 'prometheus', uid: '${datasource}' },
        gridPos: { x: (i % 2) * width, y: Math.floor(i / 2) * height, w: width, h: height },
        fieldConfig: {
          defaults: {
            unit: panel.unit,
            thresholds: {
              mode: 'absolute',
              steps: [{ color: 'green', value: null }, ...(panel.threshold !== undefined ? [{ color: 'red', value: panel.threshold }] : [])],
            },
            custom: { thresholdsStyle: { mode: panel.threshold !== undefined ? 'line' : 'off' } },
          },
          overrides: [],
        },
        options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
        targets: panel.queries.map((query, j) => ({
          refId: String.fromCharCode(65 + j),
          datasource: { type: 'prometheus', uid: '${datasource}' },
          expr: query.expr,
          legendFormat: query.legend,
        })),
      })),
    };

    this.resource = new k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: { ...(props.sidecarLabels ?? DEFAULT_GRAFANA_DASHBOARD_LABELS) },
        annotations: props.folder !== undefined ? { grafana_folder: props.folder } : undefined,
      },
      data: { [`${props.name}.json`]: JSON.stringify(this.dashboard, null, 2) },
    });
  }
}

/** Panels of the platform overview: the signals of `PlatformAlertRules`, with their thresholds. */
export function platformOverviewPanels(
  thresholds: AlertThresholds = {},
  mlflow: { readonly job?: string; readonly namespace?: string } = {},
): DashboardPanel[] {
  const t = { ...DEFAULT_ALERT_THRESHOLDS, ...thresholds };
  return [
    { title: 'Node CPU use', unit: 'percent', threshold: t.cpuSaturationPercent, queries: [{ expr: QUERIES.nodeCpuUtilizationPercent(), legend: '{{instance}}' }] },
    { title: 'Node memory use', unit: 'percent', threshold: t.memorySaturationPercent, queries: [{ expr: QUERIES.nodeMemoryUtilizationPercent(), legend: '{{instance}}' }] },
    { title: 'Container CPU of limit', unit: 'percent', threshold: t.cpuSaturationPercent, queries: [{ expr: QUERIES.podCpuOfLimitPercent(), legend: '{{namespace}}/{{pod}}/{{container}}' }] },
    { title: 'Container memory of limit', unit: 'percent', threshold: t.memorySaturationPercent, queries: [{ expr: QUERIES.podMemoryOfLimitPercent(), legend: '{{namespace}}/{{pod}}/{{container}}' }] },
    { title: 'API latency p95', unit: 's', threshold: t.apiLatencyP95Seconds, queries: [{ expr: QUERIES.apiLatencyP95Seconds(), legend: '{{service}}' }] },
    { title: 'API 5xx error rate', unit: 'percent', threshold: t.apiErrorRatePercent, queries: [{ expr: QUERIES.apiErrorRatePercent(), legend: '{{service}}' }] },
    { title: 'Model API pods without their model', unit: 'short', queries: [{ expr: QUERIES.modelNotLoaded(), legend: '{{namespace}}/{{pod}}' }] },
    { title: 'Model load failures (15m)', unit: 'short', queries: [{ expr: QUERIES.modelLoadFailures('15m'), legend: '{{namespace}}/{{pod}}' }] },
    { title: 'Model prediction errors', unit: 'reqps', queries: [{ expr: QUERIES.modelPredictionErrorRate(), legend: '{{namespace}} {{model}}' }] },
    { title: 'MLflow latency p95', unit: 's', threshold: t.mlflowLatencyP95Seconds, queries: [{ expr: QUERIES.apiLatencyP95Seconds(METRICS.mlflowRequestDurationBucket), legend: '{{service}}' }] },
    { title: 'MLflow 5xx error rate', unit: 'percent', threshold: t.apiErrorRatePercent, queries: [{ expr: QUERIES.apiErrorRatePercent(METRICS.mlflowRequests), legend: '{{service}}' }] },
    {
      title: 'MLflow targets up',
      unit: 'short',
      queries: [{ expr: QUERIES.targetsUp(mlflow.job ?? 'mlflow', mlflow.namespace ?? 'mlflow'), legend: 'up' }],
    },
  ];
}

/** Panels of the data-pipelines dashboard. */
export function dataPipelinePanels(options: { readonly window?: Duration; readonly namespaces?: readonly string[] } = {}): DashboardPanel[] {
  const window = options.window ?? DEFAULT_PIPELINE_WINDOW;
  return [
    {
      title: 'Records of the last run (now and a day earlier)',
      unit: 'short',
      queries: [
        { expr: QUERIES.pipelineLastRunRecords(), legend: '{{pipeline}}' },
        { expr: QUERIES.pipelineLastRunRecords('1d'), legend: '{{pipeline}} (1d earlier)' },
      ],
    },
    {
      title: 'Time since the last successful run',
      unit: 's',
      threshold: window.toSeconds(),
      queries: [{ expr: QUERIES.pipelineSecondsSinceSuccess(), legend: '{{pipeline}}' }],
    },
    {
      title: 'Pipelines whose last run failed (failure time, Unix seconds)',
      unit: 'short',
      queries: [{ expr: QUERIES.pipelineFailing(), legend: '{{pipeline}}' }],
    },
    {
      title: 'Failed pipeline Job pods',
      unit: 'short',
      queries: [{ expr: QUERIES.pipelineJobFailures(options.namespaces ?? ['data-pipelines']), legend: '{{namespace}}/{{job_name}}' }],
    },
  ];
}
