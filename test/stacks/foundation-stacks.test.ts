import { Testing } from 'cdktf';
import { environments, shared } from '../../environments';
import { BootstrapStack, NetworkStack, REQUIRED_TERRAFORM_VERSION, SharedStack } from '../../stacks';
import { onlyResource, resourcesOf, synthJson, type TerraformJson } from '../helpers';

const all = Object.values(environments);

function providerOf(json: TerraformJson): Record<string, unknown> {
  return json.provider!.aws[0] as Record<string, unknown>;
}

describe('bootstrap stack', () => {
  const json = synthJson(new BootstrapStack(Testing.app(), shared));

  it('keeps its own state locally (it creates the bucket everything else uses)', () => {
    expect(json.terraform!.backend).toEqual({ local: { path: '../../../terraform.bootstrap.tfstate' } });
  });

  it('creates a versioned, KMS-encrypted, TLS-only, private state bucket that cannot be destroyed', () => {
    expect(onlyResource(json, 'aws_s3_bucket')).toMatchObject({ bucket: shared.stateBucket, lifecycle: { prevent_destroy: true } });
    expect(onlyResource(json, 'aws_s3_bucket_versioning')).toMatchObject({ versioning_configuration: { status: 'Enabled' } });
    const [rule] = onlyResource(json, 'aws_s3_bucket_server_side_encryption_configuration').rule as Array<Record<string, Record<string, string>>>;
    expect(rule.apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    expect(onlyResource(json, 'aws_s3_bucket_public_access_block')).toMatchObject({ block_public_policy: true, restrict_public_buckets: true });
    expect(JSON.stringify(json.data!.aws_iam_policy_document)).toContain('aws:SecureTransport');
    expect(onlyResource(json, 'aws_kms_key')).toMatchObject({ enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
  });

  it('keeps a year of state history', () => {
    const rules = onlyResource(json, 'aws_s3_bucket_lifecycle_configuration').rule as Array<Record<string, unknown>>;
    expect(rules.find((r) => r.id === 'expire-old-state-versions')).toMatchObject({
      noncurrent_version_expiration: [{ noncurrent_days: 365, newer_noncurrent_versions: 20 }],
    });
  });
});

describe('shared stack', () => {
  const json = synthJson(new SharedStack(Testing.app(), shared, all));

  it('creates the platform image repositories', () => {
    expect(resourcesOf(json, 'aws_ecr_repository').map((r) => r.name).sort()).toEqual(['data-pipeline', 'data-validation', 'mlflow', 'model-serving']);
  });

  it('lets every environment account pull', () => {
    const policies = JSON.stringify(json.data!.aws_iam_policy_document);
    for (const env of all) expect(policies).toContain(`arn:aws:iam::${env.account.id}:root`);
  });

  it('creates the GitHub OIDC provider and a plan and an apply role per target, plus the image-push role', () => {
    expect(onlyResource(json, 'aws_iam_openid_connect_provider')).toMatchObject({ url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] });
    const roles = resourcesOf(json, 'aws_iam_role').map((r) => r.name).sort();
    const expected = ['shared', ...all.map((e) => e.name)].flatMap((t) => [`github-apply-${t}`, `github-plan-${t}`]);
    expect(roles).toEqual([...expected, 'github-image-push'].sort());
    expect(Object.keys(json.output!)).toEqual(expect.arrayContaining(['github_plan_role_arns', 'github_apply_role_arns', 'github_image_push_role_arn']));
  });

  it('no pull request can assume a production plan role: only main', () => {
    for (const env of all) {
      const role = resourcesOf(json, 'aws_iam_role').find((r) => r.name === `github-plan-${env.name}`)!;
      const subjects = JSON.parse(String(role.assume_role_policy)).Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub'];
      const repo = `repo:${shared.github.repository}`;
      expect({ env: env.name, subjects }).toEqual({
        env: env.name,
        subjects: env.tier === 'production' ? [`${repo}:ref:refs/heads/main`] : [`${repo}:pull_request`, `${repo}:ref:refs/heads/main`],
      });
    }
    expect(all.some((e) => e.tier === 'production')).toBe(true);
  });

  it('gives CI the state key by its ARN, looked up from the alias', () => {
    expect(json.data!.aws_kms_key).toEqual({ StateKey: expect.objectContaining({ key_id: 'alias/terraform-state' }) });
    expect(JSON.stringify(json.resource.aws_iam_role_policy)).toContain('${data.aws_kms_key.StateKey.arn}');
  });

  it('uses the S3 backend with its own key and native locking', () => {
    expect(json.terraform!.backend).toEqual({
      s3: { bucket: shared.stateBucket, key: 'shared/terraform.tfstate', region: shared.account.region, encrypt: true, kms_key_id: `arn:aws:kms:${shared.account.region}:${shared.account.id}:alias/terraform-state`, use_lockfile: true },
    });
    expect(json.terraform!.required_version).toBe(REQUIRED_TERRAFORM_VERSION);
  });
});

describe.each(all.map((env) => [env.name, env] as const))('%s-network stack', (name, env) => {
  const json = synthJson(new NetworkStack(Testing.app(), shared, env));

  it('stores state under its own key with native locking', () => {
    expect(json.terraform!.backend).toEqual({
      s3: { bucket: shared.stateBucket, key: `${name}-network/terraform.tfstate`, region: shared.account.region, encrypt: true, kms_key_id: `arn:aws:kms:${shared.account.region}:${shared.account.id}:alias/terraform-state`, use_lockfile: true },
    });
  });

  it('pins the provider to the environment account and region and tags everything', () => {
    expect(providerOf(json)).toMatchObject({
      region: env.account.region,
      allowed_account_ids: [env.account.id],
      assume_role: [{ role_arn: '${var.aws_role_arn}', session_name: `terraform-${name}-network` }],
      default_tags: [{ tags: expect.objectContaining({ environment: name, owner: env.tags.owner, 'cost-center': env.tags.costCenter, 'managed-by': 'cdktf' }) }],
    });
    expect(json.variable!.aws_role_arn.default).toBe(env.account.assumeRoleArn);
  });

  it(`spans ${env.network.azCount} AZs with NAT mode ${env.network.natMode}`, () => {
    expect(onlyResource(json, 'aws_vpc')).toMatchObject({ cidr_block: env.network.cidr });
    const azs = new Set(resourcesOf(json, 'aws_subnet').map((s) => s.availability_zone));
    expect(azs.size).toBe(env.network.azCount);
    expect(resourcesOf(json, 'aws_nat_gateway')).toHaveLength(env.network.natMode === 'perAz' ? env.network.azCount : 1);
    const flowLogs = resourcesOf(json, 'aws_cloudwatch_log_group').filter((g) => String(g.name).endsWith('/flow-logs'));
    expect(flowLogs.map((g) => g.retention_in_days)).toEqual([env.network.flowLogRetentionDays]);
  });

  it('exports typed outputs', () => {
    expect(Object.keys(json.output!).sort()).toEqual([
      'alarm_topic_arn',
      'ci_runner_connection_arn',
      'ci_runner_project',
      'database_subnet_ids',
      'private_subnet_ids',
      'public_subnet_ids',
      'vpc_id',
    ]);
  });

  it("creates the environment's encrypted alarm topic, its key protected in production", () => {
    expect(onlyResource(json, 'aws_sns_topic')).toMatchObject({ name: `${name}-alarms`, kms_master_key_id: expect.stringContaining('aws_kms_key.AlarmTopic_Key') });
    const alarmKey = Object.entries(json.resource.aws_kms_key).find(([k]) => k.startsWith('AlarmTopic_Key'))![1];
    expect(alarmKey.lifecycle).toEqual(env.tier === 'production' ? { prevent_destroy: true } : undefined);
  });

  it('alarms on every NAT gateway with the configured thresholds', () => {
    const alarms = resourcesOf(json, 'aws_cloudwatch_metric_alarm').filter((a) => a.namespace === 'AWS/NATGateway');
    const nats = resourcesOf(json, 'aws_nat_gateway').length;
    expect(alarms.filter((a) => a.metric_name === 'ErrorPortAllocation')).toHaveLength(nats);
    expect(alarms.filter((a) => a.metric_name === 'PacketsDropCount')).toHaveLength(nats);
    expect(alarms.find((a) => a.metric_name === 'ErrorPortAllocation')!.threshold).toBe(env.observability.thresholds.natErrorPortAllocation);
    expect(alarms.find((a) => a.metric_name === 'PacketsDropCount')!.threshold).toBe(env.observability.thresholds.natPacketsDropped);
    const natIds = new Set(alarms.map((a) => (a.dimensions as Record<string, string>).NatGatewayId));
    expect(natIds.size).toBe(nats);
  });

  it('alarms on the load balancers the controller creates, through Metrics Insights queries', () => {
    const queries = resourcesOf(json, 'aws_cloudwatch_metric_alarm')
      .filter((a) => a.metric_query)
      .map((a) => ({ expression: (a.metric_query as Array<Record<string, unknown>>)[0].expression, threshold: a.threshold }));
    expect(queries).toEqual(
      expect.arrayContaining([
        { expression: 'SELECT SUM(HTTPCode_ELB_5XX_Count) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer)', threshold: env.observability.thresholds.loadBalancer5xxPerFiveMinutes },
        { expression: 'SELECT SUM(HTTPCode_Target_5XX_Count) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer)', threshold: env.observability.thresholds.loadBalancer5xxPerFiveMinutes },
        { expression: 'SELECT MAX(UnHealthyHostCount) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer, TargetGroup)', threshold: 0 },
      ]),
    );
  });

  it('notifies the alarm topic from every alarm, also on recovery', () => {
    const topic = Object.keys(json.resource.aws_sns_topic)[0];
    for (const alarm of resourcesOf(json, 'aws_cloudwatch_metric_alarm')) {
      expect(alarm.alarm_actions).toEqual([`\${aws_sns_topic.${topic}.arn}`]);
      expect(alarm.ok_actions).toEqual([`\${aws_sns_topic.${topic}.arn}`]);
    }
  });
});

describe('alarm subscriptions', () => {
  it('pages the on-call address in prod only', () => {
    const subscriptions = (env: (typeof all)[number]) => resourcesOf(synthJson(new NetworkStack(Testing.app(), shared, env)), 'aws_sns_topic_subscription');
    expect(subscriptions(environments.prod)).toEqual([expect.objectContaining({ protocol: 'email', endpoint: 'ml-platform-oncall@example.com' })]);
    expect(subscriptions(environments.dev)).toEqual([]);
    expect(subscriptions(environments.staging)).toEqual([]);
  });
});

describe('prod network', () => {
  it('spans 3 AZs with a NAT gateway in each', () => {
    const json = synthJson(new NetworkStack(Testing.app(), shared, environments.prod));
    expect(resourcesOf(json, 'aws_nat_gateway')).toHaveLength(3);
    expect(new Set(resourcesOf(json, 'aws_subnet').map((s) => s.availability_zone))).toEqual(new Set(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']));
  });
});
