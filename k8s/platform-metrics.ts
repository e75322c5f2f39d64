import { WORKLOAD_METRICS } from './contract';

/**
 * The metric names and PromQL queries shared by `PlatformAlertRules` and the Grafana dashboards, so an
 * alert and the panel an on-call engineer opens for it always look at the same series.
 *
 * Sources:
 * - node_exporter, cAdvisor (kubelet) and kube-state-metrics, all shipped by kube-prometheus-stack;
 * - the model API (`workloads/model-api`): `http_request_duration_seconds` histogram and
 *   `http_requests_total` counter with a `status` label holding the code (`503`), names from the workload
 *   contract; MLflow: `mlflow_http_request_*` (see below). The `service` label comes from the
 *   ServiceMonitor: prometheus-operator adds the Kubernetes Service name to every target;
 * - data pipelines: gauges of each pipeline's last run, labelled `pipeline`, which every run (the
 *   data-validation CronJob, the Airflow tasks) pushes to the Pushgateway at its end, success or failure
 *   (`workloads/contract`: the names are the contract's). A batch pod is gone before a scrape, and a counter
 *   in a new pod per run is a new series each time that `increase()` never sees twice; a pushed gauge stays
 *   in the Pushgateway until the next run replaces it, which is what "last success" and "last failure" need
 *   (Prometheus docs, "When to use the Pushgateway"). `kube_job_status_failed` (kube-state-metrics) is shown
 *   on the dashboard only.
 */
const PIPELINE = WORKLOAD_METRICS.pipeline;
const HTTP = WORKLOAD_METRICS.http;
const MODEL_API = WORKLOAD_METRICS.modelApi;
const MLFLOW = WORKLOAD_METRICS.mlflow;

export const METRICS = {
  /** node_exporter: seconds each CPU spent per mode. */
  nodeCpuSeconds: 'node_cpu_seconds_total',
  nodeMemoryAvailableBytes: 'node_memory_MemAvailable_bytes',
  nodeMemoryTotalBytes: 'node_memory_MemTotal_bytes',
  /** cAdvisor: per-container CPU and memory use. */
  containerCpuUsageSeconds: 'container_cpu_usage_seconds_total',
  containerMemoryWorkingSetBytes: 'container_memory_working_set_bytes',
  /** kube-state-metrics: container limits (`resource="cpu"` in cores, `resource="memory"` in bytes). */
  containerResourceLimits: 'kube_pod_container_resource_limits',
  /** kube-state-metrics: failed pods of a Job. */
  jobFailedPods: 'kube_job_status_failed',
  /** HTTP services (the model API): names from the workload contract, which the app's tests check it serves. */
  httpRequestDurationBucket: `${HTTP.requestDurationSeconds.name}_bucket`,
  httpRequests: HTTP.requests.name,
  /** The model API's model metrics (`workloads/model-api`, labelled `model`). */
  modelLoaded: MODEL_API.loaded.name,
  modelLoadFailures: MODEL_API.loadFailures.name,
  modelPredictionErrors: MODEL_API.predictionErrors.name,
  /**
   * MLflow's own: prometheus_flask_exporter with the `mlflow` prefix (mlflow/server/prometheus_exporter.py at
   * 3.17.2; prometheus_flask_exporter 0.23.2 `export_defaults`), labels `method`, `status` and, on the
   * histogram, `mlflow_version`. Not `http_request_*`: those are never exported by MLflow.
   */
  mlflowRequestDurationBucket: `${MLFLOW.requestDurationSeconds.name}_bucket`,
  mlflowRequests: MLFLOW.requests.name,
  /** Data pipelines: the last run's state, pushed (names from the workload contract). */
  pipelineLastSuccessTimestamp: PIPELINE.lastSuccessTimestamp.name,
  pipelineLastFailureTimestamp: PIPELINE.lastFailureTimestamp.name,
  pipelineLastRunRecords: PIPELINE.lastRunRecords.name,
  /** Prometheus: 1 when the last scrape of a target succeeded. */
  up: 'up',
} as const satisfies Record<string, string>;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];

/** Every metric name the rules and dashboards may use. */
export const METRIC_NAMES: readonly MetricName[] = Object.values(METRICS);

/** A PromQL duration in the largest whole unit: `6h`, `90m`, `30s`. */
export function promDuration(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds > 0 && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

function matcher(label: string, values: readonly string[]): string {
  return values.length === 1 ? `${label}="${values[0]}"` : `${label}=~"${values.join('|')}"`;
}

/** Containers proper, not the pause container nor the pod-level cgroup. */
const CONTAINERS = 'container!="",container!="POD"';

/** PromQL expressions (without thresholds) for each platform signal. */
export const QUERIES = {
  /** Busy share of each node's CPUs, percent. */
  nodeCpuUtilizationPercent: (): string =>
    `100 * (1 - avg by (instance) (rate(${METRICS.nodeCpuSeconds}{mode="idle"}[5m])))`,

  /** Memory in use on each node, percent. */
  nodeMemoryUtilizationPercent: (): string =>
    `100 * (1 - ${METRICS.nodeMemoryAvailableBytes} / ${METRICS.nodeMemoryTotalBytes})`,

  /** Each container's CPU use as a percentage of its limit (throttling starts at 100). */
  podCpuOfLimitPercent: (): string =>
    `100 * sum by (namespace, pod, container) (rate(${METRICS.containerCpuUsageSeconds}{${CONTAINERS}}[5m]))` +
    ` / sum by (namespace, pod, container) (${METRICS.containerResourceLimits}{resource="cpu"})`,

  /** Each container's working set as a percentage of its memory limit (OOM kill at 100). */
  podMemoryOfLimitPercent: (): string =>
    `100 * sum by (namespace, pod, container) (${METRICS.containerMemoryWorkingSetBytes}{${CONTAINERS}})` +
    ` / sum by (namespace, pod, container) (${METRICS.containerResourceLimits}{resource="memory"})`,

  /** 95th percentile request latency per service, seconds (the model API's series by default, MLflow's with its names). */
  apiLatencyP95Seconds: (bucket: string = METRICS.httpRequestDurationBucket): string =>
    `histogram_quantile(0.95, sum by (le, service) (rate(${bucket}[5m])))`,

  /** Share of requests answered with a 5xx status per service, percent. */
  apiErrorRatePercent: (requests: string = METRICS.httpRequests): string =>
    `100 * sum by (service) (rate(${requests}{status=~"5.."}[5m]))` +
    ` / sum by (service) (rate(${requests}[5m]))`,

  /** Model API pods that have not loaded their model (each pod exports `model_loaded` 0 until it has). */
  modelNotLoaded: (): string => `max by (namespace, pod, model) (${METRICS.modelLoaded}) == 0`,

  /** Failed model loads (retried with backoff) per pod over `window`. */
  modelLoadFailures: (window: string): string =>
    `sum by (namespace, pod, model) (increase(${METRICS.modelLoadFailures}[${window}]))`,

  /** Prediction calls that raised, per model, per second. */
  modelPredictionErrorRate: (): string => `sum by (namespace, model) (rate(${METRICS.modelPredictionErrors}[5m]))`,

  /** Records of each pipeline's last run (optionally as it stood `offset` ago). */
  pipelineLastRunRecords: (offset?: string): string =>
    `max by (pipeline) (${METRICS.pipelineLastRunRecords}${offset ? ` offset ${offset}` : ''})`,

  /**
   * Pipelines whose last run failed: a failure newer than the last success, or a failure and no success
   * yet. The value is the failure's time; the series vanishes as soon as a later run succeeds.
   */
  pipelineFailing: (): string => {
    const failed = `max by (pipeline) (${METRICS.pipelineLastFailureTimestamp})`;
    const succeeded = `max by (pipeline) (${METRICS.pipelineLastSuccessTimestamp})`;
    return `(${failed} > ${succeeded}) or (${failed} unless ${succeeded})`;
  },

  /** Seconds since each pipeline last succeeded. */
  pipelineSecondsSinceSuccess: (): string => `time() - max by (pipeline) (${METRICS.pipelineLastSuccessTimestamp})`,

  /** Failed pods of each Job in the pipeline namespaces. */
  pipelineJobFailures: (namespaces: readonly string[]): string =>
    `sum by (namespace, job_name) (${METRICS.jobFailedPods}{${matcher('namespace', namespaces)}})`,

  /** Number of scrape targets of `job` that answered their last scrape. */
  targetsUp: (job: string, namespace: string): string => `sum(${METRICS.up}{job="${job}",namespace="${namespace}"})`,
} as const;
