import { Chart, Duration } from 'cdk8s';
import type { Construct } from 'constructs';
import { imageUri, type ImageReference, type ResourceRequirements } from '../container';
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
}

/** Name of the pipeline in the `pipeline` label of the pipeline metrics. */
export const DATA_VALIDATION_PIPELINE = 'data-validation';

/**
 * The scheduled data-validation run. The image's entrypoint reads `RAW_BUCKET`, runs the expectation
 * suites, writes the results to `PROCESSED_BUCKET` and exits non-zero when any expectation fails, which
 * fails the Job (no retries: a failed expectation fails again) and fires the `PipelineJobFailed` alert.
 * While running it serves `pipeline_*` metrics on `METRICS_PORT` for the PodMonitor.
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
    problems.throwIfAny();

    const metricsPort = 9090;
    this.job = new ScheduledJob(this, 'DataValidation', {
      name: 'data-validation',
      image: imageUri(props.image),
      resources: props.resources,
      schedule: props.schedule,
      timeZone: props.timeZone,
      concurrencyPolicy: 'Forbid',
      // Expectations are deterministic: retrying a failed validation only delays the alert.
      backoffLimit: 0,
      activeDeadline: props.activeDeadline ?? Duration.hours(1),
      args: props.args,
      iamRoleArn: props.iamRoleArn,
      env: {
        RAW_BUCKET: props.rawBucketName,
        PROCESSED_BUCKET: props.processedBucketName,
        PIPELINE_NAME: DATA_VALIDATION_PIPELINE,
        METRICS_PORT: String(metricsPort),
        HOME: '/tmp',
      },
      networkPolicy: { egressTo: awsApiEgress(props) },
      monitoring: { prometheusSelectorLabels: props.prometheusSelectorLabels },
      metricsPort,
    });
  }
}
