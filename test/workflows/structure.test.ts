import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { runnerProjectName } from '../../constructs/ci/github-runner';
import { environments, shared } from '../../environments';
import { ENVIRONMENT_LAYERS } from '../../stacks/names';
import { planMatrix, targetNames } from '../../tools/ci-matrix/matrix';
import {
  AWS_CREDENTIALS_ACTION,
  calledWorkflow,
  loadWorkflows,
  permissionsOf,
  usesAwsCredentials,
  workflow,
  type Job,
  type Workflow,
} from './workflows';

const workflows = loadWorkflows();
const TOOLS = path.join(__dirname, '..', '..', 'tools', 'ci-matrix');
const script = (file: string) => readFileSync(path.join(TOOLS, file), 'utf8');
const jobsOf = (w: Workflow): Array<[string, Job]> => Object.entries(w.jobs);
const allJobs = workflows.flatMap((w) => jobsOf(w).map(([id, job]) => [`${w.file}#${id}`, job] as const));
const allSteps = allJobs.flatMap(([where, job]) => (job.steps ?? []).map((step) => [where, step] as const));

/**
 * `bash -n` on each script, its stdin the script as before, all from one bash started once: a spawn
 * from the jest worker costs far more than bash starting bash.
 */
function bashSyntax(scripts: readonly string[]): Array<{ stderr: string; status: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bash-n-'));
  try {
    const files = scripts.map((text, i) => {
      const file = path.join(dir, `${i}.sh`);
      writeFileSync(file, text);
      return file;
    });
    const result = spawnSync('bash', ['-c', 'for f in "$@"; do bash -n < "$f" 2> "$f.stderr"; echo $? > "$f.status"; done', 'bash', ...files], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`bash -n loop failed: ${result.stderr}`);
    return files.map((file) => ({ stderr: readFileSync(`${file}.stderr`, 'utf8'), status: Number(readFileSync(`${file}.status`, 'utf8')) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('every workflow', () => {
  test.each(workflows.map((w) => [w.file, w] as const))('%s has least-privilege top-level permissions', (_file, w) => {
    expect(w.permissions).toBeDefined();
    const granted = Object.entries(typeof w.permissions === 'object' ? w.permissions : { all: String(w.permissions) });
    // `{}` or read access to the code; everything else is widened per job.
    for (const [scope, level] of granted) expect(`${scope}: ${level}`).toBe('contents: read');
  });

  test('every job has timeout-minutes (callers of reusable workflows cannot; their callees do)', () => {
    for (const [where, job] of allJobs) {
      const called = calledWorkflow(job);
      if (called) {
        // A callee that itself calls a workflow is checked as a caller in its own file.
        for (const [id, callee] of jobsOf(called).filter(([, j]) => j.uses === undefined)) {
          expect({ where: `${called.file}#${id}`, timeout: typeof callee['timeout-minutes'] }).toEqual({ where: `${called.file}#${id}`, timeout: 'number' });
        }
      } else {
        expect({ where, timeout: typeof job['timeout-minutes'] }).toEqual({ where, timeout: 'number' });
      }
    }
  });

  test('id-token: write only in jobs that configure AWS credentials, and every such job has it', () => {
    for (const [where, job] of allJobs) {
      const hasIdToken = permissionsOf(job)['id-token'] === 'write';
      expect({ where, hasIdToken }).toEqual({ where, hasIdToken: usesAwsCredentials(job) });
    }
    for (const w of workflows) expect(typeof w.permissions === 'object' ? w.permissions['id-token'] : undefined).toBeUndefined();
  });

  test('pull-requests: write only on the ci.yml comment job, issues: write only on the drift issues job', () => {
    const writers = (scope: string) => allJobs.filter(([, job]) => permissionsOf(job)[scope] === 'write').map(([where]) => where);
    // The image-tag jobs push a branch and open the pull request that moves an environment's tags.
    expect(writers('pull-requests')).toEqual(['build-image.yml#bump-dev', 'ci.yml#comment', 'promote-image.yml#promote']);
    expect(writers('issues')).toEqual(['drift.yml#issues']);
    expect(writers('contents')).toEqual(['build-image.yml#bump-dev', 'promote-image.yml#promote']);
  });

  test('every action is pinned to a full commit SHA with its release in a comment', () => {
    const pins = new Map<string, string>();
    const lines = workflows.flatMap((w) => w.text.split('\n').map((line, i) => [`${w.file}:${i + 1}`, line] as const));
    const usesLines = lines.filter(([, line]) => /^\s*(-\s+)?uses:/.test(line));
    expect(usesLines.length).toBeGreaterThan(10);
    for (const [where, line] of usesLines) {
      const value = line.replace(/^\s*(-\s+)?uses:\s*/, '');
      if (value.startsWith('./')) continue; // a workflow of this repository, pinned by the commit itself
      const match = /^([\w.-]+\/[\w./-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$/.exec(value);
      expect({ where, value, pinned: match !== null }).toEqual({ where, value, pinned: true });
      if (!match) continue;
      // One version of each action across all workflows.
      const previous = pins.get(match[1]);
      expect({ action: match[1], sha: previous ?? match[2] }).toEqual({ action: match[1], sha: match[2] });
      pins.set(match[1], match[2]);
    }
    for (const [where, step] of allSteps) {
      if (step.uses && !step.uses.startsWith('./')) expect(`${where}: ${step.uses}`).not.toMatch(/@(main|master|v\d+(\.\d+)?)$/);
    }
  });

  test('no expression is interpolated into a run script (untrusted input goes through env)', () => {
    for (const [where, step] of allSteps) {
      if (step.run === undefined) continue;
      expect({ where, step: step.name ?? step.run.split('\n')[0], expressions: step.run.match(/\$\{\{[^}]*\}\}/g) ?? [] }).toEqual({
        where,
        step: step.name ?? step.run.split('\n')[0],
        expressions: [],
      });
    }
    for (const w of workflows) expect(w.text).not.toMatch(/run:[^\n]*\$\{\{\s*github\.(event|head_ref)/);
  });

  test('run steps use bash (`-eo pipefail`) through workflow defaults, and no step overrides the shell', () => {
    for (const w of workflows) {
      expect({ file: w.file, defaults: (w as { defaults?: unknown }).defaults }).toEqual({ file: w.file, defaults: { run: { shell: 'bash' } } });
    }
    for (const [where, step] of allSteps) expect({ where, shell: (step as { shell?: string }).shell }).toEqual({ where, shell: undefined });
  });

  test('every run script is valid bash', () => {
    const runs = allSteps.flatMap(([where, step]) => (step.run === undefined ? [] : [{ where, name: step.name, run: step.run }]));
    const results = bashSyntax(runs.map((step) => step.run));
    for (const [i, { where, name, run }] of runs.entries()) {
      const result = results[i];
      expect({ where, step: name ?? run.split('\n')[0], stderr: result.stderr, status: result.status }).toEqual({
        where,
        step: name ?? run.split('\n')[0],
        stderr: '',
        status: 0,
      });
    }
  });

  test('jobs that must run after failures use !cancelled(), not always() (which also runs cancelled runs)', () => {
    for (const [where, job] of allJobs) expect({ where, if: job.if ?? '' }).not.toEqual({ where, if: expect.stringContaining('always()') });
  });

  test('read-only plans never take the state lock; the apply job\'s plan does', () => {
    const planLines = (text: string) => text.split('\n').filter((line) => /terraform\b.*\bplan\b.*-input=false/.test(line));
    for (const [name, text] of [['ci.yml', workflow('ci.yml').text], ['drift.yml', workflow('drift.yml').text], ['deploy-plan.sh', script('deploy-plan.sh')]]) {
      const lines = planLines(text);
      expect({ name, count: lines.length > 0 }).toEqual({ name, count: true });
      for (const line of lines) {
        expect(`${name}: ${line.trim()}`).toContain('-lock=false');
        expect(line).not.toContain('-lock-timeout');
      }
    }
    const applyScript = workflow('deploy-stack.yml').jobs.apply.steps!.map((s) => s.run ?? '').join('\n');
    for (const line of planLines(applyScript)) expect(line).toContain('-lock-timeout=5m');
  });

  test('no job that can mint an AWS token runs install scripts or synthesizes (dependency code would get the token)', () => {
    const withToken = allJobs.filter(([, job]) => permissionsOf(job)['id-token'] === 'write' && !job.uses);
    const calledWithToken = workflows.flatMap((w) =>
      jobsOf(w)
        .filter(([, job]) => job.uses === undefined && permissionsOf(job)['id-token'] === 'write')
        .map(([id, job]) => [`${w.file}#${id}`, job] as const),
    );
    expect(calledWithToken.length).toBeGreaterThanOrEqual(4);
    for (const [where, job] of [...withToken, ...calledWithToken]) {
      const runs = (job.steps ?? []).map((s) => s.run ?? '').join('\n');
      const installs = runs.split('\n').filter((line) => /\bnpm (ci|install|i)\b/.test(line));
      for (const line of installs) expect({ where, line: line.trim() }).toEqual({ where, line: 'npm ci --ignore-scripts' });
      expect({ where, synth: /npm run synth|cdktf synth|npx /.test(runs) }).toEqual({ where, synth: false });
    }
    // Synthesis happens in jobs without a token, and their output reaches the token jobs as an artifact.
    for (const [where, job] of allJobs) {
      if ((job.steps ?? []).some((s) => s.run === 'npm run synth' || (s.run ?? '').includes('check synth npm run synth'))) {
        expect({ where, idToken: permissionsOf(job)['id-token'] }).toEqual({ where, idToken: undefined });
      }
    }
  });

  test('no full `terraform show -json` output is ever uploaded: it stays in $RUNNER_TEMP and only the redacted copy is kept', () => {
    const texts = [...workflows.map((w) => [w.file, w.text] as const), ['deploy-plan.sh', script('deploy-plan.sh')] as const];
    let shows = 0;
    for (const [name, text] of texts) {
      for (const line of text.split('\n').filter((l) => /show -json/.test(l) && !l.trim().startsWith('#'))) {
        shows++;
        expect({ name, line: line.trim() }).toEqual({ name, line: expect.stringMatching(/show -json tfplan > "\$(RUNNER_TEMP\/[^"]+|full)"$/) });
      }
    }
    expect(shows).toBeGreaterThanOrEqual(4);
    for (const [name, text] of texts) {
      for (const [, target] of text.matchAll(/> "((?:plans|drift)\/\$STACK\.json)"/g)) {
        const line = text.split('\n').find((l) => l.includes(`> "${target}"`))!;
        expect({ name, line: line.trim() }).toEqual({ name, line: expect.stringContaining('plan-summary -- --redact') });
      }
    }
  });

  test('the helper scripts the workflows run are valid bash and exist', () => {
    for (const file of ['upstream-check.sh', 'deploy-plan.sh', 'render-comment.sh']) {
      expect(workflows.some((w) => w.text.includes(`bash tools/ci-matrix/${file}`))).toBe(true);
      const result = spawnSync('bash', ['-n', path.join(TOOLS, file)], { encoding: 'utf8' });
      expect({ file, status: result.status, stderr: result.stderr }).toEqual({ file, status: 0, stderr: '' });
    }
  });

  test('jobs on a cluster-dependent stack run on the environment\'s CodeBuild runner in the VPC, with a label of their own', () => {
    const label = /^\$\{\{ (matrix|fromJSON\(inputs\.stacks\)\[inputs\.stack\])\.runnerProject != '' && fromJSON\(format\('\["codebuild-\{0\}-\{1\}-\{2\}","(plan|apply|drift)-\{3\}"\]', \1\.runnerProject, github\.run_id, github\.run_attempt, (matrix\.stack|inputs\.stack)\)\) \|\| 'ubuntu-latest' \}\}$/;
    const runners = [
      ['ci.yml#plan', workflow('ci.yml').jobs.plan],
      ['drift.yml#plan', workflow('drift.yml').jobs.plan],
      ['deploy-stack.yml#plan', workflow('deploy-stack.yml').jobs.plan],
      ['deploy-stack.yml#apply', workflow('deploy-stack.yml').jobs.apply],
    ] as const;
    for (const [where, job] of runners) expect({ where, runsOn: (job as { 'runs-on'?: string })['runs-on'] }).toEqual({ where, runsOn: expect.stringMatching(label) });
    // The project named in the label is the one the network stack creates.
    for (const e of planMatrix(shared, Object.values(environments)).include.filter((x) => x.needsCluster)) expect(e.runnerProject).toBe(runnerProjectName(e.environment));
  });

  test('checkouts never persist the token in .git/config', () => {
    const checkouts = allSteps.filter(([, step]) => step.uses?.startsWith('actions/checkout@'));
    expect(checkouts.length).toBeGreaterThan(0);
    for (const [where, step] of checkouts) expect({ where, persist: step.with?.['persist-credentials'] }).toEqual({ where, persist: false });
  });

  test('Terraform is pinned to a version with S3 native locking (>= 1.10) and runs without the wrapper', () => {
    const setups = allSteps.filter(([, step]) => step.uses?.startsWith('hashicorp/setup-terraform@'));
    expect(setups.length).toBeGreaterThan(0);
    for (const [where, step] of setups) {
      expect({ where, wrapper: step.with?.terraform_wrapper }).toEqual({ where, wrapper: false });
      const file = where.split('#')[0];
      const version = String(step.with?.terraform_version).replace('${{ env.TERRAFORM_VERSION }}', workflow(file).env?.TERRAFORM_VERSION ?? '');
      const [major, minor] = version.split('.').map(Number);
      expect({ where, version, ok: /^\d+\.\d+\.\d+$/.test(version) && (major > 1 || minor >= 10) }).toEqual({ where, version, ok: true });
    }
  });
});

describe('ci.yml', () => {
  const ci = workflow('ci.yml');

  test('runs on pull requests and cancels superseded runs', () => {
    expect(Object.keys(ci.on)).toEqual(['pull_request']);
    expect(ci.concurrency?.['cancel-in-progress']).toBe(true);
  });

  test('checks run lint, typecheck, test, synth and policy, each even after another failed, and upload what the comment needs', () => {
    const checks = ci.jobs.checks.steps!.find((s) => s.name === 'Checks')!.run!;
    for (const command of ['check lint npm run lint', 'check typecheck npm run typecheck', 'check test npm test', 'check synth npm run synth', 'check policy npm run --silent policy']) {
      expect(checks).toContain(command);
    }
    expect(checks).toContain('if ! "$@" 2>&1 | tee "checks/$name.log"; then failed+=("$name"); fi');
    const upload = ci.jobs.checks.steps!.find((s) => s.with?.name === 'checks')!;
    expect(upload.if).toBe('${{ !cancelled() }}');
    expect(ci.jobs.checks.steps!.some((s) => s.uses?.startsWith('actions/upload-artifact@') && s.with?.path === 'cdktf.out')).toBe(true);
  });

  test('plans only the stacks whose synthesized configuration changed against the base branch, and their dependents', () => {
    const changes = ci.jobs.checks.steps!.find((s) => s.id === 'changes')!;
    expect(changes.run).toContain('tools/ci-matrix/cli.ts --changed "$BASE_OUT"');
    expect(ci.jobs.checks.steps!.find((s) => s.id === 'base')!.run).toContain('git worktree add --detach "$base" "$BASE_SHA"');
    const plan = ci.jobs.plan;
    expect(plan.if).toBe("github.event.pull_request.head.repo.full_name == github.repository && needs.checks.outputs.planned != '0'");
    expect((plan as { strategy?: { matrix?: string; 'fail-fast'?: boolean } }).strategy).toEqual({ 'fail-fast': false, matrix: '${{ fromJSON(needs.checks.outputs.matrix) }}' });
    const credentials = plan.steps!.find((s) => s.uses?.startsWith(`${AWS_CREDENTIALS_ACTION}@`));
    expect(credentials?.with?.['role-to-assume']).toBe('${{ matrix.planRoleArn }}');
    const scripts = plan.steps!.map((s) => s.run ?? '').join('\n');
    expect(scripts).toContain('terraform -chdir="$dir" plan -input=false -lock=false -out=tfplan');
    expect(scripts).toContain('export TF_VAR_aws_role_arn="$TARGET_PLAN_ROLE_ARN"');
  });

  test('a failed plan still uploads why, and the artifact holds only redacted JSON, the fingerprint or a note', () => {
    const plan = ci.jobs.plan;
    const upload = plan.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload).toMatchObject({ if: '${{ !cancelled() }}', with: { name: 'plan-${{ matrix.stack }}', path: 'plans', 'retention-days': 30 } });
    const scripts = plan.steps!.map((s) => s.run ?? '').join('\n');
    expect(scripts.indexOf('> "plans/$STACK.failed"')).toBeGreaterThan(0);
    expect(scripts.indexOf('> "plans/$STACK.failed"')).toBeLessThan(scripts.indexOf('terraform -chdir="$dir" init'));
    expect(scripts).toContain('rm -f "$RUNNER_TEMP/plan.json" "plans/$STACK.failed"');
    for (const [, file] of scripts.matchAll(/> "(plans\/[^"]+)"/g)) expect(file).toMatch(/^plans\/\$STACK\.(json|skipped|failed|fingerprint)$/);
    expect(scripts).not.toMatch(/\.tfplan\b/);
  });

  test('the comment is rendered after failed checks too, so it never keeps an older plan', () => {
    expect(ci.jobs.report.if).toBe('${{ !cancelled() }}');
    expect(ci.jobs.report.steps!.some((s) => s.run === 'bash tools/ci-matrix/render-comment.sh > comment.md')).toBe(true);
    expect(ci.jobs.comment.if).toMatch(/^\$\{\{ !cancelled\(\) && needs\.report\.result == 'success' && /);
  });

  test('the comment job updates one sticky comment found by its marker', () => {
    const marker = ci.env?.COMMENT_MARKER;
    expect(marker).toBe('<!-- mlops-platform-plan -->');
    const gh = String(ci.jobs.comment.steps!.find((s) => s.uses?.startsWith('actions/github-script@'))?.with?.script);
    expect(gh).toContain('process.env.COMMENT_MARKER');
    expect(gh).toContain('updateComment');
    expect(gh).toContain('createComment');
    expect(script('render-comment.sh')).toContain('echo "$COMMENT_MARKER"');
  });

  test('the report compares cost with the Kubernetes manifests of the pull request (k8s-manifests artifact)', () => {
    const steps = ci.jobs.report.steps!;
    const download = steps.findIndex((s) => s.uses?.startsWith('actions/download-artifact@') && s.with?.name === 'k8s-manifests');
    expect(steps[download].with?.path).toBe('dist/k8s');
    expect(download).toBeLessThan(steps.findIndex((s) => s.run?.includes('render-comment.sh')));
    expect(script('render-comment.sh')).toContain('--compare checks/base-cost.json');
  });
});

describe('render-comment.sh', () => {
  function render(setup: (dir: string) => void, env: Record<string, string>): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'comment-'));
    try {
      setup(dir);
      const result = spawnSync('bash', [path.join(TOOLS, 'render-comment.sh')], {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', COMMENT_MARKER: '<!-- m -->', CAN_PLAN: 'true', PLAN_RESULT: 'success', ...env },
      });
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
      return result.stdout;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('failed checks replace the plan with what failed, and policy findings are listed', () => {
    const out = render(
      (dir) => {
        mkdirSync(path.join(dir, 'checks'));
        writeFileSync(path.join(dir, 'checks', 'failed'), 'policy\n');
        writeFileSync(path.join(dir, 'checks', 'policy.log'), 'AWS-S3-001  aws_s3_bucket.raw  bucket is not encrypted (cdktf.out/stacks/dev-data/cdk.tf.json)\n1 finding\n');
      },
      { CHECKS_RESULT: 'failure', PLAN_RESULT: 'skipped' },
    );
    expect(out).toMatch(/^<!-- m -->\n/);
    expect(out).toContain('## Checks failed');
    expect(out).toContain('> Failed: `policy`. Nothing was planned');
    expect(out).toContain('## Policy\n\n1 finding(s):\n\n```\nAWS-S3-001  aws_s3_bucket.raw  bucket is not encrypted');
    expect(out).not.toContain('## Terraform plan');
  });

  test('passing checks list unchanged stacks and production stacks planned on main', () => {
    const out = render(
      (dir) => {
        mkdirSync(path.join(dir, 'checks'));
        writeFileSync(path.join(dir, 'checks', 'failed'), '\n');
        writeFileSync(path.join(dir, 'checks', 'policy.log'), '0 findings\n');
        writeFileSync(path.join(dir, 'checks', 'changes.json'), JSON.stringify({ matrix: { include: [] }, dependents: [], plannedOnMain: ['prod-data'], unchanged: ['dev-network', 'dev-data'] }));
        mkdirSync(path.join(dir, 'artifacts', 'plans'), { recursive: true });
        writeFileSync(path.join(dir, 'artifacts', 'plans', 'dev-workloads.skipped'), 'Planned once what it depends on exists: no state yet for `dev-platform`.');
        writeFileSync(path.join(dir, 'artifacts', 'plans', 'dev-cluster.failed'), 'terraform init or plan failed; see the plan job\'s log.');
      },
      { CHECKS_RESULT: 'success', PLAN_RESULT: 'failure' },
    );
    expect(out).toContain('## Policy\n\nNo findings.');
    expect(out).toContain('> - `dev-cluster`: terraform init or plan failed');
    expect(out).toContain('- `dev-workloads`: Planned once what it depends on exists');
    expect(out).toContain('### Planned on `main`');
    expect(out).toContain('approvers see that plan before the gated apply: `prod-data`.');
    expect(out).toContain('2 stacks unchanged');
  });
});

describe('deploy.yml', () => {
  const deploy = workflow('deploy.yml');
  const environmentFlow = workflow('deploy-environment.yml');
  const stackFlow = workflow('deploy-stack.yml');

  test('runs on pushes to main, and by hand for exactly one target, with an explicit opt-in for fresh plans', () => {
    expect(deploy.on.push).toEqual({ branches: ['main'] });
    expect(deploy.on).toHaveProperty('workflow_dispatch.inputs.target.required', true);
    expect(deploy.on).toHaveProperty('workflow_dispatch.inputs.accept_fresh_plans.default', false);
    expect(deploy.text).not.toContain('apply_unreviewed_plan');
    const check = deploy.jobs.prepare.steps!.find((s) => s.id === 'matrix')!.run!;
    expect(check).toContain('is not a deployment target');
    for (const [id, job] of jobsOf(deploy).filter(([id]) => id !== 'prepare')) {
      expect({ id, accept: job.with?.['accept-fresh-plans'] }).toEqual({ id, accept: "${{ github.event_name == 'workflow_dispatch' && inputs.accept_fresh_plans }}" });
      expect({ id, if: job.if }).toEqual({ id, if: expect.stringContaining(`inputs.target == '${id}'`) });
    }
  });

  test('deploys every target from the ci-matrix, shared first, each environment after the previous target', () => {
    const order = targetNames(Object.values(environments));
    expect(Object.keys(deploy.jobs)).toEqual(['prepare', ...order]);
    expect(deploy.jobs.shared).toMatchObject({ uses: './.github/workflows/deploy-stack.yml', with: { stack: 'shared' } });
    order.slice(1).forEach((name, i) => {
      const job = deploy.jobs[name];
      expect(job.uses).toBe('./.github/workflows/deploy-environment.yml');
      expect(job.with?.environment).toBe(name);
      expect(job.needs).toEqual(['prepare', order[i]]);
      expect(job.if).toContain(`needs.${order[i]}.result == 'success'`);
    });
  });

  test('an environment deploys its layers in stacks/names.ts order, each planned after the previous one applied', () => {
    expect(Object.keys(environmentFlow.jobs)).toEqual([...ENVIRONMENT_LAYERS]);
    ENVIRONMENT_LAYERS.forEach((layer, i) => {
      const job = environmentFlow.jobs[layer];
      expect(job.uses).toBe('./.github/workflows/deploy-stack.yml');
      expect(job.with?.stack).toBe(`\${{ inputs.environment }}-${layer}`);
      expect(job.needs).toEqual(i === 0 ? undefined : ENVIRONMENT_LAYERS[i - 1]);
    });
  });

  test('synthesis happens once, in the prepare job, which holds no OIDC token', () => {
    const prepare = deploy.jobs.prepare;
    expect(permissionsOf(prepare)).toEqual({ contents: 'read', actions: 'read', 'pull-requests': 'read' });
    expect(prepare.steps!.some((s) => s.run === 'npm run synth')).toBe(true);
    expect(prepare.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))?.with?.name).toBe('deploy-cdktf-out');
    for (const job of Object.values(stackFlow.jobs)) {
      expect(job.steps!.find((s) => s.uses?.startsWith('actions/download-artifact@'))?.with?.name).toBe('deploy-cdktf-out');
    }
  });

  test('no workflow-level concurrency: applies are serialised per stack, so prod waiting for approval blocks nothing else', () => {
    expect(deploy.concurrency).toBeUndefined();
    expect(stackFlow.concurrency).toBeUndefined();
    expect(stackFlow.jobs.apply.concurrency).toEqual({ group: 'apply-${{ inputs.stack }}', 'cancel-in-progress': false });
  });

  test('the plan comes first and unguarded; the apply is gated by the target\'s environment and applies only that plan', () => {
    const { plan, apply } = stackFlow.jobs;
    expect(plan.environment).toBeUndefined();
    expect(plan.steps!.find((s) => s.uses?.startsWith(`${AWS_CREDENTIALS_ACTION}@`))?.with?.['role-to-assume']).toBe('${{ fromJSON(inputs.stacks)[inputs.stack].planRoleArn }}');
    expect(apply.needs).toBe('plan');
    expect(apply.if).toBe("needs.plan.outputs.changes == 'true'");
    expect(apply.environment).toBe('${{ fromJSON(inputs.stacks)[inputs.stack].environment }}');
    expect(apply.steps!.find((s) => s.uses?.startsWith(`${AWS_CREDENTIALS_ACTION}@`))?.with?.['role-to-assume']).toBe('${{ fromJSON(inputs.stacks)[inputs.stack].applyRoleArn }}');
    const applyScript = apply.steps!.map((s) => s.run ?? '').join('\n');
    expect(applyScript).toMatch(/if \[ "\$fresh" != "\$APPROVED_FINGERPRINT" \]; then\n[^\n]*\n\s*exit 1\n\s*fi\n\s*terraform -chdir="\$dir" apply -input=false -lock-timeout=5m tfplan/);
    for (const line of applyScript.split('\n').filter((l) => /terraform\b.*\bapply\b/.test(l))) expect(line.trim()).toMatch(/ apply -input=false -lock-timeout=5m tfplan$/);
  });

  test('the reviewed plan comes from the pull request merged as this commit, and a completed run of this repository', () => {
    const find = deploy.jobs.prepare.steps!.find((s) => s.id === 'reviewed')!.run!;
    expect(find).toContain('.merge_commit_sha == $sha');
    expect(find).toContain('--arg sha "$GITHUB_SHA"');
    expect(find).toContain('.head_repository.full_name == $repo');
    expect(find).toContain('.status == "completed"');
  });
});

describe('drift.yml', () => {
  const drift = workflow('drift.yml');

  test('runs on a schedule and by hand', () => {
    expect(Object.keys(drift.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
  });

  test('plans with the plan roles and -detailed-exitcode', () => {
    const credentials = drift.jobs.plan.steps!.find((s) => s.uses?.startsWith(`${AWS_CREDENTIALS_ACTION}@`));
    expect(credentials?.with?.['role-to-assume']).toBe('${{ matrix.planRoleArn }}');
    expect(drift.jobs.plan.steps!.map((s) => s.run ?? '').join('\n')).toContain('-detailed-exitcode');
  });

  test('the report downloads exactly the per-stack status artifacts', () => {
    const uploads = Object.values(drift.jobs)
      .flatMap((job) => job.steps ?? [])
      .filter((s) => s.uses?.startsWith('actions/upload-artifact@'))
      .map((s) => String(s.with?.name));
    expect(uploads).toEqual(expect.arrayContaining(['drift-cdktf-out', 'drift-report']));
    const download = drift.jobs.report.steps!.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    const pattern = String(download.with?.pattern);
    const glob = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    expect(uploads.filter((name) => glob.test(name))).toEqual(['drift-status-${{ matrix.stack }}']);
  });

  test('report and issues run after failed checks but not when the run was cancelled', () => {
    expect(drift.jobs.report.if).toBe("${{ !cancelled() && needs.synth.result == 'success' }}");
    expect(drift.jobs.issues.if).toBe("${{ !cancelled() && needs.report.result == 'success' }}");
  });

  test('keeps one issue per target: found by title and label, updated, or closed', () => {
    const script = drift.jobs.issues.steps!.map((s) => s.run ?? '').join('\n');
    expect(script).toContain('title="Drift detected in $target"');
    expect(script).toContain('--label drift');
    expect(script).toContain('gh issue edit');
    expect(script).toContain('gh issue create');
    expect(script).toContain('gh issue close');
  });
});

