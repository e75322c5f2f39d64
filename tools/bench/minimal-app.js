// The benchmark's floor: a one-resource cdktf app, plain JavaScript under plain node (no hook, no
// transpiling), loading only cdktf and the two provider classes it uses. Every synth time is judged
// as a multiple of this one, measured in the same run.
//   node tools/bench/minimal-app.js <outdir>
'use strict';
const { App, TerraformStack } = require('cdktf');
const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
const { S3Bucket } = require('@cdktf/provider-aws/lib/s3-bucket');

const outdir = process.argv[2];
if (!outdir) {
  console.error('usage: node tools/bench/minimal-app.js <outdir>');
  process.exit(2);
}
const app = new App({ outdir });
const stack = new TerraformStack(app, 'minimal');
new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
new S3Bucket(stack, 'Bucket', { bucket: 'bench-minimal' });
app.synth();
