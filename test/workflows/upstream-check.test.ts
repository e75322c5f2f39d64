import { spawnSync } from 'child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { workflow } from './workflows';

/**
 * Runs tools/ci-matrix/upstream-check.sh (the "upstream state exists" step of ci.yml, deploy-stack.yml and
 * drift.yml) as the runner would, against a synthesized stack and a stub `aws` that answers from the scenario:
 * which state objects exist, which are forbidden, what they hold, and what EKS says about the cluster. No network, no AWS.
 */

const BUCKET = 'mlops-platform-tfstate';
const SCRIPT = path.join(__dirname, '..', '..', 'tools', 'ci-matrix', 'upstream-check.sh');
const CHECK_RUN = 'bash tools/ci-matrix/upstream-check.sh';
const upstreamStep = (file: string) => {
  const step = workflow(file).jobs.plan.steps!.find((s) => s.id === 'upstream');
  if (!step?.run) throw new Error(`${file}: no plan step with id "upstream"`);
  return step.run;
};

const hasTools = ['bash', 'jq'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);

/** Stub `aws`: s3api head-object/get-object, configure set, eks describe-cluster. Logs every call. */
const STUB_AWS = `#!/usr/bin/env bash
echo "$*" >> "$STUB_DIR/calls"
arg() { local want="$1"; shift; while [ "$#" -gt 0 ]; do if [ "$1" = "$want" ]; then echo "$2"; return; fi; shift; done; }
case "$1 $2" in
  "s3api head-object")
    key="$(arg --key "$@")"
    if grep -qxF "$key" "$STUB_DIR/denied"; then echo "An error occurred (403) when calling the HeadObject operation: Forbidden" >&2; exit 254; fi
    if grep -qxF "$key" "$STUB_DIR/existing"; then echo '{"ContentLength": 1}'; exit 0; fi
    echo "An error occurred (404) when calling the HeadObject operation: Not Found" >&2; exit 254 ;;
  "s3api get-object")
    key="$(arg --key "$@")"
    for last; do :; done
    if [ -f "$STUB_DIR/state/$key" ]; then cp "$STUB_DIR/state/$key" "$last"; else cp "$STUB_DIR/cluster-state.json" "$last"; fi
    echo '{}' ;;
  "configure set") ;;
  "eks describe-cluster")
    case "$STUB_EKS" in
      notfound) echo "An error occurred (ResourceNotFoundException) when calling the DescribeCluster operation: No cluster found" >&2; exit 254 ;;
      denied) echo "An error occurred (AccessDeniedException) when calling the DescribeCluster operation: denied" >&2; exit 254 ;;
      *) echo "$STUB_EKS" ;;
    esac ;;
  *) echo "stub aws: unexpected call: $*" >&2; exit 99 ;;
esac
`;

interface Scenario {
  stack: string;
  /** Stacks whose state the synthesized stack reads through terraform_remote_state. */
  upstream: string[];
  existing?: string[];
  denied?: string[];
  needsCluster?: boolean;
  clusterName?: string;
  eks?: string;
  /** The stack planned after (`plannedAfter`), and how many managed resources its state holds. */
  plannedAfter?: string;
  plannedAfterResources?: number;
}

interface Outcome {
  status: number | null;
  skip: boolean;
  reason: string;
  stderr: string;
  stdout: string;
  calls: string[];
}

const key = (stack: string) => `${stack}/terraform.tfstate`;

function runCheck(file: string, scenario: Scenario): Outcome {
  const dir = mkdtempSync(path.join(tmpdir(), 'upstream-check-'));
  try {
    const stub = path.join(dir, 'stub');
    mkdirSync(stub);
    writeFileSync(path.join(stub, 'aws'), STUB_AWS);
    chmodSync(path.join(stub, 'aws'), 0o755);
    writeFileSync(path.join(stub, 'existing'), (scenario.existing ?? []).map((s) => `${key(s)}\n`).join(''));
    writeFileSync(path.join(stub, 'denied'), (scenario.denied ?? []).map((s) => `${key(s)}\n`).join(''));
    writeFileSync(path.join(stub, 'calls'), '');
    const resources = scenario.clusterName
      ? [{ type: 'aws_eks_cluster', name: 'Cluster', instances: [{ attributes: { name: scenario.clusterName } }] }]
      : [];
    writeFileSync(path.join(stub, 'cluster-state.json'), JSON.stringify({ version: 4, resources }));
    if (scenario.plannedAfter) {
      mkdirSync(path.join(stub, 'state', scenario.plannedAfter), { recursive: true });
      const held = Array.from({ length: scenario.plannedAfterResources ?? 0 }, (_, i) => ({ mode: 'managed', type: 'helm_release', name: `r${i}`, instances: [] }));
      writeFileSync(path.join(stub, 'state', key(scenario.plannedAfter)), JSON.stringify({ version: 4, resources: [{ mode: 'data', type: 'aws_eks_cluster', name: 'c', instances: [] }, ...held] }));
    }
    // The shape cdktf synthesizes for a cross-stack reference.
    const remote = Object.fromEntries(
      scenario.upstream.map((s) => [
        `cross-stack-reference-input-${s}`,
        { backend: 's3', config: { bucket: BUCKET, key: key(s), region: 'eu-west-1', encrypt: true, use_lockfile: true } },
      ]),
    );
    const stackDir = path.join(dir, 'cdktf.out', 'stacks', scenario.stack);
    mkdirSync(stackDir, { recursive: true });
    writeFileSync(path.join(stackDir, 'cdk.tf.json'), JSON.stringify(scenario.upstream.length ? { data: { terraform_remote_state: remote } } : { resource: {} }));
    const output = path.join(dir, 'github-output');
    writeFileSync(output, '');
    const environment = scenario.stack.split('-')[0];
    expect(upstreamStep(file)).toBe(CHECK_RUN);
    const result = spawnSync('bash', ['--noprofile', '--norc', SCRIPT], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: `${stub}:${process.env.PATH ?? ''}`,
        HOME: dir,
        STUB_DIR: stub,
        STUB_EKS: scenario.eks ?? 'ACTIVE',
        GITHUB_OUTPUT: output,
        STACK: scenario.stack,
        REGION: 'eu-west-1',
        TARGET_PLAN_ROLE_ARN: 'arn:aws:iam::111111111111:role/platform-planner',
        NEEDS_CLUSTER: String(scenario.needsCluster ?? false),
        CLUSTER_STACK: scenario.needsCluster ? `${environment}-cluster` : '',
        CLUSTER_STATE_KEY: scenario.needsCluster ? key(`${environment}-cluster`) : '',
        PLANNED_AFTER: scenario.plannedAfter ?? '',
        PLANNED_AFTER_STATE_KEY: scenario.plannedAfter ? key(scenario.plannedAfter) : '',
        STATE_BUCKET: BUCKET,
      },
    });
    const outputs = Object.fromEntries(
      readFileSync(output, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    return {
      status: result.status,
      skip: outputs.skip === 'true',
      reason: outputs.reason ?? '',
      stderr: result.stderr,
      stdout: result.stdout,
      calls: readFileSync(path.join(stub, 'calls'), 'utf8').split('\n').filter(Boolean),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the upstream state check of ci.yml, deploy-stack.yml and drift.yml', () => {
  test('is the same script in all three workflows', () => {
    for (const file of ['ci.yml', 'deploy-stack.yml', 'drift.yml']) expect({ file, run: upstreamStep(file) }).toEqual({ file, run: CHECK_RUN });
  });

  test('its skip output gates terraform in the pull-request and drift plans, and refuses the deploy plan', () => {
    const gates: Record<string, string> = {
      // ci.yml also skips a new environment's stacks whose plan role `shared` has not created yet.
      'ci.yml': "steps.credentials.outcome == 'success' && steps.upstream.outputs.skip != 'true'",
      'drift.yml': "steps.upstream.outputs.skip != 'true'",
    };
    for (const [file, gate] of Object.entries(gates)) {
      const steps = workflow(file).jobs.plan.steps!;
      const terraform = steps.filter((s) => s.run && /terraform\b.*\b(init|plan)\b/.test(s.run));
      expect(terraform.length).toBeGreaterThan(0);
      for (const step of terraform) expect({ file, step: step.name, if: step.if }).toEqual({ file, step: step.name, if: gate });
    }
    const ci = workflow('ci.yml').jobs.plan.steps!;
    const credentials = ci.find((s) => s.id === 'credentials') as { 'continue-on-error'?: string };
    expect(credentials['continue-on-error']).toBe('${{ matrix.newStack == true }}');
    expect(ci.find((s) => s.name === 'Not planned yet')!.env!.REASON).toContain("planned after `shared`, which creates this new environment''s plan role");
    const decide = workflow('deploy-stack.yml').jobs.plan.steps!.find((s) => s.id === 'plan')!;
    expect(decide.env).toMatchObject({ SKIP_REASON: '${{ steps.upstream.outputs.reason }}' });
    expect(readFileSync(path.join(__dirname, '..', '..', 'tools', 'ci-matrix', 'deploy-plan.sh'), 'utf8')).toMatch(/if \[ -n "\$SKIP_REASON" \]; then\n\s+refuse/);
  });

  (hasTools ? describe : describe.skip)('run against a stub aws', () => {
    test('a stack without upstream state plans, without calling AWS', () => {
      const outcome = runCheck('ci.yml', { stack: 'dev-network', upstream: [] });
      expect(outcome).toMatchObject({ status: 0, skip: false, calls: [] });
    });

    test('a new environment: data is skipped while the network has no state (404), naming it', () => {
      const outcome = runCheck('ci.yml', { stack: 'dev-data', upstream: ['dev-network'] });
      expect(outcome).toMatchObject({ status: 0, skip: true, reason: 'no state yet for `dev-network`' });
      expect(outcome.calls).toEqual([`s3api head-object --bucket ${BUCKET} --key dev-network/terraform.tfstate`]);
    });

    test('every missing upstream stack is named', () => {
      const outcome = runCheck('drift.yml', {
        stack: 'dev-platform',
        upstream: ['dev-cluster', 'dev-data', 'dev-network'],
        existing: ['dev-network'],
        needsCluster: true,
      });
      expect(outcome).toMatchObject({ status: 0, skip: true, reason: 'no state yet for `dev-cluster`, `dev-data`' });
    });

    test('plans once every upstream state exists', () => {
      expect(runCheck('ci.yml', { stack: 'dev-data', upstream: ['dev-network'], existing: ['dev-network'] })).toMatchObject({ status: 0, skip: false });
    });

    test('fails, instead of skipping, when a state object cannot be read (AccessDenied)', () => {
      const outcome = runCheck('ci.yml', { stack: 'dev-data', upstream: ['dev-network'], denied: ['dev-network'] });
      expect(outcome.status).not.toBe(0);
      expect(outcome.skip).toBe(false);
      expect(outcome.stdout).toContain('::error title=Cannot read s3://');
      expect(outcome.stdout).toContain('(403)');
    });

    describe('cluster-dependent stacks', () => {
      const base: Scenario = {
        stack: 'dev-workloads',
        upstream: ['dev-cluster', 'dev-data'],
        existing: ['dev-cluster', 'dev-data'],
        needsCluster: true,
        clusterName: 'mlops-dev',
      };

      test('plan when the cluster is ACTIVE, asking through the environment planner', () => {
        const outcome = runCheck('ci.yml', base);
        expect(outcome).toMatchObject({ status: 0, skip: false });
        expect(outcome.calls).toContain('eks describe-cluster --profile target --region eu-west-1 --name mlops-dev --query cluster.status --output text');
      });

      test('are skipped while the cluster is not ACTIVE or not there', () => {
        expect(runCheck('ci.yml', { ...base, eks: 'CREATING' })).toMatchObject({ status: 0, skip: true, reason: 'cluster `mlops-dev` is CREATING, not ACTIVE' });
        expect(runCheck('ci.yml', { ...base, eks: 'notfound' })).toMatchObject({ status: 0, skip: true, reason: 'cluster `mlops-dev` does not exist' });
        expect(runCheck('ci.yml', { ...base, clusterName: undefined })).toMatchObject({
          status: 0,
          skip: true,
          reason: '`dev-cluster` has not created its EKS cluster yet',
        });
      });

      test('fail when EKS denies the question', () => {
        const outcome = runCheck('ci.yml', { ...base, eks: 'denied' });
        expect(outcome.status).not.toBe(0);
        expect(outcome.skip).toBe(false);
        expect(outcome.stdout).toContain('AccessDeniedException');
      });

      test('workloads are planned after the platform: skipped until its state holds resources, naming it', () => {
        const withPlatform = { ...base, plannedAfter: 'dev-platform', existing: [...base.existing!] };
        expect(runCheck('ci.yml', withPlatform)).toMatchObject({
          status: 0,
          skip: true,
          reason: 'planned after `dev-platform` (it installs the CRDs this stack\'s manifests use), which has no state yet',
        });
        const applied = { ...withPlatform, existing: [...base.existing!, 'dev-platform'] };
        expect(runCheck('ci.yml', { ...applied, plannedAfterResources: 0 })).toMatchObject({
          status: 0,
          skip: true,
          reason: 'planned after `dev-platform` (it installs the CRDs this stack\'s manifests use), which has not been applied yet',
        });
        expect(runCheck('ci.yml', { ...applied, plannedAfterResources: 3 })).toMatchObject({ status: 0, skip: false });
      });

      test('check the cluster state even when the stack does not read it', () => {
        const outcome = runCheck('ci.yml', { ...base, upstream: ['dev-data'], existing: ['dev-data'] });
        expect(outcome).toMatchObject({ status: 0, skip: true, reason: '`dev-cluster` has no state yet' });
      });
    });
  });
});
