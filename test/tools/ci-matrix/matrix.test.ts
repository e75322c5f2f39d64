import { environmentInputs, environments, parseEnvironment, shared, type EnvironmentConfig } from '../../../environments';
import { CLUSTER_DEPENDENT_LAYERS, ENVIRONMENT_LAYERS } from '../../../stacks/names';
import { changedStacks, deployMatrix, pullRequestPlanMatrix, deployOrder, imageTarget, MatrixError, planMatrix, targetNames } from '../../../tools/ci-matrix/matrix';

const envs = Object.values(environments);

describe('planMatrix', () => {
  const { include } = planMatrix(shared, envs);

  test('plans every stack except bootstrap: shared, then each environment in deploy order', () => {
    expect(include.map((e) => e.stack)).toEqual([
      'shared',
      ...['dev', 'staging', 'prod'].flatMap((env) => ENVIRONMENT_LAYERS.map((layer) => `${env}-${layer}`)),
    ]);
    expect(include.some((e) => e.stack === 'bootstrap')).toBe(false);
  });

  test('CI roles live in the shared account and are named after the target', () => {
    const dev = include.find((e) => e.stack === 'dev-data')!;
    expect(dev.planRoleArn).toBe(`arn:aws:iam::${shared.account.id}:role/github-plan-dev`);
    expect(dev.applyRoleArn).toBe(`arn:aws:iam::${shared.account.id}:role/github-apply-dev`);
    const sharedEntry = include[0];
    expect(sharedEntry.planRoleArn).toBe(`arn:aws:iam::${shared.account.id}:role/github-plan-shared`);
  });

  test('environment entries carry the environment account roles for the Terraform provider', () => {
    for (const entry of include.filter((e) => e.environment !== 'shared')) {
      const env = environments[entry.environment];
      expect(entry.targetPlanRoleArn).toBe(env.account.planRoleArn);
      expect(entry.targetApplyRoleArn).toBe(env.account.assumeRoleArn);
      expect(entry.region).toBe(env.account.region);
    }
    expect(include[0]).toMatchObject({ environment: 'shared', layer: 'shared', targetPlanRoleArn: '', targetApplyRoleArn: '' });
  });

  test('cluster-dependent layers say so and name their cluster stack', () => {
    for (const entry of include) {
      const dependent = (CLUSTER_DEPENDENT_LAYERS as readonly string[]).includes(entry.layer);
      expect({ stack: entry.stack, needsCluster: entry.needsCluster }).toEqual({ stack: entry.stack, needsCluster: dependent });
      expect(entry.clusterStack).toBe(dependent ? `${entry.environment}-cluster` : '');
      expect(entry.clusterStateKey).toBe(dependent ? `${entry.environment}-cluster/terraform.tfstate` : '');
    }
  });

  test('state location follows the backend contract', () => {
    const entry = include.find((e) => e.stack === 'prod-workloads')!;
    expect(entry).toMatchObject({ stateBucket: shared.stateBucket, stateRegion: shared.account.region, stateKey: 'prod-workloads/terraform.tfstate' });
  });

  test('fails when an environment has no plan role', () => {
    const noPlanner = parseEnvironment({ ...environmentInputs.dev, account: { ...environmentInputs.dev.account, planRoleArn: undefined } });
    expect(() => planMatrix(shared, [noPlanner])).toThrow(MatrixError);
    expect(() => planMatrix(shared, [noPlanner])).toThrow(/dev\.account\.planRoleArn is required/);
  });
});

describe('deployMatrix', () => {
  test('lists one environment in deploy order', () => {
    const { include } = deployMatrix(shared, envs, 'staging');
    expect(include.map((e) => e.layer)).toEqual([...ENVIRONMENT_LAYERS]);
    expect(include.map((e) => e.order)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(include.map((e) => e.applyRoleArn))).toEqual(new Set([`arn:aws:iam::${shared.account.id}:role/github-apply-staging`]));
  });

  test('shared is its own target', () => {
    expect(deployMatrix(shared, envs, 'shared').include.map((e) => e.stack)).toEqual(['shared']);
  });

  test('fails on an unknown target, naming the known ones', () => {
    expect(() => deployMatrix(shared, envs, 'qa')).toThrow(/unknown deployment target "qa"; expected one of shared, dev, staging, prod/);
    expect(() => deployMatrix(shared, envs, 'bootstrap')).toThrow(/unknown deployment target "bootstrap"/);
  });
});

describe('deployOrder', () => {
  test('development, then staging, then production, whatever the input order', () => {
    const reversed: EnvironmentConfig[] = [environments.prod, environments.staging, environments.dev];
    expect(deployOrder(reversed).map((e) => e.name)).toEqual(['dev', 'staging', 'prod']);
    expect(targetNames(reversed)).toEqual(['shared', 'dev', 'staging', 'prod']);
  });
});

describe('imageTarget', () => {
  test('the image-push role and the shared registry', () => {
    expect(imageTarget(shared, 'mlflow')).toEqual({
      roleArn: `arn:aws:iam::${shared.account.id}:role/github-image-push`,
      region: shared.account.region,
      registry: `${shared.account.id}.dkr.ecr.${shared.account.region}.amazonaws.com`,
      repository: 'mlflow',
      repositoryUri: `${shared.account.id}.dkr.ecr.${shared.account.region}.amazonaws.com/mlflow`,
    });
  });

  test('fails on a repository the registry does not have', () => {
    expect(() => imageTarget(shared, 'nginx')).toThrow(/unknown image repository "nginx"; expected one of model-serving/);
  });
});

describe('where and after what each stack is planned', () => {
  const { include } = planMatrix(shared, envs);

  test('stacks that talk to the private EKS API run on their environment\'s in-VPC runner; the rest on GitHub-hosted ones', () => {
    for (const e of include) {
      expect({ stack: e.stack, runner: e.runnerProject }).toEqual({ stack: e.stack, runner: e.needsCluster ? `${e.environment}-github-runner` : '' });
    }
  });

  test('workloads are planned after the platform (its CRDs), which is named with its state key', () => {
    for (const e of include) {
      const after = e.layer === 'workloads' ? `${e.environment}-platform` : '';
      expect({ stack: e.stack, after: e.plannedAfter, key: e.plannedAfterStateKey }).toEqual({ stack: e.stack, after, key: after ? `${after}/terraform.tfstate` : '' });
    }
  });

  test('pull requests never plan production tiers (their plan role trusts only main)', () => {
    for (const e of include) expect({ stack: e.stack, pr: e.planOnPullRequest }).toEqual({ stack: e.stack, pr: e.tier !== 'production' });
    expect(pullRequestPlanMatrix(shared, envs).include.map((e) => e.stack)).toEqual(include.filter((e) => e.tier !== 'production').map((e) => e.stack));
    expect(include.some((e) => !e.planOnPullRequest)).toBe(true);
  });
});

describe('changedStacks', () => {
  const head: Record<string, string> = {};
  for (const e of planMatrix(shared, envs).include) head[e.stack] = JSON.stringify({ resource: { x: { [e.stack]: {} } } });
  // dev-data reads dev-network's state; dev-cluster reads both (the shape cdktf synthesizes).
  const remote = (...stacks: string[]) => Object.fromEntries(stacks.map((s) => [`cross-stack-reference-input-${s}`, { backend: 's3', config: { key: `${s}/terraform.tfstate` } }]));
  head['dev-data'] = JSON.stringify({ data: { terraform_remote_state: remote('dev-network') }, resource: {} });
  head['dev-cluster'] = JSON.stringify({ data: { terraform_remote_state: remote('dev-network', 'dev-data') }, resource: {} });
  head['dev-platform'] = JSON.stringify({ data: { terraform_remote_state: remote('dev-cluster') }, resource: {} });
  head['dev-workloads'] = JSON.stringify({ data: { terraform_remote_state: remote('dev-cluster') }, resource: {} });
  const reader = (base: Record<string, string | undefined>) => (dir: string, stack: string) => (dir === 'head' ? head[stack] : base[stack]);

  test('nothing changed: nothing is planned and every stack is listed as unchanged', () => {
    const result = changedStacks(shared, envs, reader({ ...head }), 'head', 'base');
    expect(result.matrix.include).toEqual([]);
    expect(result.unchanged).toHaveLength(Object.keys(head).length);
  });

  test('key order and whitespace are not changes', () => {
    const base = { ...head, 'prod-data': JSON.stringify(JSON.parse(head['prod-data']), null, 2) };
    expect(changedStacks(shared, envs, reader(base), 'head', 'base').matrix.include).toEqual([]);
  });

  test('a changed stack is planned with every stack that reads it, transitively, and the stacks planned after them', () => {
    const base = { ...head, 'dev-network': '{"resource":{}}' };
    const result = changedStacks(shared, envs, reader(base), 'head', 'base');
    expect(result.matrix.include.map((e) => e.stack)).toEqual(['dev-network', 'dev-data', 'dev-cluster', 'dev-platform', 'dev-workloads']);
    expect(result.dependents).toEqual(['dev-data', 'dev-cluster', 'dev-platform', 'dev-workloads']);
    expect(result.unchanged).toContain('staging-network');
    expect(result.unchanged).not.toContain('dev-data');
  });

  test('a changed production stack is not planned by the pull request but listed as planned on main', () => {
    const base = { ...head, 'prod-data': '{"resource":{}}' };
    const result = changedStacks(shared, envs, reader(base), 'head', 'base');
    expect(result.matrix.include).toEqual([]);
    expect(result.plannedOnMain).toEqual(['prod-data']);
  });

  test('a stack the base branch does not have (a new environment) is changed', () => {
    const base = { ...head, 'staging-network': undefined, 'staging-data': undefined };
    const { include } = changedStacks(shared, envs, reader(base), 'head', 'base').matrix;
    expect(include.map((e) => [e.stack, e.newStack])).toEqual([
      ['staging-network', true],
      ['staging-data', true],
    ]);
    const changedOnly = changedStacks(shared, envs, reader({ ...head, 'dev-data': '{}' }), 'head', 'base').matrix.include;
    expect(changedOnly.map((e) => [e.stack, e.newStack])).toEqual([['dev-data', false], ['dev-cluster', false], ['dev-platform', false], ['dev-workloads', false]]);
  });

  test('fails when the head was not synthesized', () => {
    expect(() => changedStacks(shared, envs, () => undefined, 'cdktf.out', 'base')).toThrow(/cdktf\.out\/stacks\/shared\/cdk\.tf\.json is missing: run npm run synth first/);
  });
});
