import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA as S3BucketLogging } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA as S3BucketVersioning } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { recordSuppression } from '../core/policy-suppression';
import { nameTags } from '../core/tags';
import { requireProps } from '../core/props';

export interface SecureBucketProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /**
   * KMS key for SSE-KMS (with S3 bucket keys, which cut KMS requests by ~99%).
   * @default - SSE-S3 (AES256); only for buckets that receive S3 server access logs, which cannot use SSE-KMS
   */
  readonly kmsKeyArn?: string;
  /**
   * Bucket receiving this bucket's server access logs.
   * @default - no access logging
   */
  readonly accessLogBucket?: { readonly bucketName: string; readonly prefix: string };
  /**
   * Lifecycle rules; an abort-incomplete-multipart-uploads rule is always added.
   * @default - only the multipart clean-up rule
   */
  readonly lifecycleRules?: S3BucketLifecycleConfigurationRule[];
  /**
   * Further statements for the bucket policy (the TLS-only deny is always present).
   * @default - none
   */
  readonly policyStatements?: DataAwsIamPolicyDocumentStatement[];
  /**
   * Let `terraform destroy` delete a bucket that still holds objects.
   * @default false
   */
  readonly forceDestroy?: boolean;
  /** @default false */
  readonly preventDestroy?: boolean;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * An S3 bucket with the protections every bucket here needs: all public access blocked, ACLs
 * disabled, default encryption, versioning, TLS-only access, and clean-up of failed uploads.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly bucketId: string;
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    requireProps(this.node.path, props, { bucketName: 'string' });
    this.bucket = new S3Bucket(this, 'Resource', {
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
      tags: nameTags(props.bucketName, props.tags),
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    // Design decisions of every bucket here, so checkov's checks for them do not apply.
    recordSuppression(this.bucket, 'CKV2_AWS_62', 'nothing consumes object events: Airflow schedules the pipeline by logical date and reads the prefixes itself');
    recordSuppression(this.bucket, 'CKV_AWS_144', 'one region per environment by design; versioning, KMS and prevent_destroy protect the data, and a replica would double storage');
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.bucketId = this.bucket.id;

    const publicAccess = new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'OwnershipControls', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    if (!props.kmsKeyArn) {
      const why = 'receives S3 server access logs, which S3 cannot deliver to a bucket whose default encryption is SSE-KMS: SSE-S3 (AES256)';
      recordSuppression(this.bucket, 'AWS-S3-002', why);
      recordSuppression(this.bucket, 'CKV_AWS_145', why);
    }
    new S3BucketServerSideEncryptionConfiguration(this, 'Encryption', {
      bucket: this.bucket.id,
      rule: [
        props.kmsKeyArn
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
      ],
    });
    const versioning = new S3BucketVersioning(this, 'Versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      bucket: this.bucket.id,
      // Lifecycle rules on a versioned bucket must wait for versioning to be configured.
      dependsOn: [versioning],
      rule: [
        {
          id: 'abort-incomplete-multipart-uploads',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
        ...(props.lifecycleRules ?? []),
      ],
    });
    if (props.accessLogBucket) {
      new S3BucketLogging(this, 'AccessLogging', {
        bucket: this.bucket.id,
        targetBucket: props.accessLogBucket.bucketName,
        targetPrefix: props.accessLogBucket.prefix,
      });
    }

    const document = new DataAwsIamPolicyDocument(this, 'PolicyDocument', {
      statement: [
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['s3:*'],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
        ...(props.policyStatements ?? []),
      ],
    });
    // A bucket policy written while public access is still unblocked could be public for a moment.
    this.policy = new S3BucketPolicy(this, 'Policy', { bucket: this.bucket.id, policy: document.json, dependsOn: [publicAccess] });
  }
}
