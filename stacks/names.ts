/**
 * Stack names are part of the contract: state keys, CI matrices and `cdktf deploy 'dev-*'` use them.
 * Renaming one orphans its state.
 */

/** The per-environment layers, in the order they deploy. */
export const ENVIRONMENT_LAYERS = ['network', 'data', 'cluster', 'platform', 'workloads'] as const;
export type EnvironmentLayer = (typeof ENVIRONMENT_LAYERS)[number];

/** Layers that need the cluster's API at plan time: planned only once `<env>-cluster` exists. */
export const CLUSTER_DEPENDENT_LAYERS: readonly EnvironmentLayer[] = ['platform', 'workloads'];

export const BOOTSTRAP_STACK = 'bootstrap';
export const SHARED_STACK = 'shared';

export function stackName(environment: string, layer: EnvironmentLayer): string {
  return `${environment}-${layer}`;
}

/** The S3 key of a stack's state in the shared state bucket. */
export function stateKey(stack: string): string {
  return `${stack}/terraform.tfstate`;
}
