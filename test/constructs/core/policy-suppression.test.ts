import { Testing, TerraformStack } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { recordSuppression, SUPPRESSION_METADATA_KEY } from '../../../constructs/core/policy-suppression';
import { readTerraformSuppressions } from '../../../tools/policy/suppressions';

describe('recordSuppression', () => {
  it('writes the rule and reason where the policy check reads them', () => {
    const stack = new TerraformStack(Testing.app(), 'S');
    const bucket = new S3Bucket(stack, 'B', { bucket: 'b' });
    recordSuppression(bucket, 'AWS-RDS-005', ' disposable by configuration ');
    const json = JSON.parse(Testing.synth(stack)) as { resource: { aws_s3_bucket: Record<string, Record<string, unknown>> } };
    const block = Object.values(json.resource.aws_s3_bucket)[0];
    expect((block['//'] as Record<string, unknown>)[SUPPRESSION_METADATA_KEY]).toEqual({ 'AWS-RDS-005': 'disposable by configuration' });
    expect([...readTerraformSuppressions(block).valid]).toEqual([['AWS-RDS-005', 'disposable by configuration']]);
  });

  it('fails when the reason is empty or the id is not a rule id', () => {
    const stack = new TerraformStack(Testing.app(), 'S');
    const bucket = new S3Bucket(stack, 'B', { bucket: 'b' });
    expect(() => recordSuppression(bucket, 'AWS-RDS-005', '  ')).toThrow(/AWS-RDS-005 gives no reason/);
    expect(() => recordSuppression(bucket, 'not a rule', 'why')).toThrow(/not a rule id/);
  });

  it('leaves an unknown rule id to the policy check, which reports it', () => {
    const stack = new TerraformStack(Testing.app(), 'S');
    const bucket = new S3Bucket(stack, 'B', { bucket: 'b' });
    recordSuppression(bucket, 'AWS-XXX-999', 'typo');
    const json = JSON.parse(Testing.synth(stack)) as { resource: { aws_s3_bucket: Record<string, Record<string, unknown>> } };
    expect(readTerraformSuppressions(Object.values(json.resource.aws_s3_bucket)[0]).problems).toEqual(['suppression names unknown rule id "AWS-XXX-999"']);
  });
});
