import { Chart, Duration, Size } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { acceptImmutableImageTags } from './policy-suppression';
import {
  checkEnv,
  checkPodIdentity,
  checkResources,
  commonLabels,
  imageProblem,
  selectorLabels,
  workloadPodSpec,
  type ContainerWorkloadProps,
} from './container';
import { PodMonitor, type ScrapeOptions } from './monitoring';
import { checkPeer, checkRules, createServiceAccount, createWorkloadNetworkPolicy, DEFAULT_METRICS_SCRAPER, type NetworkPeer, type NetworkRule } from './network';
import { checkDnsLabel, checkIntegerInRange, checkLabels, checkPort, checkRoleArn, isUnresolved, PropsProblems } from './validation';
import { requireProps } from '../constructs/core/props';

const CRON_FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, question: true },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'], base: 1 },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], base: 0, question: true },
] as const;

const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/**
 * Why `schedule` is not a cron schedule Kubernetes accepts, or undefined. Five fields (minute hour
 * day-of-month month day-of-week) of `*`, numbers, names (`JAN`, `MON`), ranges, lists and steps, or
 * a macro such as `@daily`. Time zones go in `timeZone`, never `TZ=`/`CRON_TZ=` in the schedule.
 */
export function cronProblem(schedule: string): string | undefined {
  if (typeof schedule !== 'string') return `(${String(schedule)}) must be a string`;
  const trimmed = schedule.trim();
  if (/^(CRON_)?TZ=/.test(trimmed)) return `("${schedule}") must not set a time zone; use the timeZone prop`;
  if (trimmed.startsWith('@')) {
    return CRON_MACROS.includes(trimmed) ? undefined : `("${schedule}") is not a known macro (${CRON_MACROS.join(', ')})`;
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) return `("${schedule}") must have 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`;
  for (let i = 0; i < 5; i++) {
    const spec = CRON_FIELDS[i];
    const toNumber = (text: string): number | undefined => {
      if (/^\d+$/.test(text)) return Number(text);
      const names: readonly string[] | undefined = 'names' in spec ? spec.names : undefined;
      const index = names?.indexOf(text.toUpperCase()) ?? -1;
      return index >= 0 && 'base' in spec ? index + spec.base : undefined;
    };
    const bad = `("${schedule}") has an invalid ${spec.name} field "${fields[i]}" (allowed ${spec.min}-${spec.max})`;
    for (const part of fields[i].split(',')) {
      const [range, step, ...rest] = part.split('/');
      if (rest.length > 0 || (step !== undefined && !/^[1-9]\d*$/.test(step))) return bad;
      if (range === '*' || (range === '?' && 'question' in spec)) continue;
      const bounds = range.split('-');
      if (bounds.length > 2) return bad;
      const numbers = bounds.map(toNumber);
      if (numbers.some((n) => n === undefined || n < spec.min || n > spec.max)) return bad;
      if (numbers.length === 2 && (numbers[0] as number) > (numbers[1] as number)) return bad;
    }
  }
  return undefined;
}

export interface ScheduledJobNetworkPolicyProps {
  /**
   * Where the job's pods may connect (besides DNS).
   * @default [] - nowhere
   */
  readonly egressTo?: readonly NetworkRule[];
  /**
   * Allow DNS lookups against CoreDNS in kube-system.
   * @default true
   */
  readonly allowDns?: boolean;
  /**
   * Who scrapes the metrics port when `monitoring` is set; the only ingress a job ever allows.
   * @default DEFAULT_METRICS_SCRAPER (Prometheus pods in the `monitoring` namespace)
   */
  readonly metricsScraper?: NetworkPeer;
}

export interface ScheduledJobProps extends ContainerWorkloadProps {
  /**
   * Name of the CronJob, ServiceAccount and NetworkPolicy; a DNS label of at most 52 characters (CronJob limit).
   * @default - the construct's id
   */
  readonly name?: string;
  /** Cron schedule, 5 fields (`0 *\/6 * * *`) or a macro (`@daily`), evaluated in `timeZone`. */
  readonly schedule: string;
  /**
   * IANA time zone of the schedule, e.g. `Europe/Paris`.
   * @default - the kube-controller-manager's time zone (UTC on EKS)
   */
  readonly timeZone?: string;
  /**
   * What to do when a run is due while the previous one still runs.
   * @default 'Forbid'
   */
  readonly concurrencyPolicy?: 'Forbid' | 'Allow' | 'Replace';
  /**
   * Retries of a failed pod before the Job fails.
   * @default 2
   */
  readonly backoffLimit?: number;
  /**
   * Longest a run may take before it is killed and failed.
   * @default Duration.hours(1)
   */
  readonly activeDeadline?: Duration;
  /**
   * How late a missed run may still start (at least 10 seconds: the controller checks every 10).
   * @default Duration.minutes(5)
   */
  readonly startingDeadline?: Duration;
  /**
   * Finished successful Jobs kept.
   * @default 3
   */
  readonly successfulJobsHistoryLimit?: number;
  /**
   * Finished failed Jobs kept, for their logs.
   * @default 3
   */
  readonly failedJobsHistoryLimit?: number;
  /**
   * When finished Jobs (and their pods) are deleted; whichever of this and the history limits comes first.
   * @default Duration.days(1)
   */
  readonly ttlAfterFinished?: Duration;
  /**
   * Create the CronJob suspended.
   * @default false
   */
  readonly suspend?: boolean;
  /**
   * @default - no ingress (but the scraper when monitoring is on), DNS egress only
   */
  readonly networkPolicy?: ScheduledJobNetworkPolicyProps;
  /**
   * Scrape the job's pods with a PodMonitor on `metricsPort`.
   * @default - not scraped
   */
  readonly monitoring?: ScrapeOptions;
  /**
   * Container port serving Prometheus metrics, named `metrics`; only with `monitoring`.
   * @default 9090
   */
  readonly metricsPort?: number;
}

/**
 * A batch/v1 CronJob for ingestion and validation runs: `restartPolicy: Never`, restricted security
 * context, its own ServiceAccount (IRSA optional), and a NetworkPolicy without ingress.
 */
export class ScheduledJob extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly podLabels: Readonly<Record<string, string>>;
  public readonly cronJob: k8s.KubeCronJob;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  public readonly podMonitor?: PodMonitor;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    requireProps(this.node.path, props, { schedule: 'string', image: 'string', resources: 'object' });
    this.name = props.name ?? id;
    this.namespace = Chart.of(this).namespace ?? 'default';
    const activeDeadline = props.activeDeadline ?? Duration.hours(1);
    const startingDeadline = props.startingDeadline ?? Duration.minutes(5);
    const ttl = props.ttlAfterFinished ?? Duration.days(1);
    const metricsPort = props.metricsPort ?? 9090;
    const network = props.networkPolicy ?? {};

    const problems = new PropsProblems(this.node.path);
    checkDnsLabel(problems, 'name', this.name);
    problems.check(this.name.length <= 52, 'name', `("${this.name}") must be at most 52 characters (CronJob names get an 11-character suffix per Job)`);
    const image = imageProblem(props.image);
    if (image) problems.add('image', image);
    checkResources(problems, 'resources', props.resources);
    if (!isUnresolved(props.schedule)) {
      const cron = cronProblem(props.schedule);
      if (cron) problems.add('schedule', cron);
    }
    problems.check(
      props.timeZone === undefined || /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(props.timeZone),
      'timeZone',
      `("${props.timeZone}") must be an IANA time zone such as "Europe/Paris" or "UTC"`,
    );
    problems.check(
      props.concurrencyPolicy === undefined || ['Forbid', 'Allow', 'Replace'].includes(props.concurrencyPolicy),
      'concurrencyPolicy',
      `("${props.concurrencyPolicy}") must be Forbid, Allow or Replace`,
    );
    checkIntegerInRange(problems, 'backoffLimit', props.backoffLimit, 0, 100);
    checkIntegerInRange(problems, 'successfulJobsHistoryLimit', props.successfulJobsHistoryLimit, 0, 100);
    checkIntegerInRange(problems, 'failedJobsHistoryLimit', props.failedJobsHistoryLimit, 0, 100);
    problems.check(activeDeadline.toSeconds() >= 1, 'activeDeadline', `(${activeDeadline.toSeconds()}s) must be at least 1 second`);
    problems.check(startingDeadline.toSeconds() >= 10, 'startingDeadline', `(${startingDeadline.toSeconds()}s) must be at least 10 seconds`);
    problems.check(ttl.toSeconds() >= 0, 'ttlAfterFinished', `(${ttl.toSeconds()}s) must not be negative`);
    checkPort(problems, 'metricsPort', metricsPort);
    problems.check(props.metricsPort === undefined || props.monitoring !== undefined, 'metricsPort', 'is only used with monitoring');
    checkEnv(problems, 'env', props.env);
    checkPodIdentity(problems, 'securityContext', props.securityContext);
    checkRoleArn(problems, 'iamRoleArn', props.iamRoleArn);
    checkLabels(problems, 'labels', props.labels);
    checkRules(problems, 'networkPolicy.egressTo', network.egressTo);
    if (network.metricsScraper !== undefined) checkPeer(problems, 'networkPolicy.metricsScraper', network.metricsScraper);
    problems.throwIfAny();

    const selector = selectorLabels(this.name);
    const labels = commonLabels(this.name, 'scheduled-job', props.labels);
    this.podLabels = selector;
    const automount = props.automountServiceAccountToken ?? false;

    this.serviceAccount = createServiceAccount(this, 'ServiceAccount', {
      name: this.name,
      labels,
      iamRoleArn: props.iamRoleArn,
      automountToken: automount,
    });

    this.cronJob = new k8s.KubeCronJob(this, 'CronJob', {
      metadata: { name: this.name, labels },
      spec: {
        schedule: props.schedule.trim(),
        timeZone: props.timeZone,
        concurrencyPolicy: props.concurrencyPolicy ?? 'Forbid',
        startingDeadlineSeconds: startingDeadline.toSeconds(),
        successfulJobsHistoryLimit: props.successfulJobsHistoryLimit ?? 3,
        failedJobsHistoryLimit: props.failedJobsHistoryLimit ?? 3,
        suspend: props.suspend ?? false,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: props.backoffLimit ?? 2,
            activeDeadlineSeconds: activeDeadline.toSeconds(),
            ttlSecondsAfterFinished: ttl.toSeconds(),
            template: {
              metadata: { labels: { ...labels } },
              spec: workloadPodSpec(props, {
                serviceAccountName: this.name,
                automountServiceAccountToken: automount,
                containerName: 'job',
                defaultTmpSize: Size.mebibytes(512),
                pod: { restartPolicy: 'Never' },
                container: { ports: props.monitoring !== undefined ? [{ name: 'metrics', containerPort: metricsPort, protocol: 'TCP' }] : undefined },
              }),
            },
          },
        },
      },
    });
    acceptImmutableImageTags(this.cronJob);

    // Nothing calls a job; only the scraper may reach its metrics port.
    const ingress: NetworkRule[] =
      props.monitoring !== undefined ? [{ peer: network.metricsScraper ?? DEFAULT_METRICS_SCRAPER, ports: [metricsPort] }] : [];
    this.networkPolicy = createWorkloadNetworkPolicy(this, 'NetworkPolicy', {
      name: this.name,
      labels,
      podSelector: selector,
      ingress,
      egress: network.egressTo ?? [],
      allowDns: network.allowDns ?? true,
    });

    if (props.monitoring !== undefined) {
      this.podMonitor = new PodMonitor(this, 'PodMonitor', {
        ...props.monitoring,
        name: this.name,
        namespace: this.namespace,
        podLabels: selector,
        portName: 'metrics',
        labels,
      });
    }
  }
}
