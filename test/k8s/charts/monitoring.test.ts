import { Testing } from 'cdk8s';
import { METRIC_NAMES, MonitoringChart } from '../../../k8s';
import { metricNamesIn, ofKind, onlyOfKind, schemaProblems } from '../helpers';
import { buildCharts, objectsOf } from './fixtures';

describe('MonitoringChart', () => {
  const objects = objectsOf(buildCharts().charts.monitoring);

  test('holds the alert rules and two dashboards in the monitoring namespace', () => {
    expect(objects.map((o) => o.kind)).toEqual(['Namespace', 'PrometheusRule', 'ConfigMap', 'ConfigMap']);
    expect(onlyOfKind(objects, 'PrometheusRule').metadata.namespace).toBe('monitoring');
    expect(ofKind(objects, 'ConfigMap').map((c) => c.metadata.name)).toEqual(['platform-overview', 'data-pipelines']);
    expect(schemaProblems(objects).problems).toEqual([]);
  });

  test('dashboards are valid JSON reading only the exported metric names', () => {
    for (const configMap of ofKind(objects, 'ConfigMap')) {
      expect(configMap.metadata.labels?.grafana_dashboard).toBe('1');
      const dashboard = JSON.parse(configMap.data[`${configMap.metadata.name}.json`]);
      expect(dashboard.uid).toMatch(/-dev$/);
      for (const panel of dashboard.panels) {
        for (const target of panel.targets) for (const name of metricNamesIn(target.expr)) expect(METRIC_NAMES).toContain(name);
      }
    }
  });

  test('fails without paging set', () => {
    expect(() => new MonitoringChart(Testing.app(), 'monitoring', { environment: 'dev', paging: undefined as never })).toThrow(
      /monitoring: paging is required \(boolean\)/,
    );
  });
});
