import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, S3Backend, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig, SharedConfig } from '../environments';
import { stateKey } from './names';

/**
 * Terraform `use_lockfile` (S3 native locking) needs 1.10 and write-only arguments (secrets that never
 * reach state) need 1.11; cdktf 0.21 predates both, so they are written as overrides.
 */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.11.0';

/** Alias of the KMS key that encrypts Terraform state (created by the `bootstrap` stack). */
export const STATE_KEY_ALIAS = 'terraform-state';

export function stateKeyAliasArn(shared: SharedConfig): string {
  return `arn:aws:kms:${shared.account.region}:${shared.account.id}:alias/${STATE_KEY_ALIAS}`;
}

export interface PlatformStackProps {
  readonly shared: SharedConfig;
  /** The environment this stack belongs to; omitted for account-wide stacks (`bootstrap`, `shared`). */
  readonly environment?: EnvironmentConfig;
  /** `local` only for `bootstrap`, which creates the bucket every other stack keeps its state in. */
  readonly backend: 'local' | 's3';
}

/**
 * Base of every stack: state in the shared S3 bucket with native locking, an AWS provider pinned to
 * the environment's account and region, and default tags on every resource.
 */
export class PlatformStack extends TerraformStack {
  readonly provider: AwsProvider;
  readonly shared: SharedConfig;
  /** Account and region this stack deploys into. */
  readonly accountId: string;
  readonly region: string;
  /** Name of the environment, or `shared` for account-wide stacks. */
  readonly environmentName: string;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const env = props.environment;
    this.shared = props.shared;
    this.accountId = env?.account.id ?? props.shared.account.id;
    this.region = env?.account.region ?? props.shared.account.region;
    this.environmentName = env?.name ?? 'shared';

    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);
    if (props.backend === 'local') {
      // Terraform runs in cdktf.out/stacks/<id>; keep the state at the repository root, outside the
      // generated output, where a new synth cannot touch it.
      new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    } else {
      new S3Backend(this, {
        bucket: props.shared.stateBucket,
        key: stateKey(id),
        region: props.shared.account.region,
        encrypt: true,
        // Without a key, `encrypt` means SSE-S3 and overrides the bucket's default KMS key.
        kmsKeyId: stateKeyAliasArn(props.shared),
      });
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    }

    // Applies assume the environment's deployer role; CI plans override it with the read-only
    // planner role through TF_VAR_aws_role_arn.
    const deployRole = env?.account.assumeRoleArn;
    const roleVariable = deployRole
      ? new TerraformVariable(this, 'aws_role_arn', {
          type: 'string',
          default: deployRole,
          description: `IAM role Terraform assumes in account ${this.accountId}`,
        })
      : undefined;

    this.provider = new AwsProvider(this, 'aws', {
      region: this.region,
      allowedAccountIds: [this.accountId],
      assumeRole: roleVariable ? [{ roleArn: roleVariable.stringValue, sessionName: `terraform-${id}` }] : undefined,
      defaultTags: [
        {
          tags: {
            environment: this.environmentName,
            owner: env?.tags.owner ?? props.shared.tags.owner,
            'cost-center': env?.tags.costCenter ?? props.shared.tags.costCenter,
            'managed-by': 'cdktf',
            stack: id,
            repository: props.shared.github.repository,
            ...(env?.tags.extra ?? {}),
          },
        },
      ],
    });
  }
}
