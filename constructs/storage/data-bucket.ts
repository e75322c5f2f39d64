import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import type { S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { grantId, grantStatements, kmsViaService, type Grant, type IRoleReference } from '../core/grants';
import { SecureBucket } from './secure-bucket';
import { requireProps } from '../core/props';

/** Read access to objects: what a consumer of a data bucket needs. */
export const BUCKET_READ_ACTIONS = ['s3:GetObject'] as const;
/** Write access on top of read: upload, overwrite, delete, and clean up failed multipart uploads. */
export const BUCKET_WRITE_ACTIONS = ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'] as const;

function checkBucketName(path: string, name: string): void {
  if (Token.isUnresolved(name)) return;
  if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name) || name.includes('--')) {
    throw new Error(`${path}: bucketName ("${name}") must be 3-63 lowercase letters, digits or single hyphens, starting and ending with a letter or digit`);
  }
}

function checkDays(path: string, field: string, value: number, min: number): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min) throw new Error(`${path}: ${field} (${value}) must be a whole number of days >= ${min}`);
}

export interface AccessLogBucketProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /** Days access logs are kept. @default 365 */
  readonly retentionDays?: number;
  /** @default false */
  readonly preventDestroy?: boolean;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * The bucket S3 server access logs of data buckets are delivered to.
 *
 * Encrypted with SSE-S3, not SSE-KMS: S3 server access logging cannot deliver to a bucket whose
 * default encryption is SSE-KMS. Only the S3 logging service of this account may write to it,
 * through the bucket policy (ACLs are disabled). Logs expire after `retentionDays`.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: SecureBucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly retentionDays: number;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    requireProps(this.node.path, props, { bucketName: 'string' });
    checkBucketName(this.node.path, props.bucketName);
    this.retentionDays = props.retentionDays ?? 365;
    checkDays(this.node.path, 'retentionDays', this.retentionDays, 1);
    const account = new DataAwsCallerIdentity(this, 'Account');
    const partition = new DataAwsPartition(this, 'Partition');
    // Built from the name: the policy is an input of the bucket construct, so it cannot reference the bucket.
    const arn = `arn:${partition.partition}:s3:::${props.bucketName}`;

    this.bucket = new SecureBucket(this, 'Resource', {
      bucketName: props.bucketName,
      preventDestroy: props.preventDestroy,
      tags: props.tags,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: this.retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 7 }],
        },
        {
          id: 'remove-expired-delete-markers',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ expiredObjectDeleteMarker: true }],
        },
      ],
      policyStatements: [
        {
          sid: 'S3ServerAccessLogsOfThisAccount',
          principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
          actions: ['s3:PutObject'],
          resources: [`${arn}/*`],
          condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [account.accountId] }],
        },
      ],
    });
    this.bucketName = this.bucket.bucketName;
    this.bucketArn = this.bucket.bucketArn;
  }
}

export interface DataBucketProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /** KMS key for SSE-KMS (with S3 bucket keys); grants include use of this key. */
  readonly kmsKeyArn: string;
  /** Where S3 server access logs go (an `AccessLogBucket`). */
  readonly accessLogBucket: { readonly bucketName: string };
  /** @default - `<bucketName>/` */
  readonly accessLogPrefix?: string;
  /** Days before current versions move to S3 Standard-IA (S3 requires at least 30). @default 30 */
  readonly transitionToInfrequentAccessDays?: number;
  /**
   * Days before current versions move to Glacier Instant Retrieval; at least 30 days after the IA transition.
   * @default 180
   */
  readonly transitionToGlacierDays?: number;
  /** Days before a replaced or deleted object's old version is removed. @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /** @default false */
  readonly preventDestroy?: boolean;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * A bucket for platform data (datasets, model artifacts, pipeline logs): a `SecureBucket` with
 * SSE-KMS, versioning, TLS only and public access blocked, plus tiering of current versions to
 * Standard-IA then Glacier Instant Retrieval, expiry of old versions and server access logging.
 */
export class DataBucket extends Construct {
  readonly bucket: SecureBucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly kmsKeyArn: string;
  readonly transitionToInfrequentAccessDays: number;
  readonly transitionToGlacierDays: number;
  readonly noncurrentVersionExpirationDays: number;

  constructor(scope: Construct, id: string, props: DataBucketProps) {
    super(scope, id);
    requireProps(this.node.path, props, { bucketName: 'string', kmsKeyArn: 'string', accessLogBucket: 'object' });
    const path = this.node.path;
    checkBucketName(path, props.bucketName);
    this.transitionToInfrequentAccessDays = props.transitionToInfrequentAccessDays ?? 30;
    this.transitionToGlacierDays = props.transitionToGlacierDays ?? 180;
    this.noncurrentVersionExpirationDays = props.noncurrentVersionExpirationDays ?? 90;
    checkDays(path, 'transitionToInfrequentAccessDays', this.transitionToInfrequentAccessDays, 30);
    checkDays(path, 'transitionToGlacierDays', this.transitionToGlacierDays, 1);
    checkDays(path, 'noncurrentVersionExpirationDays', this.noncurrentVersionExpirationDays, 1);
    if (
      !Token.isUnresolved(this.transitionToGlacierDays) &&
      !Token.isUnresolved(this.transitionToInfrequentAccessDays) &&
      this.transitionToGlacierDays < this.transitionToInfrequentAccessDays + 30
    ) {
      // S3 rejects a configuration that moves objects out of Standard-IA before they spent 30 days there.
      throw new Error(
        `${path}: transitionToGlacierDays (${this.transitionToGlacierDays}) must be at least 30 days after transitionToInfrequentAccessDays (${this.transitionToInfrequentAccessDays})`,
      );
    }

    const lifecycleRules: S3BucketLifecycleConfigurationRule[] = [
      {
        id: 'tier-current-versions',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        transition: [
          { days: this.transitionToInfrequentAccessDays, storageClass: 'STANDARD_IA' },
          { days: this.transitionToGlacierDays, storageClass: 'GLACIER_IR' },
        ],
      },
      {
        id: 'expire-noncurrent-versions',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        noncurrentVersionExpiration: [{ noncurrentDays: this.noncurrentVersionExpirationDays }],
        // A delete marker with no versions left behind it only slows down listings.
        expiration: [{ expiredObjectDeleteMarker: true }],
      },
    ];
    this.bucket = new SecureBucket(this, 'Resource', {
      bucketName: props.bucketName,
      kmsKeyArn: props.kmsKeyArn,
      accessLogBucket: { bucketName: props.accessLogBucket.bucketName, prefix: props.accessLogPrefix ?? `${props.bucketName}/` },
      lifecycleRules,
      preventDestroy: props.preventDestroy,
      tags: props.tags,
    });
    this.bucketName = this.bucket.bucketName;
    this.bucketArn = this.bucket.bucketArn;
    this.kmsKeyArn = props.kmsKeyArn;
  }

  /** Lets `role` list the bucket and read its objects, decrypting through S3 only. */
  grantRead(role: IRoleReference): Grant {
    return grantStatements(this, grantId('ReadGrant', role), role, this.accessStatements('read'));
  }

  /** Lets `role` list, read, write and delete objects, encrypting and decrypting through S3 only. */
  grantReadWrite(role: IRoleReference): Grant {
    return grantStatements(this, grantId('ReadWriteGrant', role), role, this.accessStatements('readWrite'));
  }

  /**
   * The statements behind `grantRead`/`grantReadWrite`, for a role whose policy lives elsewhere (an
   * IRSA role in a later stack: a grant here would make this stack depend on that one).
   * @param sidPrefix keeps statement ids unique when one policy combines several buckets
   */
  accessStatements(access: 'read' | 'readWrite', sidPrefix = ''): DataAwsIamPolicyDocumentStatement[] {
    const write = access === 'readWrite';
    return [
      { sid: `${sidPrefix}ListBucket`, actions: ['s3:ListBucket'], resources: [this.bucketArn] },
      { sid: `${sidPrefix}Objects`, actions: write ? [...BUCKET_READ_ACTIONS, ...BUCKET_WRITE_ACTIONS] : [...BUCKET_READ_ACTIONS], resources: [`${this.bucketArn}/*`] },
      this.keyStatement(`${sidPrefix}UseKeyThroughS3`, write ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt']),
    ];
  }

  private keyStatement(sid: string, actions: string[]): DataAwsIamPolicyDocumentStatement {
    const region = (this.node.tryFindChild('Region') as DataAwsRegion | undefined) ?? new DataAwsRegion(this, 'Region');
    return kmsViaService(sid, actions, this.kmsKeyArn, `s3.${region.region}.amazonaws.com`);
  }
}
