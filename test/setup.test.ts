import { Testing } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { CDKTF_MATCHERS, cdktfMatchers } from './setup';

describe('test/setup.ts: the cdktf matchers, loaded on first use', () => {
  test('are exactly the ones Testing.setupJest registers', () => {
    expect(Object.keys(cdktfMatchers()).sort()).toEqual([...CDKTF_MATCHERS].sort());
  });

  test('match and fail as cdktf defines them', () => {
    const synthesized = Testing.synthScope((scope) => {
      new S3Bucket(scope, 'Bucket', { bucket: 'logs' });
    });
    expect(synthesized).toHaveResource(S3Bucket);
    expect(synthesized).toHaveResourceWithProperties(S3Bucket, { bucket: 'logs' });
    expect(() => expect(synthesized).toHaveResourceWithProperties(S3Bucket, { bucket: 'other' })).toThrow(/Expected aws_s3_bucket with properties/);
  });
});
