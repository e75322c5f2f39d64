import { shared } from '../../environments';
import { imageTarget } from '../../tools/ci-matrix/matrix';
import { AWS_CREDENTIALS_ACTION, permissionsOf, workflow } from './workflows';

describe('build-image.yml', () => {
  const build = workflow('build-image.yml');
  const steps = build.jobs.build.steps!;
  const planSteps = build.jobs.plan.steps!;

  test('builds on a push to main that changes workloads/, and stays reusable for other repositories', () => {
    expect(build.on.push).toEqual({ branches: ['main'], paths: ['workloads/**'] });
    const call = build.on.workflow_call as { inputs: Record<string, unknown>; outputs: Record<string, unknown>; secrets?: unknown };
    expect(Object.keys(call.inputs).sort()).toEqual(['context', 'dockerfile', 'fail-on-critical', 'platforms', 'registry', 'repository', 'role-arn', 'tag']);
    expect(Object.keys(call.outputs).sort()).toEqual(['digest', 'image-uri']);
    expect(call.secrets).toBeUndefined();
  });

  test('the default role and registry are what constructs/iam and environments/shared.ts create, also on a push', () => {
    const inputs = (build.on.workflow_call as { inputs: Record<string, { default?: unknown }> }).inputs;
    const expected = imageTarget(shared, shared.registry.repositories[0]);
    expect(inputs['role-arn'].default).toBe(expected.roleArn);
    expect(inputs.registry.default).toBe(expected.registry);
    // On a push there are no inputs: the fallbacks are the same values.
    expect(build.text).toContain(`inputs.role-arn || '${expected.roleArn}'`);
    expect(build.text).toContain(`inputs.registry || '${expected.registry}'`);
  });

  test("plans this repository's workloads with the image-tags tool, and a caller's image from its inputs only", () => {
    for (const step of planSteps.filter((s) => s.uses || s.run?.includes('npm ci'))) expect(step.if).toBe("inputs.repository == ''");
    const plan = planSteps.find((s) => s.id === 'plan')!.run!;
    expect(plan).toContain('npm run --silent image-tags -- plan --before "$BEFORE" --after "$GITHUB_SHA"');
    expect(plan).toMatch(/if \[ -n "\$CALL_REPOSITORY" \]; then[\s\S]*jq -nc/);
    expect(plan).toContain('refs/heads/main');
    expect(planSteps.find((s) => s.run?.includes('npm ci'))!.run).toContain('--ignore-scripts');
    // The job holding the OIDC token runs no npm at all.
    expect(steps.map((s) => s.run ?? '').join('\n')).not.toMatch(/\bnpm\b|tools\/|run-ts/);
    expect(permissionsOf(build.jobs.plan)).toEqual({ contents: 'read' });
  });

  test('builds each planned workload from its Dockerfile, with the role input or the shared default', () => {
    const push = steps.find((s) => s.uses?.startsWith('docker/build-push-action@'))!;
    expect(push.with).toMatchObject({ context: '${{ matrix.context }}', file: '${{ matrix.dockerfile }}' });
    const credentials = steps.find((s) => s.uses?.startsWith(`${AWS_CREDENTIALS_ACTION}@`));
    expect(credentials?.with?.['role-to-assume']).toMatch(/^\$\{\{ inputs\.role-arn \|\| 'arn:aws:iam::\d{12}:role\/github-image-push' \}\}$/);
    expect(permissionsOf(build.jobs.build)).toEqual({ contents: 'read', 'id-token': 'write' });
  });

  test("sets up QEMU before buildx, only for platforms other than the runner's", () => {
    const qemu = steps.findIndex((s) => s.uses?.startsWith('docker/setup-qemu-action@'));
    const buildx = steps.findIndex((s) => s.uses?.startsWith('docker/setup-buildx-action@'));
    expect(qemu).toBeGreaterThanOrEqual(0);
    expect(qemu).toBeLessThan(buildx);
    expect(steps[qemu].if).toBe("steps.target.outputs.qemu-platforms != ''");
  });

  test('pushes as scan-<tag>, and gives the immutable <tag> only after the scan passed, with provenance and an SBOM', () => {
    const push = steps.find((s) => s.uses?.startsWith('docker/build-push-action@'))!;
    expect(push.with).toMatchObject({ push: true, provenance: 'mode=max', sbom: true, tags: '${{ steps.target.outputs.scan-uri }}' });
    const target = steps.find((s) => s.id === 'target')!.run!;
    expect(target).toContain('image-uri=$REGISTRY/$REPOSITORY:$TAG"');
    expect(target).toContain('scan-uri=$REGISTRY/$REPOSITORY:scan-$TAG"');
    expect((build.jobs.build as unknown as { env: Record<string, string> }).env.TAG).toBe('${{ matrix.tag }}');
    const scan = steps.findIndex((s) => s.run?.includes('aws ecr wait image-scan-complete'));
    const tag = steps.findIndex((s) => s.run?.includes('aws ecr put-image'));
    expect(scan).toBeGreaterThan(steps.indexOf(push));
    expect(tag).toBeGreaterThan(scan);
    expect(steps[tag].run).toContain('--image-tag "$TAG"');
    expect(build.text).not.toMatch(/:latest\b/);
  });

  test('waits for the ECR scan, summarizes severities and fails on CRITICAL', () => {
    const script = steps.map((s) => s.run ?? '').join('\n');
    expect(script).toContain('aws ecr wait image-scan-complete');
    expect(script).toContain('aws ecr describe-image-scan-findings');
    expect(script).toContain('$GITHUB_STEP_SUMMARY');
    expect(script).toMatch(/if \[ "\$FAIL_ON_CRITICAL" = "true" \]; then[\s\S]*exit 1/);
  });

  test('opens the pull request moving dev only after every image was built, never for a caller', () => {
    const bump = build.jobs['bump-dev'];
    expect(bump.needs).toEqual(['plan', 'build']);
    expect(bump.if).toContain("inputs.repository == ''");
    expect(permissionsOf(bump)).toEqual({ contents: 'write', 'pull-requests': 'write' });
    const script = bump.steps!.map((s) => s.run ?? '').join('\n');
    expect(script).toContain('image-tags -- set --env dev');
    expect(script).toContain('bash tools/image-tags/open-pr.sh "image-tags/dev-');
    expect(bump.steps!.some((s) => s.uses?.startsWith('aws-actions/'))).toBe(false);
  });
});

describe('promote-image.yml', () => {
  const promote = workflow('promote-image.yml');
  const job = promote.jobs.promote;

  test('is run by hand for staging or prod, and only opens a pull request', () => {
    const dispatch = promote.on.workflow_dispatch as { inputs: { target: { options: string[] } } };
    expect(dispatch.inputs.target.options).toEqual(['staging', 'prod']);
    expect(Object.keys(promote.on)).toEqual(['workflow_dispatch']);
    expect(permissionsOf(job)).toEqual({ contents: 'write', 'pull-requests': 'write' });
    expect(job.steps!.some((s) => s.uses?.startsWith('aws-actions/'))).toBe(false);
  });

  test('staging takes dev\'s tags and prod takes staging\'s', () => {
    const script = job.steps!.map((s) => s.run ?? '').join('\n');
    expect(script).toContain('staging) source=dev ;;');
    expect(script).toContain('prod) source=staging ;;');
    expect(script).toContain('image-tags -- promote --from "$source" --to "$TARGET"');
    expect(script).toContain('bash tools/image-tags/open-pr.sh "image-tags/promote-$TARGET"');
  });

  test('every checkout of the image-tag workflows keeps no credentials', () => {
    for (const wf of [promote, workflow('build-image.yml')]) {
      for (const j of Object.values(wf.jobs)) {
        for (const step of (j.steps ?? []).filter((s) => s.uses?.startsWith('actions/checkout@'))) expect(step.with?.['persist-credentials']).toBe(false);
      }
    }
  });
});
