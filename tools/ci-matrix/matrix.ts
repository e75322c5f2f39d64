/**
 * GitHub Actions matrices derived from `environments/` (the single source of truth): which stacks CI plans
 * and deploys, in which order, and with which roles. Pure functions; `cli.ts` does argv and output.
 */
import { runnerProjectName } from '../../constructs/ci/github-runner';
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
  /**
   * A stack that must have been applied (its state holds resources) before this one can be planned, beyond the
   * states it reads: `<env>-platform` for `<env>-workloads`, whose manifests need the CRDs the platform's Helm
   * releases install (the kubernetes provider reads a CRD's schema at plan time). Empty when none.
   */
  readonly plannedAfter: string;
  /** State key of `plannedAfter`, else empty. */
  readonly plannedAfterStateKey: string;
  /**
   * CodeBuild project whose GitHub Actions runners (in the environment's private subnets) run this stack's jobs,
   * for stacks that talk to the private EKS API endpoint; empty for GitHub-hosted runners. Jobs use the label
   * `codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}`.
   */
  readonly runnerProject: string;
  /**
   * False for production tiers: a pull request runs its own copy of the workflow, so its plans never get the
   * production plan role (which trusts only `main`); production is planned on `main`, before the gated apply.
   */
  readonly planOnPullRequest: boolean;
  /** `development`, `staging`, `production`; `shared` for the shared stack (planned and applied like production). */
  readonly tier: string;
  /**
   * Set by `changedStacks`: true when the base branch has no such stack (a new environment), whose CI roles the
   * `shared` stack creates only when the merge deploys it; its pull-request plan cannot assume them yet.
   */
  readonly newStack?: boolean;
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
      plannedAfter: '',
      plannedAfterStateKey: '',
      runnerProject: '',
      // Its plan role reads only ECR, KMS and IAM metadata (no data, no Secrets): pull requests may plan it.
      planOnPullRequest: true,
      tier: SHARED_STACK,
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
    const plannedAfter = layer === 'workloads' ? stackName(env.name, 'platform') : '';
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
      plannedAfter,
      plannedAfterStateKey: plannedAfter ? stateKey(plannedAfter) : '',
      runnerProject: needsCluster ? runnerProjectName(env.name) : '',
      planOnPullRequest: env.tier !== 'production',
      tier: env.tier,
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

/** Every stack CI plans or deploys, by name: what `deploy-stack.yml` looks its stack up in (`fromJSON(inputs.stacks)[inputs.stack]`). */
export function stacksByName(shared: SharedConfig, environments: readonly EnvironmentConfig[]): Record<string, MatrixEntry> {
  return Object.fromEntries(planMatrix(shared, environments).include.map((e) => [e.stack, e]));
}

/** Reads `<dir>/stacks/<stack>/cdk.tf.json`, or undefined when that stack was not synthesized there. */
export type StackReader = (dir: string, stack: string) => string | undefined;

/** The stacks whose synthesized configuration differs between two cdktf.out directories, and those that do not. */
export interface ChangedStacks {
  /** The plan matrix of the changed stacks and their dependents (empty `include` when none changed). */
  readonly matrix: Matrix;
  /** Stacks planned because a stack they read changed, not their own configuration. */
  readonly dependents: string[];
  /** Changed (or dependent) stacks of production tiers: planned on main, before their gated apply, never here. */
  readonly plannedOnMain: string[];
  readonly unchanged: string[];
}

/** Stack names a synthesized stack reads through `terraform_remote_state` (the state keys it names). */
function upstreamStacks(json: string): string[] {
  const doc = JSON.parse(json) as { data?: { terraform_remote_state?: Record<string, { config?: { key?: unknown } }> } };
  return Object.values(doc.data?.terraform_remote_state ?? {})
    .map((r) => r.config?.key)
    .filter((key): key is string => typeof key === 'string' && key.endsWith('/terraform.tfstate'))
    .map((key) => key.slice(0, -'/terraform.tfstate'.length));
}

/** JSON compared by value: key order and whitespace do not make a stack "changed". */
function sameJson(a: string, b: string): boolean {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : typeof value === 'object' && value !== null
        ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
        : value;
  return JSON.stringify(canonical(JSON.parse(a))) === JSON.stringify(canonical(JSON.parse(b)));
}

/** The pull request's share of `planMatrix`: every stack a pull request may plan (not production tiers). */
export function pullRequestPlanMatrix(shared: SharedConfig, environments: readonly EnvironmentConfig[]): Matrix {
  return { include: planMatrix(shared, environments).include.filter((e) => e.planOnPullRequest) };
}

/**
 * Which stacks to plan on a pull request: those whose `cdk.tf.json` differs from the base branch's (or that the
 * base does not have), plus every stack that reads one of them, transitively (its plan can change through the
 * upstream's outputs), plus the stacks planned after them (`plannedAfter`). The rest are listed as unchanged.
 */
export function changedStacks(
  shared: SharedConfig,
  environments: readonly EnvironmentConfig[],
  read: StackReader,
  headDir: string,
  baseDir: string,
): ChangedStacks {
  const all = planMatrix(shared, environments).include;
  const head = new Map(all.map((e) => [e.stack, read(headDir, e.stack)]));
  for (const [stack, json] of head) {
    if (json === undefined) throw new MatrixError(`${headDir}/stacks/${stack}/cdk.tf.json is missing: run npm run synth first`);
  }
  const added = new Set(all.filter((e) => read(baseDir, e.stack) === undefined).map((e) => e.stack));
  const changed = new Set(all.filter((e) => added.has(e.stack) || !sameJson(read(baseDir, e.stack)!, head.get(e.stack)!)).map((e) => e.stack));
  const readers = new Map<string, string[]>();
  for (const e of all) {
    const after = [...upstreamStacks(head.get(e.stack)!), ...(e.plannedAfter ? [e.plannedAfter] : [])];
    for (const upstream of after) readers.set(upstream, [...(readers.get(upstream) ?? []), e.stack]);
  }
  const selected = new Set(changed);
  const queue = [...changed];
  while (queue.length > 0) {
    for (const reader of readers.get(queue.shift()!) ?? []) {
      if (!selected.has(reader)) {
        selected.add(reader);
        queue.push(reader);
      }
    }
  }
  return {
    matrix: { include: all.filter((e) => selected.has(e.stack) && e.planOnPullRequest).map((e) => ({ ...e, newStack: added.has(e.stack) })) },
    plannedOnMain: all.filter((e) => selected.has(e.stack) && !e.planOnPullRequest).map((e) => e.stack),
    dependents: all.filter((e) => selected.has(e.stack) && !changed.has(e.stack)).map((e) => e.stack),
    unchanged: all.filter((e) => !selected.has(e.stack)).map((e) => e.stack),
  };
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
