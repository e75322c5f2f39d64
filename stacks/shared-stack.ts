import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { DataAwsKmsKey } from '@cdktf/provider-aws/lib/data-aws-kms-key';
import { GithubActionsOidc, type DeploymentTarget } from '../constructs/iam';
import { ContainerRegistry } from '../constructs/registry';
import type { EnvironmentConfig, SharedConfig } from '../environments';
import { ENVIRONMENT_LAYERS, SHARED_STACK, stackName, stateKey } from './names';
import { PlatformStack, STATE_KEY_ALIAS } from './platform-stack';

/**
 * Account-wide resources every environment uses: the ECR repositories images are built into once
 * and promoted from, and the identities CI uses.
 */
export class SharedStack extends PlatformStack {
  readonly registry: ContainerRegistry;
  readonly ci: GithubActionsOidc;

  constructor(scope: Construct, shared: SharedConfig, environments: readonly EnvironmentConfig[]) {
    super(scope, SHARED_STACK, { shared, backend: 's3' });
    const pullAccounts = [...new Set(environments.map((e) => e.account.id))].filter((id) => id !== shared.account.id);
    this.registry = new ContainerRegistry(this, 'Registry', {
      repositories: shared.registry.repositories,
      keepTaggedImages: shared.registry.keepTaggedImages,
      untaggedExpiryDays: shared.registry.untaggedExpiryDays,
      pullAccountIds: pullAccounts,
    });
    new TerraformOutput(this, 'repository_urls', { value: this.registry.repositoryUrls });

    // CI reaches AWS only through these roles: read-only plans on pull requests, applies from the
    // matching GitHub environment, image pushes from main (of this and the configured caller repositories).
    const targets: DeploymentTarget[] = [
      { name: SHARED_STACK, stateKeys: [stateKey(SHARED_STACK)] },
      ...environments.map((env) => ({
        name: env.name,
        stateKeys: ENVIRONMENT_LAYERS.map((layer) => stateKey(stackName(env.name, layer))),
        planRoleArn: env.account.planRoleArn,
        applyRoleArn: env.account.assumeRoleArn,
      })),
    ];
    // IAM statements need the key's own ARN; the alias resolves to it at plan time.
    const stateEncryptionKey = new DataAwsKmsKey(this, 'StateKey', { keyId: `alias/${STATE_KEY_ALIAS}` });
    this.ci = new GithubActionsOidc(this, 'GithubActions', {
      repository: shared.github.repository,
      stateBucketArn: `arn:aws:s3:::${shared.stateBucket}`,
      stateKmsKeyArn: stateEncryptionKey.arn,
      targets,
      imageRepositoryArns: this.registry.repositoryArns,
      imagePushRepositories: shared.github.imagePushRepositories,
      existingProviderArn: shared.github.existingOidcProviderArn,
    });
    new TerraformOutput(this, 'github_plan_role_arns', { value: this.ci.planRoleArns });
    new TerraformOutput(this, 'github_apply_role_arns', { value: this.ci.applyRoleArns });
    new TerraformOutput(this, 'github_image_push_role_arn', { value: this.ci.imagePushRoleArn });
  }
}
