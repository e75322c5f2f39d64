import { Release } from '@cdktf/provider-helm/lib/release';
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { stringify } from 'yaml';

/** A Helm chart pinned to one version: bump it deliberately and read the chart's upgrade notes. */
export interface PinnedChart {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
}

export interface PinnedReleaseProps {
  /** Release name. */
  readonly name: string;
  readonly namespace: string;
  readonly chart: PinnedChart;
  /** Chart values, written as one YAML document (typed objects, not dozens of `set` entries). */
  readonly values: unknown;
  /**
   * What must exist first (namespaces, CRDs, service accounts).
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Also wait for the release's Jobs to complete (a failed Job fails, and rolls back, the release).
   * @default false
   */
  readonly waitForJobs?: boolean;
}

/**
 * A Helm release the way every release here is installed: atomic (a failed upgrade rolls back), waiting
 * for its resources to be ready, with bounded history.
 */
export function pinnedRelease(scope: Construct, id: string, props: PinnedReleaseProps): Release {
  return new Release(scope, id, {
    name: props.name,
    namespace: props.namespace,
    ...props.chart,
    values: [stringify(props.values, { lineWidth: 0, aliasDuplicateObjects: false })],
    atomic: true,
    cleanupOnFail: true,
    wait: true,
    waitForJobs: props.waitForJobs,
    timeout: 900,
    maxHistory: 10,
    dependsOn: props.dependsOn,
  });
}
