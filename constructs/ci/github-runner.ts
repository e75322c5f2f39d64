import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CodebuildProject } from '@cdktf/provider-aws/lib/codebuild-project';
import { CodebuildWebhook } from '@cdktf/provider-aws/lib/codebuild-webhook';
import { CodeconnectionsConnection } from '@cdktf/provider-aws/lib/codeconnections-connection';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { logsMayUseKeyFor } from '../core/grants';
import { nameTags } from '../core/tags';
import { EncryptionKey } from '../encryption/encryption-key';
import { acceptLogRetention, recordSuppression } from '../core/policy-suppression';
import { requireProps } from '../core/props';

/** CodeBuild project (and GitHub runner label prefix) of an environment's in-VPC runners. */
export function runnerProjectName(environment: string): string {
  return `${environment}-github-runner`;
}

/** The `runs-on` label a job uses to get one of these runners (GitHub expression syntax, for documentation and tests). */
export function runnerLabel(project: string): string {
  return `codebuild-${project}-\${{ github.run_id }}-\${{ github.run_attempt }}`;
}

export interface GithubActionsRunnerProps {
  /** Project name, which is also the label prefix: `codebuild-<name>-<run id>-<attempt>`. */
  readonly name: string;
  /** `owner/name` of the repository whose workflow jobs these runners take. */
  readonly repository: string;
  /** VPC the runners run in. */
  readonly vpcId: string;
  /** Private subnets (with a route to the internet through NAT: the runner talks to GitHub and AWS APIs). */
  readonly subnetIds: string[];
  /**
   * ARN of an AWS CodeConnections connection to GitHub (the GitHub app "AWS Connector for GitHub" installed on
   * the repository). CodeBuild creates the repository webhook and fetches runner registration tokens through it.
   * @default - a new connection; it starts PENDING and an administrator completes it once in the console
   * (Developer Tools > Settings > Connections > Update pending connection) before the first runner job
   */
  readonly connectionArn?: string;
  /** @default 'BUILD_GENERAL1_SMALL' (2 vCPU, 3 GB) */
  readonly computeType?: string;
  /** @default 'aws/codebuild/amazonlinux-x86_64-standard:5.0' */
  readonly image?: string;
  /** Longest job, in minutes (CodeBuild's `build_timeout`, 5 to 2160). @default 120 */
  readonly jobTimeoutMinutes?: number;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * AWS CodeBuild-hosted GitHub Actions runners inside the VPC, so jobs reach the private EKS API endpoint.
 *
 * Checked against AWS CodeBuild's user guide ("Tutorial: Configure a CodeBuild-hosted GitHub Actions runner",
 * "Label overrides supported with the CodeBuild-hosted GitHub Actions runner", "GitHub webhook events") and the
 * hashicorp/aws 6.25.0 schema of `aws_codebuild_project`, `aws_codebuild_webhook` and
 * `aws_codeconnections_connection`: the project's source is the GitHub repository, its webhook has one filter group
 * with `EVENT` = `WORKFLOW_JOB_QUEUED` (a build starts when GitHub queues a job whose `runs-on` is
 * `codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}`), and the runner is ephemeral (one job per build).
 *
 * The build's service role is all a job gets from CodeBuild itself, so it may only write its logs and create its
 * network interface: jobs still get AWS access through GitHub OIDC and the `github-*` roles. Egress is HTTPS only.
 */
export class GithubActionsRunner extends Construct {
  readonly project: CodebuildProject;
  readonly projectName: string;
  readonly securityGroup: SecurityGroup;
  readonly securityGroupId: string;
  readonly role: IamRole;
  readonly connectionArn: string;
  /** Set when this construct created the connection (to be completed once in the console). */
  readonly connection?: CodeconnectionsConnection;
  readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: GithubActionsRunnerProps) {
    super(scope, id);
    requireProps(this.node.path, props, { name: 'string', repository: 'string', vpcId: 'string', subnetIds: 'array' });
    validate(props);
    const tags = props.tags ?? {};
    const partition = new DataAwsPartition(this, 'Partition').partition;
    const region = new DataAwsRegion(this, 'Region').region;
    const account = new DataAwsCallerIdentity(this, 'Account').accountId;
    this.projectName = props.name;

    if (props.connectionArn) {
      this.connectionArn = props.connectionArn;
    } else {
      // Connection names are at most 32 characters.
      this.connection = new CodeconnectionsConnection(this, 'Connection', { name: props.name.slice(0, 32), providerType: 'GitHub', tags });
      this.connectionArn = this.connection.arn;
    }

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      name: `${props.name}`,
      description: `GitHub Actions runners of ${props.repository} (CodeBuild)`,
      vpcId: props.vpcId,
      tags: nameTags(props.name, tags),
    });
    this.securityGroupId = this.securityGroup.id;
    // GitHub, AWS APIs, the EKS endpoint, registries: all HTTPS. No inbound rule at all.
    new VpcSecurityGroupEgressRule(this, 'HttpsOut', {
      securityGroupId: this.securityGroup.id,
      description: 'HTTPS to GitHub, AWS APIs and the cluster API',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    });

    const logGroupName = `/aws/codebuild/${props.name}`;
    const logArn = `arn:${partition}:logs:${region}:${account}:log-group:${logGroupName}`;
    const logKey = new EncryptionKey(this, 'LogKey', {
      alias: `${props.name}/logs`,
      description: `Encrypts the logs of the ${props.name} CodeBuild runners`,
      additionalStatements: [logsMayUseKeyFor('CloudWatchLogsEncryptsTheRunnerLogGroup', region, logArn)],
      tags,
    });
    const logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      name: logGroupName,
      retentionInDays: props.logRetentionDays ?? 30,
      kmsKeyId: logKey.keyArn,
      tags: nameTags(logGroupName, tags),
    });
    this.logGroupName = logGroup.name;
    acceptLogRetention(logGroup, props.logRetentionDays ?? 30, 'GithubActionsRunnerProps.logRetentionDays');

    const trust = new DataAwsIamPolicyDocument(this, 'Trust', {
      statement: [
        {
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['codebuild.amazonaws.com'] }],
          condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [account] }],
        },
      ],
    });
    this.role = new IamRole(this, 'Role', { name: props.name, assumeRolePolicy: trust.json, tags });
    const subnetArns = props.subnetIds.map((subnet) => `arn:${partition}:ec2:${region}:${account}:subnet/${subnet}`);
    const permissions = new DataAwsIamPolicyDocument(this, 'Permissions', {
      statement: [
        { sid: 'WriteLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.arn, `${logGroup.arn}:*`] },
        { sid: 'UseConnection', actions: ['codeconnections:GetConnectionToken', 'codeconnections:GetConnection', 'codeconnections:UseConnection'], resources: [this.connectionArn] },
        // What CodeBuild needs to attach a build to the VPC (CodeBuild user guide, "Allow CodeBuild access to ... VPC").
        {
          sid: 'DescribeNetwork',
          actions: ['ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcs'],
          resources: ['*'],
        },
        { sid: 'ManageInterfaces', actions: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface'], resources: ['*'] },
        {
          sid: 'AttachToRunnerSubnets',
          actions: ['ec2:CreateNetworkInterfacePermission'],
          resources: [`arn:${partition}:ec2:${region}:${account}:network-interface/*`],
          condition: [
            { test: 'StringEquals', variable: 'ec2:AuthorizedService', values: ['codebuild.amazonaws.com'] },
            { test: 'ArnEquals', variable: 'ec2:Subnet', values: subnetArns },
          ],
        },
      ],
    });
    recordSuppression(permissions, 'CKV_AWS_111', 'CodeBuild attaching builds to the VPC: ec2:CreateNetworkInterface/DeleteNetworkInterface take "*" in the CodeBuild user guide\'s VPC policy; the permission that binds an interface (CreateNetworkInterfacePermission) is limited to the runner subnets');
    recordSuppression(permissions, 'CKV_AWS_356', 'CodeBuild attaching builds to the VPC: the EC2 Describe* calls have no resource-level permissions and the interface calls take "*" in the CodeBuild user guide\'s VPC policy; binding is limited to the runner subnets');
    new IamRolePolicy(this, 'Policy', { name: props.name, role: this.role.name, policy: permissions.json });

    this.project = new CodebuildProject(this, 'Resource', {
      name: props.name,
      description: `Ephemeral GitHub Actions runners for ${props.repository}, inside the VPC`,
      serviceRole: this.role.arn,
      buildTimeout: props.jobTimeoutMinutes ?? 120,
      // A runner project has no buildspec or artifacts of its own: the job's steps come from the workflow.
      source: {
        type: 'GITHUB',
        location: `https://github.com/${props.repository}.git`,
        auth: { type: 'CODECONNECTIONS', resource: this.connectionArn },
      },
      artifacts: { type: 'NO_ARTIFACTS' },
      environment: {
        type: 'LINUX_CONTAINER',
        computeType: props.computeType ?? 'BUILD_GENERAL1_SMALL',
        image: props.image ?? 'aws/codebuild/amazonlinux-x86_64-standard:5.0',
        imagePullCredentialsType: 'CODEBUILD',
        privilegedMode: false,
      },
      vpcConfig: { vpcId: props.vpcId, subnets: props.subnetIds, securityGroupIds: [this.securityGroup.id] },
      logsConfig: { cloudwatchLogs: { groupName: logGroup.name, status: 'ENABLED' }, s3Logs: { status: 'DISABLED' } },
      tags: nameTags(props.name, tags),
      dependsOn: [logGroup],
    });

    new CodebuildWebhook(this, 'Webhook', {
      projectName: this.project.name,
      buildType: 'BUILD',
      filterGroup: [{ filter: [{ type: 'EVENT', pattern: 'WORKFLOW_JOB_QUEUED' }] }],
    });
  }
}

function validate(props: GithubActionsRunnerProps): void {
  const where = `GithubActionsRunner ${props.name}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{1,254}$/.test(props.name)) throw new Error(`${where}: name must be 2-255 letters, digits, hyphens or underscores`);
  if (!Token.isUnresolved(props.repository) && !/^[\w.-]+\/[\w.-]+$/.test(props.repository)) throw new Error(`${where}: repository ("${props.repository}") must be "owner/name"`);
  if (!Token.isUnresolved(props.subnetIds) && props.subnetIds.length === 0) throw new Error(`${where}: subnetIds must list at least one private subnet`);
  const timeout = props.jobTimeoutMinutes ?? 120;
  if (!Number.isInteger(timeout) || timeout < 5 || timeout > 2160) throw new Error(`${where}: jobTimeoutMinutes (${timeout}) must be an integer from 5 to 2160`);
}
