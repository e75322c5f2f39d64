import { Testing } from 'cdk8s';
import { DataValidationChart, type DataValidationChartProps } from '../../../k8s';
import { DEFAULT_PUSHGATEWAY } from '../../../k8s/charts/data-validation';
import { WORKLOAD_ENV, WORKLOAD_PIPELINES, WORKLOAD_PORTS } from '../../../k8s/contract';
import { ofKind, onlyOfKind, schemaProblems } from '../helpers';
import { buildCharts, objectsOf, workloadChartsProps } from './fixtures';

function chartProps(overrides: Partial<DataValidationChartProps> = {}): DataValidationChartProps {
  return { environment: 'dev', ...workloadChartsProps().dataValidation, ...overrides };
}

describe('DataValidationChart', () => {
  const objects = objectsOf(buildCharts().charts.dataValidation);

  test('schedules the data-validation image with the bucket names in its environment', () => {
    const cron = onlyOfKind(objects, 'CronJob');
    expect(cron.metadata.namespace).toBe('data-pipelines');
    expect(cron.spec.schedule).toBe('0 */6 * * *');
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    // A failed expectation fails again: no retries, the Job fails and the alert fires.
    expect(cron.spec.jobTemplate.spec.backoffLimit).toBe(0);
    const [container] = cron.spec.jobTemplate.spec.template.spec.containers;
    expect(container.image).toBe('111111111111.dkr.ecr.eu-west-1.amazonaws.com/data-validation:0.9.0');
    const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    // The names are the workload contract's, which the job's Python config reads (workloads/contract).
    expect(env).toEqual({
      [WORKLOAD_ENV.rawBucket]: 'dev-raw-data-111111111111',
      [WORKLOAD_ENV.processedBucket]: 'dev-processed-data-111111111111',
      [WORKLOAD_ENV.pipelineName]: WORKLOAD_PIPELINES.dataValidation,
      [WORKLOAD_ENV.pushgatewayUrl]: DEFAULT_PUSHGATEWAY.url,
      HOME: '/tmp',
    });
  });

  test('has an IRSA ServiceAccount, no ingress, and egress to the Pushgateway instead of a PodMonitor', () => {
    expect(onlyOfKind(objects, 'ServiceAccount').metadata.annotations?.['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::111111111111:role/dev-data-validation');
    // A batch pod is gone before a scrape: it pushes instead of being scraped.
    expect(ofKind(objects, 'PodMonitor')).toEqual([]);
    const policy = onlyOfKind(objects, 'NetworkPolicy');
    expect(policy.spec.ingress ?? []).toEqual([]);
    expect(policy.spec.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: DEFAULT_PUSHGATEWAY.peer.podLabels } }],
      ports: [{ port: WORKLOAD_PORTS.pushgateway, protocol: 'TCP' }],
    });
  });

  test('fails on a bad Pushgateway URL, naming the field', () => {
    expect(() => new DataValidationChart(Testing.app(), 'dv', chartProps({ pushgateway: { url: 'pushgateway:9091', peer: DEFAULT_PUSHGATEWAY.peer } }))).toThrow(
      /pushgateway\.url \("pushgateway:9091"\) must be an http\(s\) URL of a host/,
    );
  });

  test('validates against the schemas', () => {
    expect(schemaProblems(objects).problems).toEqual([]);
  });

  test('fails on a bad schedule or the same bucket twice', () => {
    expect(() => new DataValidationChart(Testing.app(), 'dv', chartProps({ schedule: '0 0 32 * *' }))).toThrow(/schedule \("0 0 32 \* \*"\) has an invalid day of month field "32"/);
    expect(() => new DataValidationChart(Testing.app(), 'dv', chartProps({ processedBucketName: 'dev-raw-data-111111111111' }))).toThrow(
      /dv: processedBucketName \("dev-raw-data-111111111111"\) must differ from rawBucketName/,
    );
  });
});
