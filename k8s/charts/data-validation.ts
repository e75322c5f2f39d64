import { Chart, Duration } from 'cdk8s';
import type { Construct } from 'constructs';
import { imageUri, type ImageReference, type ResourceRequirements } from '../container';
import { WORKLOAD_ENV, WORKLOAD_PIPELINES, WORKLOAD_PORTS } from '../contract';
import { checkPeer, type NetworkPeer } from '../network';
import { ScheduledJob } from '../scheduled-job';
import { checkDnsLabel, PropsProblems } from '../validation';
import { awsApiEgress, chartLabels, checkBucketName, setUpWorkloadChart, type WorkloadChartProps } from './common';
import { requireProps } from '../../constructs/core/props';

export interface DataValidationChartProps extends WorkloadChartProps {
  /** The data-validation image (ECR repository URL and an immutable tag or digest). */
  readonly image: ImageReference;
  /** Cron schedule, 5 fields. */
  readonly schedule: string;
  /**
   * IANA time zone of the schedule.
   * @default - UTC
   */
  readonly timeZone?: string;
  /** CPU and memory requests and limits of the validation container. */
  readonly resources: ResourceRequirements;
  /** IRSA role: read on the raw bucket, write on the processed bucket. */
  readonly iamRoleArn: string;
  /** Bucket the job validates (`RAW_BUCKET`). */
  readonly rawBucketName: string;
  /** Bucket the validation results go to (`PROCESSED_BUCKET`). */
  readonly processedBucketName: string;
  /**
   * Arguments to the image's entrypoint.
   * @default - none; the entrypoint reads its configuration from the environment
   */
  readonly args?: readonly string[];
  /**
   * Longest a run may take.
   * @default Duration.hours(1)
   */
  readonly activeDeadline?: Duration;
  /**
   * @default 'data-pipelines'
   */
  readonly namespace?: string;
  /**
   * The Pushgateway each run pushes its metrics to, and the pods behind it (for the NetworkPolicy).
   * @default DEFAULT_PUSHGATEWAY (the one `ClusterObservability` installs)
   */
  readonly pushgateway?: { readonly url: string; readonly peer: NetworkPeer };
}

/** Name of the pipeline in the `pipeline` label of the pipeline metrics. */
export const DATA_VALIDATION_PIPELINE = WORKLOAD_PIPELINES.dataValidation;

/**
 * The Pushgateway `ClusterObservability` installs (release `prometheus-pushgateway` in `monitoring`, the chart's
 * selector labels); a test holds it equal to that construct's `PUSHGATEWAY_URL`.
 */
export const DEFAULT_PUSHGATEWAY = {
  url: `http://prometheus-pushgateway.monitoring.svc:${WORKLOAD_PORTS.pushgateway}`,
  peer: { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus-pushgateway', 'app.kubernetes.io/instance': 'prometheus-pushgateway' } },
} as const;

/**
 * The scheduled data-validation run (`workloads/data-validation`). The entrypoint validates the new raw
 * partitions in `RAW_BUCKET`, writes a report per partition to `PROCESSED_BUCKET` and exits non-zero naming
 * each failed check, which fails the Job (no retries: a failed check fails again). At the end of every run it
 * pushes its `pipeline_last_*` gauges to the Pushgateway: the pod is gone before any scrape, and
 * `PipelineJobFailed` fires on the pushed failure and resolves with the next success.
 */
export class DataValidationChart extends Chart {
  public readonly job: ScheduledJob;

  constructor(scope: Construct, id: string, props: DataValidationChartProps) {
    // Before super(): the chart's namespace and labels come from props.
    requireProps(`${scope.node.path}/${id}`, props, { image: 'object', schedule: 'string', resources: 'object', iamRoleArn: 'string', rawBucketName: 'string', processedBucketName: 'string', environment: 'string' });
    const namespace = props.namespace ?? 'data-pipelines';
    super(scope, id, { namespace, labels: chartLabels(props.environment) });
    setUpWorkloadChart(this, props);

    const problems = new PropsProblems(this.node.path);
    checkDnsLabel(problems, 'namespace', namespace);
    checkBucketName(problems, 'rawBucketName', props.rawBucketName);
    checkBucketName(problems, 'processedBucketName', props.processedBucketName);
    problems.check(props.rawBucketName !== props.processedBucketName, 'processedBucketName', `("${props.processedBucketName}") must differ from rawBucketName`);
    const pushgateway = props.pushgateway ?? DEFAULT_PUSHGATEWAY;
    problems.check(/^https?:\/\/[^/\s:]+(:\d+)?\/?$/.test(pushgateway.url), 'pushgateway.url', `("${pushgateway.url}") must be an http(s) URL of a host`);
    checkPeer(problems, 'pushgateway.peer', pushgateway.peer);
    problems.throwIfAny();

    this.job = new ScheduledJob(this, 'DataValidation', {
      name: 'data-validation',
      image: imageUri(props.image),
      resources: props.resources,
      schedule: props.schedule,
      timeZone: props.timeZone,
      concurrencyPolicy: 'Forbid',
      // Checks are deterministic: retrying a failed validation only delays the alert.
      backoffLimit: 0,
      activeDeadline: props.activeDeadline ?? Duration.hours(1),
      args: props.args,
      iamRoleArn: props.iamRoleArn,
      env: {
        [WORKLOAD_ENV.rawBucket]: props.rawBucketName,
        [WORKLOAD_ENV.processedBucket]: props.processedBucketName,
        [WORKLOAD_ENV.pipelineName]: DATA_VALIDATION_PIPELINE,
        [WORKLOAD_ENV.pushgatewayUrl]: pushgateway.url,
        HOME: '/tmp',
      },
      networkPolicy: { egressTo: [...awsApiEgress(props), { peer: pushgateway.peer, ports: [WORKLOAD_PORTS.pushgateway] }] },
    });
  }
}
