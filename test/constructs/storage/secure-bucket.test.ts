import { SecureBucket } from '../../../constructs/storage';
import { onlyResource, policyStatements, synthConstruct } from '../../helpers';

describe('SecureBucket', () => {
  const json = synthConstruct((scope) =>
    new SecureBucket(scope, 'Bucket', {
      bucketName: 'state-bucket',
      kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/abc',
      preventDestroy: true,
      accessLogBucket: { bucketName: 'logs', prefix: 'state/' },
    }),
  );

  it('blocks all public access and disables ACLs', () => {
    expect(onlyResource(json, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(json, 'aws_s3_bucket_ownership_controls')).toMatchObject({ rule: { object_ownership: 'BucketOwnerEnforced' } });
  });

  it('encrypts with the KMS key and bucket keys, and versions objects', () => {
    expect(onlyResource(json, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: 'arn:aws:kms:eu-west-1:111111111111:key/abc' }, bucket_key_enabled: true },
    ]);
    expect(onlyResource(json, 'aws_s3_bucket_versioning')).toMatchObject({ versioning_configuration: { status: 'Enabled' } });
  });

  it('denies every request that is not over TLS, after public access is blocked', () => {
    const policy = onlyResource(json, 'aws_s3_bucket_policy');
    expect(policy.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_public_access_block\./)]);
    const [deny] = policyStatements(json, policy.policy);
    expect(deny).toMatchObject({
      effect: 'Deny',
      actions: ['s3:*'],
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    });
  });

  it('protects the bucket from destroy and never force-destroys', () => {
    expect(onlyResource(json, 'aws_s3_bucket')).toMatchObject({ bucket: 'state-bucket', force_destroy: false, lifecycle: { prevent_destroy: true } });
  });

  it('cleans up failed multipart uploads and logs access', () => {
    const lifecycle = onlyResource(json, 'aws_s3_bucket_lifecycle_configuration');
    expect(lifecycle.rule).toEqual([expect.objectContaining({ id: 'abort-incomplete-multipart-uploads', abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] })]);
    expect(lifecycle.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_versioning\./)]);
    expect(onlyResource(json, 'aws_s3_bucket_logging')).toMatchObject({ target_bucket: 'logs', target_prefix: 'state/' });
  });

  it('falls back to SSE-S3 without a key (for log buckets, which cannot use SSE-KMS)', () => {
    const plain = synthConstruct((scope) => new SecureBucket(scope, 'Logs', { bucketName: 'logs' }));
    expect(onlyResource(plain, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
    expect(plain.resource.aws_s3_bucket_logging).toBeUndefined();
  });
});
