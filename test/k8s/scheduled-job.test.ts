import { Duration } from 'cdk8s';
import { cronProblem, ScheduledJob, type ScheduledJobProps } from '../../k8s';
import { DIGEST, expectRestrictedPod, ofKind, onlyOfKind, RESOURCES, ROLE_ARN, schemaProblems, synth, testChart, type Manifest } from './helpers';

function props(overrides: Partial<ScheduledJobProps> = {}): ScheduledJobProps {
  return {
    image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/validation:0.9.0`,
    resources: RESOURCES,
    schedule: '0 */6 * * *',
    ...overrides,
  };
}

function build(overrides: Partial<ScheduledJobProps> = {}): { job: ScheduledJob; objects: Manifest[] } {
  const chart = testChart('pipelines');
  const job = new ScheduledJob(chart, 'ingest', props(overrides));
  return { job, objects: synth(chart) };
}

describe('ScheduledJob', () => {
  test('creates a CronJob, ServiceAccount and NetworkPolicy, valid against the schemas', () => {
    const { objects } = build({ iamRoleArn: ROLE_ARN, monitoring: {} });
    expect(objects.map((o) => o.kind).sort()).toEqual(['CronJob', 'NetworkPolicy', 'PodMonitor', 'ServiceAccount']);
    expect(schemaProblems(objects).problems).toEqual([]);
  });

  test('has safe batch defaults', () => {
    const cron = onlyOfKind(build().objects, 'CronJob');
    expect(cron.apiVersion).toBe('batch/v1');
    expect(cron.spec).toMatchObject({
      schedule: '0 */6 * * *',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      suspend: false,
    });
    expect(cron.spec).not.toHaveProperty('timeZone');
    expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 86400 });
    expect(cron.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
  });

  test('takes every batch setting from props', () => {
    const cron = onlyOfKind(
      build({
        timeZone: 'Europe/Paris',
        concurrencyPolicy: 'Replace',
        backoffLimit: 0,
        activeDeadline: Duration.minutes(20),
        startingDeadline: Duration.minutes(1),
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 5,
        ttlAfterFinished: Duration.hours(2),
      }).objects,
      'CronJob',
    );
    expect(cron.spec).toMatchObject({ timeZone: 'Europe/Paris', concurrencyPolicy: 'Replace', startingDeadlineSeconds: 60, successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 5 });
    expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 1200, ttlSecondsAfterFinished: 7200 });
  });

  test('the pod has the restricted security defaults and resources', () => {
    const cron = onlyOfKind(build().objects, 'CronJob');
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expectRestrictedPod(pod);
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(pod.serviceAccountName).toBe('ingest');
  });

  test('the ServiceAccount carries the IRSA role', () => {
    const account = onlyOfKind(build({ iamRoleArn: ROLE_ARN }).objects, 'ServiceAccount');
    expect(account.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': ROLE_ARN });
    expect(account.automountServiceAccountToken).toBe(false);
  });

  test('the NetworkPolicy allows no ingress, and only the scraper when monitored', () => {
    const plain = onlyOfKind(build({ networkPolicy: { egressTo: [{ peer: { cidr: '0.0.0.0/0' }, ports: [443] }] } }).objects, 'NetworkPolicy');
    expect(plain.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(plain.spec.ingress).toEqual([]);
    expect(plain.spec.egress[1]).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] });

    const { objects } = build({ monitoring: {} });
    const monitored = onlyOfKind(objects, 'NetworkPolicy');
    expect(monitored.spec.ingress).toHaveLength(1);
    expect(monitored.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 9090 }]);
    expect(monitored.spec.ingress[0].from[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'monitoring' });
  });

  test('monitoring adds a PodMonitor on the metrics port that selects the pods', () => {
    const { objects } = build({ monitoring: { interval: Duration.minutes(1) } });
    const monitor = onlyOfKind(objects, 'PodMonitor');
    expect(monitor.metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '1m', scheme: 'http' }]);
    const pod = onlyOfKind(objects, 'CronJob').spec.jobTemplate.spec.template;
    expect(pod.spec.containers[0].ports).toEqual([{ name: 'metrics', containerPort: 9090, protocol: 'TCP' }]);
    for (const [key, value] of Object.entries(monitor.spec.selector.matchLabels)) expect(pod.metadata.labels[key]).toBe(value);
    expect(ofKind(build().objects, 'PodMonitor')).toHaveLength(0);
  });

  test('matches the snapshot', () => {
    expect(build({ iamRoleArn: ROLE_ARN, monitoring: {} }).objects).toMatchSnapshot();
  });

  describe('cron validation', () => {
    test.each(['0 */6 * * *', '*/15 * * * *', '30 2 * * MON-FRI', '0 0 1,15 * *', '0 3 ? JAN-MAR SUN', '5 4 * * 7', '@daily', '  0 1 * * *  '])(
      'accepts "%s"',
      (schedule) => expect(cronProblem(schedule)).toBeUndefined(),
    );
    test.each([
      ['* * * *', /must have 5 fields.*found 4/],
      ['0 0 * * * *', /found 6/],
      ['60 * * * *', /invalid minute field "60"/],
      ['0 24 * * *', /invalid hour field "24"/],
      ['0 0 0 * *', /invalid day of month field "0"/],
      ['0 0 * 13 *', /invalid month field "13"/],
      ['0 0 * * 8', /invalid day of week field "8"/],
      ['*/0 * * * *', /invalid minute field/],
      ['5-1 * * * *', /invalid minute field/],
      ['? * * * *', /invalid minute field/],
      ['CRON_TZ=UTC 0 0 * * *', /use the timeZone prop/],
      ['@fortnightly', /not a known macro/],
      ['every day', /must have 5 fields/],
    ])('rejects "%s"', (schedule, message) => expect(cronProblem(schedule)).toMatch(message));
  });

  describe('rejects bad props', () => {
    test('fails on a bad cron schedule, naming the field and value', () => {
      expect(() => build({ schedule: '0 25 * * *' })).toThrow(/test\/ingest: schedule \("0 25 \* \* \*"\) has an invalid hour field "25"/);
    });
    test('fails on a latest or untagged image', () => {
      expect(() => build({ image: 'validation:latest' })).toThrow(/image \("validation:latest"\) uses the mutable tag "latest"/);
      expect(() => build({ image: 'validation' })).toThrow(/image \("validation"\) has no tag/);
    });
    test('accepts a digest', () => {
      expect(() => build({ image: `validation@${DIGEST}` })).not.toThrow();
    });
    test('fails when resources are missing', () => {
      expect(() => build({ resources: undefined as never })).toThrow(/resources is required/);
    });
    test('fails on a bad time zone, deadline or history limit', () => {
      expect(() => build({ timeZone: 'Paris time' })).toThrow(/timeZone \("Paris time"\) must be an IANA time zone/);
      expect(() => build({ startingDeadline: Duration.seconds(5) })).toThrow(/startingDeadline \(5s\) must be at least 10 seconds/);
      expect(() => build({ failedJobsHistoryLimit: -1 })).toThrow(/failedJobsHistoryLimit \(-1\)/);
    });
    test('fails on a name too long for a CronJob', () => {
      expect(() => build({ name: 'a'.repeat(53) })).toThrow(/must be at most 52 characters/);
    });
  });
});
