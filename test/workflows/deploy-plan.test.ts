import { spawnSync } from 'child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { fingerprintPlan } from '../../tools/plan-summary/fingerprint';
import { parsePlan } from '../../tools/plan-summary/plan';

/**
 * Runs tools/ci-matrix/deploy-plan.sh (deploy-stack.yml's plan job) with stub `terraform` and `gh` and the real
 * plan-summary, over a plan Terraform wrote: which plans may be applied, and which are refused.
 */
const REPO = path.join(__dirname, '..', '..');
const SCRIPT = path.join(REPO, 'tools', 'ci-matrix', 'deploy-plan.sh');
const PLAN = path.join(REPO, 'test', 'tools', 'plan-summary', 'fixtures', 'real', 'shaped-new-environment-1.13.json');
const FINGERPRINT = fingerprintPlan(parsePlan(readFileSync(PLAN), PLAN));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain CommonJS
const RUN_TS_CACHE = (require('../../tools/run-ts.js') as { cacheDir: string }).cacheDir;
const hasTools = ['bash', 'jq'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);

const STUBS: Record<string, string> = {
  terraform: `#!/usr/bin/env bash
for a in "$@"; do case "$a" in init) exit 0 ;; plan) exit "$STUB_PLAN_EXIT" ;; show) cat "$STUB_PLAN"; exit 0 ;; esac; done
exit 99`,
  // gh run download RUN --repo R --name NAME --dir DIR: copies $STUB_DIR/reviewed/NAME/ when the artifact "exists".
  gh: `#!/usr/bin/env bash
arg() { local want="$1"; shift; while [ "$#" -gt 0 ]; do if [ "$1" = "$want" ]; then echo "$2"; return; fi; shift; done; }
name="$(arg --name "$@")"; dir="$(arg --dir "$@")"
[ -d "$STUB_DIR/reviewed/$name" ] || { echo "no artifact $name" >&2; exit 1; }
mkdir -p "$dir"; cp "$STUB_DIR/reviewed/$name/"* "$dir/"`,
  // npm run --silent plan-summary -- ARGS: the real tool.
  npm: `#!/usr/bin/env bash
shift 4
exec node "${REPO}/tools/run-ts.js" "${REPO}/tools/plan-summary/cli.ts" "$@"`,
};

interface Scenario {
  planExit?: number;
  planOnPullRequest?: boolean;
  reviewedRunId?: string;
  reviewed?: Record<string, string>;
  acceptFresh?: boolean;
  skipReason?: string;
}

function run(scenario: Scenario) {
  const dir = mkdtempSync(path.join(tmpdir(), 'deploy-plan-'));
  try {
    const stub = path.join(dir, 'stub');
    mkdirSync(stub);
    for (const [name, text] of Object.entries(STUBS)) {
      writeFileSync(path.join(stub, name), text);
      chmodSync(path.join(stub, name), 0o755);
    }
    if (scenario.reviewed) {
      mkdirSync(path.join(stub, 'reviewed', 'plan-dev-cluster'), { recursive: true });
      for (const [file, text] of Object.entries(scenario.reviewed)) writeFileSync(path.join(stub, 'reviewed', 'plan-dev-cluster', file), text);
    }
    const work = path.join(dir, 'work');
    mkdirSync(path.join(work, 'cdktf.out', 'stacks', 'dev-cluster'), { recursive: true });
    const output = path.join(dir, 'output');
    const summary = path.join(dir, 'summary');
    writeFileSync(output, '');
    writeFileSync(summary, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', SCRIPT], {
      cwd: work,
      encoding: 'utf8',
      env: {
        PATH: `${stub}:${process.env.PATH ?? ''}`,
        HOME: dir,
        // The scratch HOME would give run-ts (the plan-summary stub) an empty cache: every run transpiling and compiling from scratch.
        RUN_TS_CACHE_DIR: RUN_TS_CACHE,
        STUB_DIR: stub,
        STUB_PLAN: PLAN,
        STUB_PLAN_EXIT: String(scenario.planExit ?? 2),
        STACK: 'dev-cluster',
        ENTRY: JSON.stringify({ environment: scenario.planOnPullRequest === false ? 'prod' : 'dev', planOnPullRequest: scenario.planOnPullRequest ?? true }),
        REVIEWED_RUN_ID: scenario.reviewedRunId ?? '',
        ACCEPT_FRESH_PLANS: String(scenario.acceptFresh ?? false),
        SKIP_REASON: scenario.skipReason ?? '',
        TARGET_PLAN_ROLE_ARN: 'arn:aws:iam::111111111111:role/platform-planner',
        GITHUB_REPOSITORY: 'mlops-platform/infrastructure',
        GITHUB_ACTOR: 'octocat',
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
        RUNNER_TEMP: dir,
      },
    });
    const outputs = Object.fromEntries(readFileSync(output, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const uploaded = path.join(work, 'plans', 'dev-cluster.json');
    return {
      status: result.status,
      stdout: result.stdout,
      outputs,
      summary: readFileSync(summary, 'utf8'),
      uploaded: existsSync(uploaded) ? readFileSync(uploaded, 'utf8') : '',
      fullLeft: existsSync(path.join(dir, 'dev-cluster.plan.json')),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

(hasTools ? describe : describe.skip)('deploy-plan.sh', () => {
  jest.setTimeout(60_000);

  test('a plan equal to the reviewed one may be applied; only the redacted plan is kept, and it is shown', () => {
    const r = run({ reviewedRunId: '42', reviewed: { 'dev-cluster.json': '{}', 'dev-cluster.fingerprint': `${FINGERPRINT}\n` } });
    expect(r).toMatchObject({ status: 0, outputs: { changes: 'true', fingerprint: FINGERPRINT }, fullLeft: false });
    expect(r.summary).toContain('## Plan of `dev-cluster`');
    expect(r.summary).toContain('Equals the plan reviewed on the pull request');
    expect(r.uploaded).toContain('"redacted":true');
    expect(r.uploaded).not.toContain('Pl4intext-Pass');
  });

  test('a plan that differs from the reviewed one is refused', () => {
    const r = run({ reviewedRunId: '42', reviewed: { 'dev-cluster.json': '{}', 'dev-cluster.fingerprint': `${'0'.repeat(64)}\n` } });
    expect(r.status).toBe(1);
    expect(r.outputs.changes).toBeUndefined();
    expect(r.stdout).toContain('The plan differs from the one reviewed on the pull request');
  });

  test('a stack the pull request could not plan yet (new environment) is planned here and may be applied, visibly', () => {
    const r = run({ reviewedRunId: '42', reviewed: { 'dev-cluster.skipped': 'Planned once what it depends on exists: no state yet for `dev-data`.' } });
    expect(r).toMatchObject({ status: 0, outputs: { changes: 'true' } });
    expect(r.summary).toContain('Planned here after what it depends on was applied; the pull request could not plan it');
  });

  test('a production stack is not compared with a pull request: its approvers approve this plan', () => {
    const r = run({ planOnPullRequest: false });
    expect(r).toMatchObject({ status: 0, outputs: { changes: 'true' } });
    expect(r.summary).toContain('This is the plan the approvers of `prod` approve.');
  });

  test('changes without a reviewed plan are refused unless the dispatcher accepts fresh plans for this target', () => {
    expect(run({}).stdout).toContain('No ci.yml run of a merged pull request was found');
    expect(run({ reviewedRunId: '42' }).stdout).toContain('did not plan dev-cluster');
    expect(run({ reviewedRunId: '42', reviewed: { 'dev-cluster.failed': 'x' } }).stdout).toContain("The pull request's plan of dev-cluster failed");
    const accepted = run({ acceptFresh: true });
    expect(accepted).toMatchObject({ status: 0, outputs: { changes: 'true' } });
    expect(accepted.stdout).toContain('::warning title=Unreviewed plan::');
  });

  test('no changes: nothing to apply; an upstream that is still missing or a failed plan is an error', () => {
    expect(run({ planExit: 0 })).toMatchObject({ status: 0, outputs: { changes: 'false' } });
    expect(run({ skipReason: 'no state yet for `dev-data`' })).toMatchObject({ status: 1, outputs: {} });
    expect(run({ planExit: 1 }).stdout).toContain('terraform plan failed (exit 1)');
  });
});
