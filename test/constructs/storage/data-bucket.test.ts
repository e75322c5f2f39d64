import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Testing } from 'cdktf';
import { AccessLogBucket, DataBucket, type DataBucketProps } from '../../../constructs/storage';
import { onlyResource, policyStatements, resourcesOf, synthConstruct, testStack, type TerraformJson } from '../../helpers';

const keyArn = 'arn:aws:kms:eu-west-1:111111111111:key/data';
const base: DataBucketProps = { bucketName: 'mlops-dev-raw-111111111111', kmsKeyArn: keyArn, accessLogBucket: { bucketName: 'mlops-dev-access-logs-111111111111' } };

function byName(json: TerraformJson, type: string, prefix: string): Record<string, unknown> {
  const found = Object.entries(json.resource[type] ?? {}).filter(([name]) => name.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${found.length}`);
  return found[0][1];
}

describe('DataBucket', () => {
  const json = synthConstruct((scope) => new DataBucket(scope, 'Raw', base));

  it('builds on SecureBucket: public access blocked, SSE-KMS with bucket keys, versioning, TLS only', () => {
    expect(onlyResource(json, 'aws_s3_bucket')).toMatchObject({ bucket: 'mlops-dev-raw-111111111111', force_destroy: false });
    expect(onlyResource(json, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(json, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: keyArn }, bucket_key_enabled: true },
    ]);
    expect(onlyResource(json, 'aws_s3_bucket_versioning')).toMatchObject({ versioning_configuration: { status: 'Enabled' } });
    const [deny] = policyStatements(json, onlyResource(json, 'aws_s3_bucket_policy').policy);
    expect(deny).toMatchObject({ sid: 'DenyInsecureTransport', effect: 'Deny' });
    expect(onlyResource(json, 'aws_s3_bucket').lifecycle).toBeUndefined();
  });

  it('tiers current versions to Standard-IA then Glacier IR and expires old versions and orphaned delete markers', () => {
    const synth = Testing.synthScope((scope) => new DataBucket(scope, 'Raw', base));
    expect(synth).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, { bucket: expect.stringContaining('aws_s3_bucket.Raw') });
    expect(onlyResource(json, 'aws_s3_bucket_lifecycle_configuration').rule).toEqual([
      expect.objectContaining({ id: 'abort-incomplete-multipart-uploads', abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] }),
      {
        id: 'tier-current-versions',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        transition: [
          { days: 30, storage_class: 'STANDARD_IA' },
          { days: 180, storage_class: 'GLACIER_IR' },
        ],
      },
      {
        id: 'expire-noncurrent-versions',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        noncurrent_version_expiration: [{ noncurrent_days: 90 }],
        expiration: [{ expired_object_delete_marker: true }],
      },
    ]);
  });

  it('takes the lifecycle days and protection from props', () => {
    const custom = synthConstruct((scope) =>
      new DataBucket(scope, 'Raw', { ...base, transitionToInfrequentAccessDays: 60, transitionToGlacierDays: 365, noncurrentVersionExpirationDays: 365, preventDestroy: true }),
    );
    const rules = onlyResource(custom, 'aws_s3_bucket_lifecycle_configuration').rule as Array<Record<string, unknown>>;
    expect(rules[1].transition).toEqual([
      { days: 60, storage_class: 'STANDARD_IA' },
      { days: 365, storage_class: 'GLACIER_IR' },
    ]);
    expect(rules[2].noncurrent_version_expiration).toEqual([{ noncurrent_days: 365 }]);
    expect(onlyResource(custom, 'aws_s3_bucket').lifecycle).toEqual({ prevent_destroy: true });
  });

  it('logs access to the log bucket under its own name', () => {
    expect(onlyResource(json, 'aws_s3_bucket_logging')).toMatchObject({
      target_bucket: 'mlops-dev-access-logs-111111111111',
      target_prefix: 'mlops-dev-raw-111111111111/',
    });
  });

  it('exposes its name, ARN and key', () => {
    const bucket = new DataBucket(testStack(), 'Raw', base);
    expect(bucket.kmsKeyArn).toBe(keyArn);
    expect(bucket.bucketName).toBe(bucket.bucket.bucketName);
    expect(bucket.bucketArn).toBe(bucket.bucket.bucketArn);
  });

  describe('grants', () => {
    const granted = synthConstruct((scope) => {
      const bucket = new DataBucket(scope, 'Raw', base);
      bucket.grantRead(new IamRole(scope, 'Reader', { name: 'reader', assumeRolePolicy: '{}' }));
      bucket.grantReadWrite(new IamRole(scope, 'Writer', { name: 'writer', assumeRolePolicy: '{}' }));
    });
    const kmsCondition = [{ test: 'StringEquals', variable: 'kms:ViaService', values: [expect.stringMatching(/^s3\..+\.amazonaws\.com$/)] }];

    it('grantRead lists and reads this bucket only, and decrypts only through S3', () => {
      const policy = byName(granted, 'aws_iam_role_policy', 'Raw_ReadGrantReader');
      expect(policy.role).toEqual(expect.stringContaining('aws_iam_role.Reader'));
      expect(policyStatements(granted, policy.policy)).toEqual([
        { sid: 'ListBucket', actions: ['s3:ListBucket'], resources: [expect.stringMatching(/^\$\{aws_s3_bucket\.Raw_\w+\.arn\}$/)] },
        { sid: 'Objects', actions: ['s3:GetObject'], resources: [expect.stringMatching(/^\$\{aws_s3_bucket\.Raw_\w+\.arn\}\/\*$/)] },
        { sid: 'UseKeyThroughS3', actions: ['kms:Decrypt'], resources: [keyArn], condition: kmsCondition },
      ]);
    });

    it('grantReadWrite adds put, delete and multipart abort, and data key generation', () => {
      const policy = byName(granted, 'aws_iam_role_policy', 'Raw_ReadWriteGrantWriter');
      const statements = policyStatements(granted, policy.policy);
      expect(statements[1]).toMatchObject({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'] });
      expect(statements[2]).toEqual({ sid: 'UseKeyThroughS3', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [keyArn], condition: kmsCondition });
      expect(JSON.stringify(statements)).not.toMatch(/"s3:\*"|"kms:\*"/);
    });

    it('returns what it created', () => {
      const bucket = new DataBucket(testStack(), 'Raw', base);
      const grant = bucket.grantRead({ name: 'reader' });
      expect(grant.policy.node.path).toContain('ReadGrantreader');
    });
  });

  describe('validation', () => {
    const build = (props: Partial<DataBucketProps>) => () => new DataBucket(testStack(), 'Raw', { ...base, ...props });

    it('fails when objects would move to Standard-IA before 30 days', () => {
      expect(build({ transitionToInfrequentAccessDays: 14 })).toThrow(/Raw: transitionToInfrequentAccessDays \(14\) must be a whole number of days >= 30/);
    });

    it('fails when the Glacier transition is less than 30 days after the IA transition', () => {
      expect(build({ transitionToInfrequentAccessDays: 30, transitionToGlacierDays: 45 })).toThrow(
        /transitionToGlacierDays \(45\) must be at least 30 days after transitionToInfrequentAccessDays \(30\)/,
      );
    });

    it('fails when the bucket name is not a valid S3 name', () => {
      expect(build({ bucketName: 'Raw_Data' })).toThrow(/bucketName \("Raw_Data"\)/);
      expect(build({ bucketName: 'x'.repeat(64) })).toThrow(/bucketName/);
    });

    it('fails when noncurrent versions would expire immediately', () => {
      expect(build({ noncurrentVersionExpirationDays: 0 })).toThrow(/noncurrentVersionExpirationDays \(0\)/);
    });
  });
});

describe('AccessLogBucket', () => {
  const json = synthConstruct((scope) => new AccessLogBucket(scope, 'AccessLogs', { bucketName: 'mlops-dev-access-logs-111111111111', retentionDays: 90 }));

  it('uses SSE-S3, because S3 server access logging cannot deliver to SSE-KMS buckets', () => {
    expect(onlyResource(json, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
    expect(onlyResource(json, 'aws_s3_bucket_versioning')).toMatchObject({ versioning_configuration: { status: 'Enabled' } });
    expect(onlyResource(json, 'aws_s3_bucket_public_access_block')).toMatchObject({ block_public_policy: true, restrict_public_buckets: true });
    expect(json.resource.aws_s3_bucket_logging).toBeUndefined();
  });

  it('lets only the S3 logging service of this account write, after TLS-only', () => {
    const statements = policyStatements(json, onlyResource(json, 'aws_s3_bucket_policy').policy);
    expect(statements.map((s) => s.sid)).toEqual(['DenyInsecureTransport', 'S3ServerAccessLogsOfThisAccount']);
    expect(statements[1]).toEqual({
      sid: 'S3ServerAccessLogsOfThisAccount',
      principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
      actions: ['s3:PutObject'],
      resources: [expect.stringMatching(/^arn:\$\{data\.aws_partition\.\w+\.partition\}:s3:::mlops-dev-access-logs-111111111111\/\*$/)],
      condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [expect.stringContaining('data.aws_caller_identity.')] }],
    });
  });

  it('expires logs after the retention and cleans up old versions and delete markers', () => {
    const rules = onlyResource(json, 'aws_s3_bucket_lifecycle_configuration').rule as Array<Record<string, unknown>>;
    expect(rules.map((r) => r.id)).toEqual(['abort-incomplete-multipart-uploads', 'expire-access-logs', 'remove-expired-delete-markers']);
    expect(rules[1]).toMatchObject({ expiration: [{ days: 90 }], noncurrent_version_expiration: [{ noncurrent_days: 7 }] });
    expect(rules[2]).toMatchObject({ expiration: [{ expired_object_delete_marker: true }] });
    expect(resourcesOf(synthConstruct((scope) => new AccessLogBucket(scope, 'L', { bucketName: 'logs-bucket' })), 'aws_s3_bucket_lifecycle_configuration')[0].rule).toEqual(
      expect.arrayContaining([expect.objectContaining({ expiration: [{ days: 365 }] })]),
    );
  });

  it('fails when the retention is not a positive number of days', () => {
    expect(() => new AccessLogBucket(testStack(), 'AccessLogs', { bucketName: 'logs-bucket', retentionDays: 0 })).toThrow(/AccessLogs: retentionDays \(0\)/);
  });
});
