import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcrRepositoryPolicy } from '@cdktf/provider-aws/lib/ecr-repository-policy';
import { Construct } from 'constructs';
import { grantId, grantStatements, type Grant, type IRoleReference } from '../core/grants';
import { nameTags } from '../core/tags';
import { EncryptionKey } from '../encryption/encryption-key';
import { requireProps } from '../core/props';

/** Read-only ECR actions an image consumer needs (besides the account-wide `ecr:GetAuthorizationToken`). */
export const ECR_PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] as const;
/** Actions that upload layers and images; a pusher also needs the pull actions to check existing layers. */
export const ECR_PUSH_ACTIONS = [
  'ecr:CompleteLayerUpload',
  'ecr:InitiateLayerUpload',
  'ecr:PutImage',
  'ecr:UploadLayerPart',
  'ecr:DescribeImages',
  'ecr:DescribeImageScanFindings',
] as const;

/** The URL of an ECR repository, known before it exists: `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
export function ecrRepositoryUrl(accountId: string, region: string, repository: string): string {
  return `${accountId}.dkr.ecr.${region}.amazonaws.com/${repository}`;
}

export interface ContainerRegistryProps {
  /** Repository names, e.g. `['model-serving', 'mlflow']`. */
  readonly repositories: string[];
  /**
   * Prefix for every repository name (`platform/model-serving`).
   * @default - no prefix
   */
  readonly namespace?: string;
  /**
   * Tagged images kept per repository; older ones expire.
   * @default 30
   */
  readonly keepTaggedImages?: number;
  /**
   * Days after which untagged images (superseded pushes, failed builds) expire.
   * @default 7
   */
  readonly untaggedExpiryDays?: number;
  /**
   * AWS accounts (12-digit ids) whose principals may pull, e.g. the environments' accounts.
   * @default - none beyond this account's IAM policies
   */
  readonly pullAccountIds?: string[];
  /**
   * Key for encrypting images at rest.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: EncryptionKey;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * ECR repositories for the platform's images: tags can never be overwritten, every push is scanned,
 * images are KMS-encrypted and expire by a lifecycle policy. Repositories are never force-deleted,
 * so `terraform destroy` cannot lose images by accident.
 */
export class ContainerRegistry extends Construct {
  readonly repositories: Record<string, EcrRepository>;
  /** Repository URL by name, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/model-serving`. */
  readonly repositoryUrls: Record<string, string>;
  readonly repositoryArns: string[];
  readonly encryptionKey: EncryptionKey;
  readonly keepTaggedImages: number;
  readonly untaggedExpiryDays: number;

  constructor(scope: Construct, id: string, props: ContainerRegistryProps) {
    super(scope, id);
    requireProps(this.node.path, props, { repositories: 'array' });
    if (props.repositories.length === 0) throw new Error(`${this.node.path}: repositories must name at least one repository`);
    const duplicates = props.repositories.filter((r, i) => props.repositories.indexOf(r) !== i);
    if (duplicates.length > 0) throw new Error(`${this.node.path}: repositories lists "${duplicates[0]}" twice`);
    this.keepTaggedImages = props.keepTaggedImages ?? 30;
    this.untaggedExpiryDays = props.untaggedExpiryDays ?? 7;
    if (!Number.isInteger(this.keepTaggedImages) || this.keepTaggedImages < 1) {
      throw new Error(`${this.node.path}: keepTaggedImages (${this.keepTaggedImages}) must be a positive integer`);
    }
    if (!Number.isInteger(this.untaggedExpiryDays) || this.untaggedExpiryDays < 1) {
      throw new Error(`${this.node.path}: untaggedExpiryDays (${this.untaggedExpiryDays}) must be a positive integer`);
    }
    const tags = props.tags ?? {};
    this.encryptionKey =
      props.encryptionKey ??
      new EncryptionKey(this, 'Key', { alias: `${props.namespace ?? 'platform'}/ecr`, description: 'Encrypts container images in ECR', tags });

    const lifecycle = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          description: `Expire untagged images after ${this.untaggedExpiryDays} days`,
          selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: this.untaggedExpiryDays },
          action: { type: 'expire' },
        },
        {
          rulePriority: 2,
          description: `Keep the last ${this.keepTaggedImages} tagged images`,
          selection: { tagStatus: 'tagged', tagPatternList: ['*'], countType: 'imageCountMoreThan', countNumber: this.keepTaggedImages },
          action: { type: 'expire' },
        },
      ],
    });

    this.repositories = {};
    this.repositoryUrls = {};
    for (const name of props.repositories) {
      const fullName = props.namespace ? `${props.namespace}/${name}` : name;
      const holder = new Construct(this, name);
      const repository = new EcrRepository(holder, 'Resource', {
        name: fullName,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: this.encryptionKey.keyArn }],
        forceDelete: false,
        tags: nameTags(fullName, tags),
      });
      new EcrLifecyclePolicy(holder, 'Lifecycle', { repository: repository.name, policy: lifecycle });
      if (props.pullAccountIds && props.pullAccountIds.length > 0) {
        const policy = new DataAwsIamPolicyDocument(holder, 'PolicyDocument', {
          statement: [
            {
              sid: 'CrossAccountPull',
              principals: [{ type: 'AWS', identifiers: props.pullAccountIds.map((account) => `arn:aws:iam::${account}:root`) }],
              actions: [...ECR_PULL_ACTIONS],
            },
          ],
        });
        new EcrRepositoryPolicy(holder, 'Policy', { repository: repository.name, policy: policy.json });
      }
      this.repositories[name] = repository;
      this.repositoryUrls[name] = repository.repositoryUrl;
    }
    this.repositoryArns = Object.values(this.repositories).map((r) => r.arn);
  }

  /** Lets `role` pull from the given repositories (all by default): an inline policy on the role. */
  grantPull(role: IRoleReference, repositories: string[] = Object.keys(this.repositories)): Grant {
    return grantStatements(this, grantId('PullGrant', role), role, [
      { sid: 'Authenticate', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
      { sid: 'Pull', actions: [...ECR_PULL_ACTIONS], resources: this.arnsOf(repositories) },
    ]);
  }

  /** Lets `role` push to (and pull from) the given repositories (all by default). Tags stay immutable. */
  grantPush(role: IRoleReference, repositories: string[] = Object.keys(this.repositories)): Grant {
    return grantStatements(this, grantId('PushGrant', role), role, [
      { sid: 'Authenticate', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
      { sid: 'PushAndPull', actions: [...ECR_PULL_ACTIONS, ...ECR_PUSH_ACTIONS], resources: this.arnsOf(repositories) },
    ]);
  }

  private arnsOf(names: string[]): string[] {
    return names.map((name) => {
      const repository = this.repositories[name];
      if (!repository) {
        throw new Error(`${this.node.path}: unknown repository "${name}"; known: ${Object.keys(this.repositories).join(', ')}`);
      }
      return repository.arn;
    });
  }
}
