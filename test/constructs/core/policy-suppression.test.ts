import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { recordSuppression, SUPPRESSION_METADATA_KEY } from '../../../constructs/core/policy-suppression';
import { readTerraformSuppressions } from '../../../tools/policy/suppressions';

type Json = { resource: { aws_s3_bucket: Record<string, Record<string, unknown>> } };

/** The bucket's synthesized block with its metadata (Testing.synth strips every "//" key). */
function bucketBlock(stack: TerraformStack): Record<string, unknown> {
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const outdir = Testing.fullSynth(stack);
  try {
    const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8')) as Json;
    return Object.values(json.resource.aws_s3_bucket)[0];
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('recordSuppression', () => {
  it('writes the rule and reason where the policy check reads them', () => {
    const stack = new TerraformStack(Testing.app(), 'S');
    const bucket = new S3Bucket(stack, 'B', { bucket: 'b' });
    recordSuppression(bucket, 'AWS-RDS-005', ' disposable by configuration ');
    const block = bucketBlock(stack);
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
    expect(readTerraformSuppressions(bucketBlock(stack)).problems).toEqual(['suppression names unknown rule id "AWS-XXX-999"']);
  });
});
