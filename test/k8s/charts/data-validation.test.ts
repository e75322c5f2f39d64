import { Testing } from 'cdk8s';
import { DataValidationChart, type DataValidationChartProps } from '../../../k8s';
import { onlyOfKind, schemaProblems } from '../helpers';
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
    expect(env).toMatchObject({ RAW_BUCKET: 'dev-raw-data-111111111111', PROCESSED_BUCKET: 'dev-processed-data-111111111111', PIPELINE_NAME: 'data-validation' });
  });

  test('has an IRSA ServiceAccount, a PodMonitor and a NetworkPolicy with no ingress but the scraper', () => {
    expect(onlyOfKind(objects, 'ServiceAccount').metadata.annotations?.['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::111111111111:role/dev-data-validation');
    expect(onlyOfKind(objects, 'PodMonitor').spec.podMetricsEndpoints[0].port).toBe('metrics');
    const policy = onlyOfKind(objects, 'NetworkPolicy');
    expect(policy.spec.ingress).toHaveLength(1);
    expect(policy.spec.ingress[0].from[0].podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'prometheus' });
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
