import { spawnSync } from 'child_process';
import { parse } from 'yaml';
import { environments, shared } from '../../environments';
import { targetNames } from '../../tools/ci-matrix/matrix';
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
const jobsOf = (w: Workflow): Array<[string, Job]> => Object.entries(w.jobs);
const allJobs = workflows.flatMap((w) => jobsOf(w).map(([id, job]) => [`${w.file}#${id}`, job] as const));
const allSteps = allJobs.flatMap(([where, job]) => (job.steps ?? []).map((step) => [where, step] as const));

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
        for (const [id, callee] of jobsOf(called)) expect({ where: `${called.file}#${id}`, timeout: typeof callee['timeout-minutes'] }).toEqual({ where: `${called.file}#${id}`, timeout: 'number' });
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
      expect({ file: w.file, defaults: (parse(w.text) as { defaults?: unknown }).defaults }).toEqual({ file: w.file, defaults: { run: { shell: 'bash' } } });
    }
    for (const [where, step] of allSteps) expect({ where, shell: (step as { shell?: string }).shell }).toEqual({ where, shell: undefined });
  });

  test('every run script is valid bash', () => {
    for (const [where, step] of allSteps) {
      if (step.run === undefined) continue;
      const result = spawnSync('bash', ['-n'], { input: step.run, encoding: 'utf8' });
      expect({ where, step: step.name ?? step.run.split('\n')[0], stderr: result.stderr, status: result.status }).toEqual({
        where,
        step: step.name ?? step.run.split('\n')[0],
        stderr: '',
        status: 0,
      });
    }
  });

  test('jobs that must run after failures use !cancelled(), not always() (which also runs cancelled runs)', () => {
    for (const [where, job] of allJobs) expect({ where, if: job.if ?? '' }).not.toEqual({ where, if: expect.stringContaining('always()') });
  });

  test('read-only plans (ci.yml, drift.yml) never take the state lock; applies do', () => {
    const planLines = (file: string) =>
      workflow(file)
        .text.split('\n')
        .filter((line) => /terraform\b.*\bplan\b.*-input=false/.test(line));
    for (const file of ['ci.yml', 'drift.yml']) {
      const lines = planLines(file);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(`${file}: ${line.trim()}`).toContain('-lock=false');
        expect(line).not.toContain('-lock-timeout');
      }
    }
    for (const line of planLines('deploy-target.yml')) expect(line).not.toContain('-lock=false');
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

  test('checks run lint, typecheck, test, synth and policy, and upload cdktf.out', () => {
    const runs = (ci.jobs.checks.steps ?? []).map((s) => s.run ?? '');
    for (const command of ['npm ci', 'npm run lint', 'npm run typecheck', 'npm test', 'npm run synth', 'npm run policy']) expect(runs).toContain(command);
    const setupNode = ci.jobs.checks.steps!.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(setupNode?.with?.cache).toBe('npm');
    expect(ci.jobs.checks.steps!.some((s) => s.uses?.startsWith('actions/upload-artifact@') && s.with?.path === 'cdktf.out')).toBe(true);
  });

  test('plans every stack from the ci-matrix with the plan role, and not for forks', () => {
    const plan = ci.jobs.plan;
    expect(plan.if).toBe('github.event.pull_request.head.repo.full_name == github.repository');
    expect(ci.jobs.checks.steps!.some((s) => s.run?.includes('tools/ci-matrix/cli.ts --plan'))).toBe(true);
    const credentials = plan.steps!.find((s) => s.uses?.startsWith(`${AWS_CREDENTIALS_ACTION}@`));
    expect(credentials?.with?.['role-to-assume']).toBe('${{ matrix.planRoleArn }}');
    const scripts = plan.steps!.map((s) => s.run ?? '').join('\n');
    expect(scripts).toContain('terraform init -input=false');
    expect(scripts).toContain('terraform plan -input=false -lock=false -out=tfplan');
    expect(scripts).toMatch(/show -json tfplan > "plans\/\$STACK\.json"/);
    expect(scripts).toContain('export TF_VAR_aws_role_arn="$TARGET_PLAN_ROLE_ARN"');
    expect(scripts).toContain('aws eks describe-cluster');
    expect(plan.steps!.some((s) => s.uses?.startsWith('actions/upload-artifact@') && s.with?.name === 'plan-${{ matrix.stack }}')).toBe(true);
  });

  test('uploads the plan JSON, never the saved plan, and keeps it 30 days for the deploy comparison', () => {
    const plan = ci.jobs.plan;
    const upload = plan.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with).toMatchObject({ name: 'plan-${{ matrix.stack }}', path: 'plans', 'retention-days': 30 });
    const scripts = plan.steps!.map((s) => s.run ?? '').join('\n');
    expect(scripts).not.toMatch(/tfplan"? +"?plans\//);
    expect(scripts).not.toMatch(/\.tfplan\b/);
    // Everything written into plans/ is JSON or a skip note.
    for (const [, file] of scripts.matchAll(/> "(plans\/[^"]+)"/g)) expect(file).toMatch(/^plans\/\$STACK\.(json|skipped)$/);
  });

  test('the report compares cost with the Kubernetes manifests of the pull request (k8s-manifests artifact)', () => {
    const upload = ci.jobs.checks.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@') && s.with?.name === 'k8s-manifests');
    expect(upload?.with).toMatchObject({ path: 'dist/k8s', 'if-no-files-found': 'error' });
    const steps = ci.jobs.report.steps!;
    const download = steps.findIndex((s) => s.uses?.startsWith('actions/download-artifact@') && s.with?.name === 'k8s-manifests');
    expect(download).toBeGreaterThanOrEqual(0);
    expect(steps[download].with?.path).toBe('dist/k8s');
    const render = steps.findIndex((s) => s.run?.includes('cost -- --format markdown'));
    expect(download).toBeLessThan(render);
  });

  test('report and comment run after failed plans but not when the run was cancelled', () => {
    expect(ci.jobs.report.if).toBe("${{ !cancelled() && needs.checks.result == 'success' }}");
    expect(ci.jobs.comment.if).toMatch(/^\$\{\{ !cancelled\(\) && needs\.report\.result == 'success' && /);
  });

  test('the comment job updates one sticky comment found by its marker', () => {
    const marker = ci.env?.COMMENT_MARKER;
    expect(marker).toBe('<!-- mlops-platform-plan -->');
    const script = String(ci.jobs.comment.steps!.find((s) => s.uses?.startsWith('actions/github-script@'))?.with?.script);
    expect(script).toContain('process.env.COMMENT_MARKER');
    expect(script).toContain('updateComment');
    expect(script).toContain('createComment');
    expect(ci.jobs.report.steps!.some((s) => s.run?.includes('echo "$COMMENT_MARKER"'))).toBe(true);
  });

  test('the report compares cost with the base branch built in a worktree, and notes fork runs', () => {
    const script = ci.jobs.report.steps!.map((s) => s.run ?? '').join('\n');
    expect(script).toContain('git worktree add');
    expect(script).toContain('npm run --silent cost -- --format json');
    expect(script).toContain('--compare base-cost.json');
    expect(script).toContain('npm run --silent plan-summary --');
    expect(script).toMatch(/fork/);
  });
});

describe('deploy.yml', () => {
  const deploy = workflow('deploy.yml');
  const target = workflow('deploy-target.yml');

  test('runs on pushes to main and by hand, with an explicit opt-in for unreviewed plans', () => {
    expect(deploy.on.push).toEqual({ branches: ['main'] });
    expect(deploy.on).toHaveProperty('workflow_dispatch.inputs.apply_unreviewed_plan.default', false);
  });

  test('deploys every target from the ci-matrix, shared first, each after the previous one', () => {
    const order = targetNames(Object.values(environments));
    expect(shared.account.id).toBeDefined();
    expect(Object.keys(deploy.jobs)).toEqual(order);
    order.forEach((name, i) => {
      const job = deploy.jobs[name];
      expect(job.uses).toBe('./.github/workflows/deploy-target.yml');
      expect(job.with?.target).toBe(name);
      expect(job.needs).toEqual(i === 0 ? undefined : order[i - 1]);
    });
  });

  test('one deployment of main at a time, never cancelling a running one', () => {
    expect(deploy.concurrency).toEqual({ group: 'deploy', 'cancel-in-progress': false });
    expect(deploy.text).not.toMatch(/queue, never cancel/i);
  });

  test('the reviewed plan comes from the pull request merged as this commit, and a completed run of this repository', () => {
    const script = target.jobs.deploy.steps!.find((s) => s.id === 'reviewed')!.run!;
    expect(script).toContain('.merge_commit_sha == $sha');
    expect(script).toContain('--arg sha "$GITHUB_SHA"');
    expect(script).toContain('.head_repository.full_name == $repo');
    expect(script).toContain('.status == "completed"');
  });

  test('stacks are iterated from an array (children cannot eat the list), at least one, with every plan exit code handled', () => {
    const script = target.jobs.deploy.steps!.map((s) => s.run ?? '').join('\n');
    const code = script
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .join('\n');
    expect(code).not.toMatch(/while\s+(IFS=\S*\s+)?read/);
    expect(script).toContain('mapfile -t stacks');
    expect(script).toContain('for stack in "${stacks[@]}"; do');
    expect(script).toMatch(/if \[ -z "\$\{stacks\[0\]:-\}" \]; then refuse/);
    const exitCodes = /case "\$code" in([\s\S]*?)esac/.exec(script)?.[1] ?? '';
    expect(exitCodes).toMatch(/^\s*0\)/m);
    expect(exitCodes).toMatch(/^\s*2\)/m);
    expect(exitCodes).toMatch(/^\s*\*\) refuse/m);
  });

  test('deploy jobs are bound to the GitHub environment of their target and never overlap', () => {
    const jobs = Object.values(target.jobs);
    expect(jobs).toHaveLength(1);
    for (const job of jobs) {
      expect(job.environment).toBe('${{ inputs.target }}');
      expect(job.concurrency).toEqual({ group: 'deploy-${{ inputs.target }}', 'cancel-in-progress': false });
    }
  });

  test('applies only the saved plan, after comparing its fingerprint with the reviewed one', () => {
    const script = target.jobs.deploy.steps!.map((s) => s.run ?? '').join('\n');
    const applies = script.split('\n').filter((line) => /terraform\b.*\bapply\b/.test(line));
    expect(applies.length).toBeGreaterThan(0);
    for (const line of applies) expect(line.trim()).toMatch(/ apply -input=false -lock-timeout=5m tfplan$/);
    expect(script).toContain('commits/$GITHUB_SHA/pulls');
    expect(script).toContain('gh run download "$RUN_ID"');
    expect(script).toContain('plan-summary -- --fingerprint');
    expect(script).toMatch(/if \[ "\$fresh" != "\$reviewed" \]; then\s+refuse/);
    const credentials = target.jobs.deploy.steps!.find((s) => s.uses?.startsWith(`${AWS_CREDENTIALS_ACTION}@`));
    expect(credentials?.with?.['role-to-assume']).toBe('${{ steps.matrix.outputs.apply-role }}');
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

