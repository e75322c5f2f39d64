/**
 * GitHub Actions matrices derived from `environments/` (the single source of truth): which stacks CI plans
 * and deploys, in which order, and with which roles. Pure functions; `cli.ts` does argv and output.
 */
import { applyRoleName, IMAGE_PUSH_ROLE_NAME, planRoleName, roleArn } from '../../constructs/iam/role-names';
import type { EnvironmentConfig } from '../../environments/schema';
import type { SharedConfig } from '../../environments/shared';
import {
  BOOTSTRAP_STACK,
  CLUSTER_DEPENDENT_LAYERS,
  ENVIRONMENT_LAYERS,
  SHARED_STACK,
  stackName,
  stateKey,
} from '../../stacks/names';

/** One stack in a matrix: everything a job needs to plan or apply it. */
export interface MatrixEntry {
  /** Deployment target: an environment name, or `shared`. Also the GitHub environment applies run in. */
  readonly environment: string;
  readonly stack: string;
  /** Layer of the stack (`network` ... `workloads`), or `shared`. */
  readonly layer: string;
  /** Region of the target's account (the provider's region). */
  readonly region: string;
  /** `github-plan-<target>` in the shared account: what pull-request plans and drift checks assume through OIDC. */
  readonly planRoleArn: string;
  /** `github-apply-<target>` in the shared account: what deployments assume through OIDC. */
  readonly applyRoleArn: string;
  /** The environment's read-only role (`account.planRoleArn`) for `TF_VAR_aws_role_arn`; empty for `shared`. */
  readonly targetPlanRoleArn: string;
  /** The environment's deployer role (`account.assumeRoleArn`), the provider's default; empty for `shared`. */
  readonly targetApplyRoleArn: string;
  /**
   * True for layers that need the cluster's API at plan time; plan them only once `clusterStack` exists and its
   * EKS cluster is ACTIVE. (Every stack is also planned only once the state of each stack it reads exists: CI
   * takes those from the synthesized `data.terraform_remote_state.*.config.key`, what Terraform will read.)
   */
  readonly needsCluster: boolean;
  /** `<env>-cluster` for cluster-dependent stacks, else empty. */
  readonly clusterStack: string;
  /** State key of `clusterStack` (where CI looks for the cluster before planning), else empty. */
  readonly clusterStateKey: string;
  readonly stateBucket: string;
  /** Region of the state bucket (the shared account's region). */
  readonly stateRegion: string;
  readonly stateKey: string;
  /** Position in the deploy order within the target, from 1. */
  readonly order: number;
}

/** The shape `strategy.matrix` takes: `matrix: ${{ fromJSON(needs.x.outputs.matrix) }}`. */
export interface Matrix {
  readonly include: MatrixEntry[];
}

const TIER_ORDER: Record<EnvironmentConfig['tier'], number> = { development: 0, staging: 1, production: 2 };

/** A problem that makes a matrix impossible, with the config path at fault. */
export class MatrixError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MatrixError';
  }
}

/** Environments in the order they deploy: development, then staging, then production (stable within a tier). */
export function deployOrder(environments: readonly EnvironmentConfig[]): EnvironmentConfig[] {
  return environments
    .map((env, index) => ({ env, index }))
    .sort((a, b) => TIER_ORDER[a.env.tier] - TIER_ORDER[b.env.tier] || a.index - b.index)
    .map(({ env }) => env);
}

/** Every deployment target in deploy order: `shared` first, then the environments. */
export function targetNames(environments: readonly EnvironmentConfig[]): string[] {
  return [SHARED_STACK, ...deployOrder(environments).map((e) => e.name)];
}

function sharedEntries(shared: SharedConfig): MatrixEntry[] {
  return [
    {
      environment: SHARED_STACK,
      stack: SHARED_STACK,
      layer: SHARED_STACK,
      region: shared.account.region,
      planRoleArn: roleArn(shared.account.id, planRoleName(SHARED_STACK)),
      applyRoleArn: roleArn(shared.account.id, applyRoleName(SHARED_STACK)),
      targetPlanRoleArn: '',
      targetApplyRoleArn: '',
      needsCluster: false,
      clusterStack: '',
      clusterStateKey: '',
      stateBucket: shared.stateBucket,
      stateRegion: shared.account.region,
      stateKey: stateKey(SHARED_STACK),
      order: 1,
    },
  ];
}

function environmentEntries(shared: SharedConfig, env: EnvironmentConfig): MatrixEntry[] {
  const { planRoleArn, assumeRoleArn } = env.account;
  // Without both roles CI would plan pull requests with the deployer, or deploy with the shared account's roles.
  if (!planRoleArn) throw new MatrixError(`${env.name}.account.planRoleArn is required: pull-request plans assume it (read-only) in account ${env.account.id}`);
  if (!assumeRoleArn) throw new MatrixError(`${env.name}.account.assumeRoleArn is required: deployments assume it in account ${env.account.id}`);
  return ENVIRONMENT_LAYERS.map((layer, index) => {
    const stack = stackName(env.name, layer);
    const needsCluster = CLUSTER_DEPENDENT_LAYERS.includes(layer);
    return {
      environment: env.name,
      stack,
      layer,
      region: env.account.region,
      planRoleArn: roleArn(shared.account.id, planRoleName(env.name)),
      applyRoleArn: roleArn(shared.account.id, applyRoleName(env.name)),
      targetPlanRoleArn: planRoleArn,
      targetApplyRoleArn: assumeRoleArn,
      needsCluster,
      clusterStack: needsCluster ? stackName(env.name, 'cluster') : '',
      clusterStateKey: needsCluster ? stateKey(stackName(env.name, 'cluster')) : '',
      stateBucket: shared.stateBucket,
      stateRegion: shared.account.region,
      stateKey: stateKey(stack),
      order: index + 1,
    };
  });
}

/** Every stack CI plans (all but `bootstrap`, which is run by hand): `shared`, then each environment in deploy order. */
export function planMatrix(shared: SharedConfig, environments: readonly EnvironmentConfig[]): Matrix {
  const include = [...sharedEntries(shared), ...deployOrder(environments).flatMap((env) => environmentEntries(shared, env))];
  if (include.some((e) => e.stack === BOOTSTRAP_STACK)) throw new MatrixError('bootstrap must never be planned or applied by CI');
  return { include };
}

/** The stacks of one target (`shared` or an environment) in the order they deploy. */
export function deployMatrix(shared: SharedConfig, environments: readonly EnvironmentConfig[], target: string): Matrix {
  if (target === SHARED_STACK) return { include: sharedEntries(shared) };
  const env = environments.find((e) => e.name === target);
  if (!env) {
    throw new MatrixError(`unknown deployment target "${target}"; expected one of ${targetNames(environments).join(', ')}`);
  }
  return { include: environmentEntries(shared, env) };
}

/**
 * Where an image build pushes: the image-push role and the repository in the shared account's registry.
 * `build-image.yml` runs in callers' checkouts without our tools, so it takes these as input defaults;
 * test/workflows checks that the defaults equal this.
 */
export interface ImageTarget {
  readonly roleArn: string;
  readonly region: string;
  /** Registry host, `<account>.dkr.ecr.<region>.amazonaws.com`. */
  readonly registry: string;
  readonly repository: string;
  /** `<registry>/<repository>`, to be suffixed with `:<git sha>`. */
  readonly repositoryUri: string;
}

/** The image-push role and registry for `repository`, which must be one of `shared.registry.repositories`. */
export function imageTarget(shared: SharedConfig, repository: string): ImageTarget {
  if (!shared.registry.repositories.includes(repository)) {
    throw new MatrixError(`unknown image repository "${repository}"; expected one of ${shared.registry.repositories.join(', ')}`);
  }
  const registry = `${shared.account.id}.dkr.ecr.${shared.account.region}.amazonaws.com`;
  return {
    roleArn: roleArn(shared.account.id, IMAGE_PUSH_ROLE_NAME),
    region: shared.account.region,
    registry,
    repository,
    repositoryUri: `${registry}/${repository}`,
  };
}
