import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { ContainerRegistry } from '../constructs/registry';
import type { EnvironmentConfig, SharedConfig } from '../environments';
import { SHARED_STACK } from './names';
import { PlatformStack } from './platform-stack';

/**
 * Account-wide resources every environment uses: the ECR repositories images are built into once
 * and promoted from, and the identities CI uses.
 */
export class SharedStack extends PlatformStack {
  readonly registry: ContainerRegistry;

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
  }
}
