import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GithubActionsRunner, runnerLabel, runnerProjectName } from '../../../constructs/ci/github-runner';
import { resourcesOf, synthJson } from '../../helpers';

function build(props: Partial<ConstructorParameters<typeof GithubActionsRunner>[2]> = {}) {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const runner = new GithubActionsRunner(stack, 'Runner', {
    name: runnerProjectName('dev'),
    repository: 'mlops-platform/infrastructure',
    vpcId: 'vpc-0123456789abcdef0',
    subnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
    ...props,
  });
  return { runner, json: synthJson(stack) };
}

describe('GithubActionsRunner', () => {
  const { runner, json } = build();

  test('a CodeBuild project in the private subnets whose webhook starts a runner per queued workflow job', () => {
    const [project] = resourcesOf(json, 'aws_codebuild_project');
    expect(project).toMatchObject({
      name: 'dev-github-runner',
      source: { type: 'GITHUB', location: 'https://github.com/mlops-platform/infrastructure.git', auth: { type: 'CODECONNECTIONS' } },
      artifacts: { type: 'NO_ARTIFACTS' },
      environment: { type: 'LINUX_CONTAINER', privileged_mode: false },
      vpc_config: { vpc_id: 'vpc-0123456789abcdef0', subnets: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] },
    });
    const [webhook] = resourcesOf(json, 'aws_codebuild_webhook');
    expect(webhook.filter_group).toEqual([{ filter: [{ type: 'EVENT', pattern: 'WORKFLOW_JOB_QUEUED' }] }]);
    expect(runnerLabel(runner.projectName)).toBe('codebuild-dev-github-runner-${{ github.run_id }}-${{ github.run_attempt }}');
  });

  test('connects to GitHub through a CodeConnections connection, so no token is in config or state', () => {
    expect(resourcesOf(json, 'aws_codeconnections_connection')).toEqual([expect.objectContaining({ name: 'dev-github-runner', provider_type: 'GitHub' })]);
    expect(resourcesOf(json, 'aws_codebuild_source_credential')).toEqual([]);
    const given = build({ connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/abc' }).json;
    expect(resourcesOf(given, 'aws_codeconnections_connection')).toEqual([]);
    expect(resourcesOf(given, 'aws_codebuild_project')[0]).toMatchObject({ source: { auth: { resource: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/abc' } } });
  });

  test('HTTPS out only, no inbound rule; logs in a KMS-encrypted group', () => {
    expect(resourcesOf(json, 'aws_vpc_security_group_ingress_rule')).toEqual([]);
    expect(resourcesOf(json, 'aws_vpc_security_group_egress_rule')).toEqual([expect.objectContaining({ from_port: 443, to_port: 443, ip_protocol: 'tcp' })]);
    expect(resourcesOf(json, 'aws_cloudwatch_log_group')[0]).toMatchObject({ name: '/aws/codebuild/dev-github-runner', kms_key_id: expect.stringContaining('aws_kms_key') });
  });

  test('the build role may only write its logs, use the connection and attach to the VPC (jobs get AWS through OIDC)', () => {
    const doc = (json.data!.aws_iam_policy_document as Record<string, { statement: { actions: string[] }[] }>);
    const permissions = Object.entries(doc).find(([key]) => key.includes('Permissions'))![1];
    const actions = permissions.statement.flatMap((s) => s.actions).sort();
    expect(actions.every((a) => /^(logs:(CreateLogStream|PutLogEvents)|codeconnections:|ec2:(Describe|CreateNetworkInterface|DeleteNetworkInterface))/.test(a))).toBe(true);
    expect(actions).not.toContain('sts:AssumeRole');
  });

  test.each([
    [{ name: 'x' }, /name must be 2-255/],
    [{ repository: 'not a repo' }, /repository \("not a repo"\) must be "owner\/name"/],
    [{ subnetIds: [] }, /subnetIds must list at least one private subnet/],
    [{ jobTimeoutMinutes: 3000 }, /jobTimeoutMinutes \(3000\) must be an integer from 5 to 2160/],
  ])('fails on %p', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
