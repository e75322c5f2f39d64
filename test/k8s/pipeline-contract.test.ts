import { DEFAULT_PUSHGATEWAY } from '../../k8s/charts/data-validation';
import { WORKLOAD_METRICS, WORKLOAD_PORTS } from '../../k8s/contract';
import { PlatformAlertRules } from '../../k8s/monitoring';
import { METRICS } from '../../k8s/platform-metrics';
import { PUSHGATEWAY_PORT, PUSHGATEWAY_URL } from '../../constructs/observability/cluster-observability';
import { metricNamesIn, testChart } from './helpers';

const pipelineNames = Object.values(WORKLOAD_METRICS.pipeline).map((spec) => spec.name);

describe('pipeline side of the workload contract', () => {
  test('every pipeline metric the rules read is one the workloads push', () => {
    const rules = new PlatformAlertRules(testChart('monitoring'), 'rules', { paging: true });
    const group = rules.groups.find((g) => g.name === 'platform.pipelines')!;
    const read = group.rules.flatMap((rule) => metricNamesIn(rule.expr));
    expect(read.length).toBeGreaterThan(0);
    for (const name of read) expect(pipelineNames).toContain(name);
  });

  test("the platform's pipeline metric names are the contract's", () => {
    expect(METRICS.pipelineLastSuccessTimestamp).toBe(WORKLOAD_METRICS.pipeline.lastSuccessTimestamp.name);
    expect(METRICS.pipelineLastFailureTimestamp).toBe(WORKLOAD_METRICS.pipeline.lastFailureTimestamp.name);
    expect(METRICS.pipelineLastRunRecords).toBe(WORKLOAD_METRICS.pipeline.lastRunRecords.name);
    for (const spec of Object.values(WORKLOAD_METRICS.pipeline)) {
      // Pushed gauges of the last run, one series per pipeline.
      expect(spec).toMatchObject({ type: 'gauge', labels: ['pipeline'] });
    }
  });

  test('the Pushgateway the jobs push to is the one the platform installs', () => {
    expect(DEFAULT_PUSHGATEWAY.url).toBe(PUSHGATEWAY_URL);
    expect(PUSHGATEWAY_PORT).toBe(WORKLOAD_PORTS.pushgateway);
  });
});
