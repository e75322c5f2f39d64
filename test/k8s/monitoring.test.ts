import { Duration } from 'cdk8s';
import {
  dataPipelinePanels,
  DEFAULT_ALERT_THRESHOLDS,
  GrafanaDashboard,
  METRIC_NAMES,
  PLATFORM_ALERTS,
  PlatformAlertRules,
  platformOverviewPanels,
  PodMonitor,
  ServiceMonitor,
  type PlatformAlertRulesProps,
} from '../../k8s';
import { metricNamesIn, onlyOfKind, schemaProblems, synth, testChart, type Manifest } from './helpers';

type Rule = { alert: string; expr: string; for: string; labels: Record<string, string>; annotations: Record<string, string> };

function rulesOf(props: PlatformAlertRulesProps): { object: Manifest; rules: Map<string, Rule> } {
  const chart = testChart('monitoring');
  new PlatformAlertRules(chart, 'rules', props);
  const object = onlyOfKind(synth(chart), 'PrometheusRule');
  const rules = new Map<string, Rule>();
  for (const group of object.spec.groups) for (const rule of group.rules) rules.set(rule.alert, rule);
  return { object, rules };
}

describe('metricNamesIn', () => {
  test('finds metrics, not functions, labels or durations', () => {
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le, service) (rate(http_request_duration_seconds_bucket{job="x"}[5m]))) > 0.5')).toEqual([
      'http_request_duration_seconds_bucket',
    ]);
    expect(metricNamesIn('a_total / b_bytes offset 1d or vector(0)')).toEqual(['a_total', 'b_bytes']);
  });
});

describe('PlatformAlertRules', () => {
  test('is a PrometheusRule with the release label, valid against the prometheus-operator schema', () => {
    const { object } = rulesOf({ paging: true });
    expect(object.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(object.metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
    expect(schemaProblems([object]).problems).toEqual([]);
  });

  test('has one alert per signal with the expected expressions and default thresholds', () => {
    const { rules } = rulesOf({ paging: true });
    expect([...rules.keys()].sort()).toEqual(Object.values(PLATFORM_ALERTS).sort());
    const expr = (name: string): string => rules.get(name)!.expr;
    expect(expr(PLATFORM_ALERTS.nodeCpu)).toBe('100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))) > 85');
    expect(expr(PLATFORM_ALERTS.nodeMemory)).toBe('100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) > 90');
    expect(expr(PLATFORM_ALERTS.podCpu)).toBe(
      '100 * sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{container!="",container!="POD"}[5m]))' +
        ' / sum by (namespace, pod, container) (kube_pod_container_resource_limits{resource="cpu"}) > 85',
    );
    expect(expr(PLATFORM_ALERTS.podMemory)).toBe(
      '100 * sum by (namespace, pod, container) (container_memory_working_set_bytes{container!="",container!="POD"})' +
        ' / sum by (namespace, pod, container) (kube_pod_container_resource_limits{resource="memory"}) > 90',
    );
    expect(expr(PLATFORM_ALERTS.apiLatency)).toBe(
      'histogram_quantile(0.95, sum by (le, service) (rate(http_request_duration_seconds_bucket[5m]))) > 0.5',
    );
    expect(expr(PLATFORM_ALERTS.apiErrors)).toBe(
      '100 * sum by (service) (rate(http_requests_total{status=~"5.."}[5m])) / sum by (service) (rate(http_requests_total[5m])) > 1',
    );
    expect(expr(PLATFORM_ALERTS.pipelineVolume)).toBe(
      'max by (pipeline) (pipeline_last_run_records) < 0.5 * max by (pipeline) (pipeline_last_run_records offset 1d)',
    );
    expect(expr(PLATFORM_ALERTS.pipelineStale)).toBe('time() - max by (pipeline) (pipeline_last_success_timestamp_seconds) > 93600');
    expect(expr(PLATFORM_ALERTS.pipelineJobFailed)).toBe(
      '(max by (pipeline) (pipeline_last_failure_timestamp_seconds) > max by (pipeline) (pipeline_last_success_timestamp_seconds))' +
        ' or (max by (pipeline) (pipeline_last_failure_timestamp_seconds) unless max by (pipeline) (pipeline_last_success_timestamp_seconds))',
    );
    expect(expr(PLATFORM_ALERTS.mlflowDown)).toBe('(sum(up{job="mlflow",namespace="mlflow"}) or vector(0)) < 1');
    // MLflow's own series (prometheus_flask_exporter, `mlflow` prefix), which workloads/mlflow-server's test scrapes.
    expect(expr(PLATFORM_ALERTS.mlflowLatency)).toBe(
      'histogram_quantile(0.95, sum by (le, service) (rate(mlflow_http_request_duration_seconds_bucket[5m]))) > 2',
    );
    expect(expr(PLATFORM_ALERTS.mlflowErrors)).toBe(
      '100 * sum by (service) (rate(mlflow_http_request_total{status=~"5.."}[5m])) / sum by (service) (rate(mlflow_http_request_total[5m])) > 1',
    );
    expect(expr(PLATFORM_ALERTS.modelNotLoaded)).toBe('max by (namespace, pod, model) (model_loaded) == 0');
    expect(expr(PLATFORM_ALERTS.modelLoadFailing)).toBe('sum by (namespace, pod, model) (increase(model_load_failures_total[15m])) > 0');
    expect(expr(PLATFORM_ALERTS.modelPredictionErrors)).toBe('sum by (namespace, model) (rate(model_prediction_errors_total[5m])) > 0');
    for (const rule of rules.values()) {
      expect(rule.annotations.summary).toBeTruthy();
      expect(rule.annotations.description).toBeTruthy();
      expect(rule.for).toMatch(/^\d+[smh]$/);
    }
  });

  test('thresholds and targets come from props', () => {
    const { rules } = rulesOf({
      paging: true,
      thresholds: { apiLatencyP95Seconds: 0.25, apiErrorRatePercent: 2, cpuSaturationPercent: 75, recordVolumeDropPercent: 30 },
      mlflowJob: 'tracking',
      mlflowNamespace: 'ml',
      pipelineWindow: Duration.hours(48),
    });
    expect(rules.get(PLATFORM_ALERTS.apiLatency)!.expr).toMatch(/\) > 0\.25$/);
    expect(rules.get(PLATFORM_ALERTS.apiErrors)!.expr).toMatch(/ > 2$/);
    expect(rules.get(PLATFORM_ALERTS.nodeCpu)!.expr).toMatch(/ > 75$/);
    expect(rules.get(PLATFORM_ALERTS.podCpu)!.expr).toMatch(/ > 75$/);
    expect(rules.get(PLATFORM_ALERTS.nodeMemory)!.expr).toMatch(/ > 90$/);
    expect(rules.get(PLATFORM_ALERTS.pipelineVolume)!.expr).toContain(') < 0.7 * ');
    expect(rules.get(PLATFORM_ALERTS.pipelineStale)!.expr).toMatch(/ > 172800$/);
    expect(rules.get(PLATFORM_ALERTS.mlflowDown)!.expr).toContain('up{job="tracking",namespace="ml"}');
  });

  test('an environment config thresholds object with extra keys is accepted', () => {
    const thresholds = { ...DEFAULT_ALERT_THRESHOLDS, apiLatencyP95Seconds: 1, rdsCpuPercent: 80 };
    expect(rulesOf({ paging: false, thresholds }).rules.get(PLATFORM_ALERTS.apiLatency)!.expr).toMatch(/ > 1$/);
  });

  test('paging: urgent alerts page and the rest warn; without paging every alert is info (recorded only)', () => {
    const paging = rulesOf({ paging: true }).rules;
    expect(paging.get(PLATFORM_ALERTS.apiLatency)!.labels.severity).toBe('page');
    expect(paging.get(PLATFORM_ALERTS.apiErrors)!.labels.severity).toBe('page');
    expect(paging.get(PLATFORM_ALERTS.mlflowDown)!.labels.severity).toBe('page');
    expect(paging.get(PLATFORM_ALERTS.podCpu)!.labels.severity).toBe('warning');
    for (const rule of rulesOf({ paging: false }).rules.values()) expect(rule.labels.severity).toBe('info');
  });

  test('rules read only the exported metric names, and rules and panels together use every one of them', () => {
    const { rules } = rulesOf({ paging: true });
    const used = new Set<string>();
    for (const rule of rules.values()) {
      const names = metricNamesIn(rule.expr);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) {
        expect(METRIC_NAMES).toContain(name);
        used.add(name);
      }
    }
    // kube_job_status_failed is on the dashboard only: alerts read the pipelines' pushed state instead.
    for (const panel of [...platformOverviewPanels(), ...dataPipelinePanels()]) for (const q of panel.queries) metricNamesIn(q.expr).forEach((n) => used.add(n));
    expect([...used].sort()).toEqual([...METRIC_NAMES].sort());
  });

  test('fails on thresholds out of range, naming the field', () => {
    expect(() => rulesOf({ paging: true, thresholds: { apiErrorRatePercent: 120 } })).toThrow(
      /test\/rules: thresholds\.apiErrorRatePercent \(120\) must be a percentage/,
    );
    expect(() => rulesOf({ paging: true, thresholds: { apiLatencyP95Seconds: 0 } })).toThrow(/thresholds\.apiLatencyP95Seconds \(0\) must be positive/);
    expect(() => rulesOf({ paging: true, pipelineWindow: Duration.minutes(1) })).toThrow(/pipelineWindow \(60s\) must be at least 5 minutes/);
  });
});

describe('GrafanaDashboard', () => {
  function dashboardObject(): Manifest {
    const chart = testChart('monitoring');
    new GrafanaDashboard(chart, 'overview', { name: 'overview', title: 'Overview', uid: 'overview', panels: platformOverviewPanels(), folder: 'Platform' });
    return onlyOfKind(synth(chart), 'ConfigMap');
  }

  test('is a ConfigMap the Grafana sidecar picks up, valid against the schema', () => {
    const object = dashboardObject();
    expect(object.metadata.labels).toEqual({ grafana_dashboard: '1' });
    expect(object.metadata.annotations).toEqual({ grafana_folder: 'Platform' });
    expect(Object.keys(object.data)).toEqual(['overview.json']);
    expect(schemaProblems([object]).problems).toEqual([]);
  });

  test('holds valid dashboard JSON whose queries read only exported metric names', () => {
    const dashboard = JSON.parse(dashboardObject().data['overview.json']);
    expect(dashboard).toMatchObject({ uid: 'overview', title: 'Overview', schemaVersion: expect.any(Number) });
    expect(dashboard.panels.length).toBe(platformOverviewPanels().length);
    const ids = new Set<number>();
    for (const panel of dashboard.panels) {
      ids.add(panel.id);
      expect(panel.targets.length).toBeGreaterThan(0);
      for (const target of panel.targets) {
        const names = metricNamesIn(target.expr);
        expect(names.length).toBeGreaterThan(0);
        for (const name of names) expect(METRIC_NAMES).toContain(name);
      }
    }
    expect(ids.size).toBe(dashboard.panels.length);
  });

  test('panels cover the signals the rules alert on, with the same queries', () => {
    const chart = testChart('monitoring');
    const rules = new PlatformAlertRules(chart, 'rules', { paging: true });
    const panelExprs = [...platformOverviewPanels(), ...dataPipelinePanels()].flatMap((p) => p.queries.map((q) => q.expr));
    for (const group of rules.groups) {
      for (const rule of group.rules) {
        // Each rule is "<query> <comparison> <threshold>" (or a wrapper of one): some panel plots its query.
        expect(panelExprs.some((expr) => rule.expr.includes(expr))).toBe(true);
      }
    }
  });

  test('fails without panels or with a bad uid', () => {
    const chart = testChart('monitoring');
    expect(() => new GrafanaDashboard(chart, 'empty', { name: 'empty', title: 'Empty', uid: 'empty', panels: [] })).toThrow(/test\/empty: panels must list at least one panel/);
    expect(() => new GrafanaDashboard(chart, 'bad', { name: 'bad', title: 'Bad', uid: 'bad uid!', panels: platformOverviewPanels() })).toThrow(/uid \("bad uid!"\)/);
  });
});

describe('ServiceMonitor and PodMonitor', () => {
  test('use the selector label from props and validate against the schemas', () => {
    const chart = testChart('apps');
    new ServiceMonitor(chart, 'sm', { name: 'api', namespace: 'apps', serviceLabels: { app: 'api' }, portName: 'http', prometheusSelectorLabels: { prometheus: 'main' } });
    new PodMonitor(chart, 'pm', { name: 'job', namespace: 'apps', podLabels: { app: 'job' }, portName: 'metrics', path: '/stats' });
    const objects = synth(chart);
    expect(onlyOfKind(objects, 'ServiceMonitor').metadata.labels).toEqual({ prometheus: 'main' });
    expect(onlyOfKind(objects, 'PodMonitor').metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
    expect(onlyOfKind(objects, 'PodMonitor').spec.podMetricsEndpoints[0].path).toBe('/stats');
    expect(schemaProblems(objects).problems).toEqual([]);
  });

  test('fail on an empty selector or a bad interval', () => {
    const chart = testChart('apps');
    expect(() => new ServiceMonitor(chart, 'sm', { name: 'api', namespace: 'apps', serviceLabels: {}, portName: 'http' })).toThrow(/serviceLabels must not be empty/);
    expect(() => new PodMonitor(chart, 'pm', { name: 'job', namespace: 'apps', podLabels: { a: 'b' }, portName: 'metrics', interval: Duration.seconds(1) })).toThrow(
      /monitoring\.interval \(1s\) must be between 5s and 600s/,
    );
  });
});
