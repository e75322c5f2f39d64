import { ApiObject, JsonPatch, type Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { Construct } from 'constructs';
import type { NetworkRule } from '../network';
import { checkCidr, checkDnsLabel, isUnresolved, PropsProblems } from '../validation';

/** Pod Security Admission labels: enforce, audit and warn at the `restricted` level. */
export const RESTRICTED_POD_SECURITY_LABELS: Readonly<Record<string, string>> = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
};

/** Label every object of a workload chart carries. */
export const ENVIRONMENT_LABEL = 'mlops-platform.dev/environment';

/**
 * HTTPS egress to AWS APIs (S3, STS for IRSA, Secrets Manager). S3 is reached through the VPC gateway
 * endpoint at S3's public addresses, which NetworkPolicy cannot name, hence the whole range on 443 only.
 */
export const DEFAULT_AWS_API_EGRESS_CIDRS: readonly string[] = ['0.0.0.0/0'];

/** Props every workload chart shares. */
export interface WorkloadChartProps {
  /** Environment name (`dev`, `prod`), set as the `mlops-platform.dev/environment` label on every object. */
  readonly environment: string;
  /**
   * Create the Namespace object (with the restricted Pod Security labels). Turn off when something
   * else (a Helm release with `create_namespace`) already owns the namespace.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Ranges the workloads may reach on TCP 443 for AWS APIs.
   * @default DEFAULT_AWS_API_EGRESS_CIDRS (0.0.0.0/0)
   */
  readonly awsApiEgressCidrs?: readonly string[];
  /**
   * Labels the Prometheus instance selects monitors and rules by.
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly prometheusSelectorLabels?: Readonly<Record<string, string>>;
}

/** The chart's namespace, the environment label and, unless turned off, the restricted Namespace object. */
export function setUpWorkloadChart(chart: Chart, props: WorkloadChartProps): void {
  const problems = new PropsProblems(chart.node.path);
  checkDnsLabel(problems, 'environment', props.environment);
  (props.awsApiEgressCidrs ?? []).forEach((cidr, i) => checkCidr(problems, `awsApiEgressCidrs[${i}]`, cidr));
  problems.throwIfAny();
  if (props.createNamespace ?? true) createRestrictedNamespace(chart, chart.namespace as string);
}

export function chartLabels(environment: string): Record<string, string> {
  return { [ENVIRONMENT_LABEL]: environment };
}

/** A Namespace that enforces the `restricted` Pod Security Standard. */
export function createRestrictedNamespace(scope: Construct, name: string): k8s.KubeNamespace {
  const namespace = new k8s.KubeNamespace(scope, 'Namespace', {
    metadata: { name, labels: { ...RESTRICTED_POD_SECURITY_LABELS } },
  });
  // A chart gives every object its namespace; a Namespace is cluster-scoped and must not have one.
  ApiObject.of(namespace).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return namespace;
}

export function awsApiEgress(props: WorkloadChartProps): NetworkRule[] {
  return (props.awsApiEgressCidrs ?? DEFAULT_AWS_API_EGRESS_CIDRS).map((cidr) => ({ peer: { cidr }, ports: [443] }));
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function checkBucketName(problems: PropsProblems, field: string, value: string): void {
  if (isUnresolved(value)) return;
  problems.check(typeof value === 'string' && BUCKET_NAME.test(value), field, `("${String(value)}") must be an S3 bucket name`);
}
