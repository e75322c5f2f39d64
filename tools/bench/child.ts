/**
 * One benchmark measurement, run in a fresh process by `npm run bench`:
 *   node tools/run-ts.js tools/bench/child.ts <minimal|full|generated> <environments> <outdir>
 * Synthesizes into <outdir> and prints one line `BENCH_RESULT {json}` with its own phase timings and
 * peak RSS. Everything (cdktf, providers, our code) is loaded inside the measured process, so module
 * loading counts as it does for `npm run synth`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import type * as ProviderModule from '@cdktf/provider-aws/lib/provider';
import type * as S3BucketModule from '@cdktf/provider-aws/lib/s3-bucket';
import type * as CdktfModule from 'cdktf';
import type * as EnvironmentsModule from '../../environments';
import type * as PlatformModule from '../../stacks/platform';
import type * as GenerateModule from './generate';
import { RESULT_PREFIX, type BenchMode, type ChildResult } from './result';

function main(): void {
  const [mode, countText, outdir] = process.argv.slice(2);
  if (!['minimal', 'full', 'generated'].includes(mode) || !outdir) {
    throw new Error('usage: child.ts <minimal|full|generated> <environments> <outdir>');
  }
  const count = Number(countText);
  const loadStart = performance.now();
  let synth: () => number;
  if (mode === 'minimal') {
    /* eslint-disable @typescript-eslint/no-require-imports -- loading is what is being timed */
    const { App, TerraformStack } = require('cdktf') as typeof CdktfModule;
    const { AwsProvider } = require('@cdktf/provider-aws/lib/provider') as typeof ProviderModule;
    const { S3Bucket } = require('@cdktf/provider-aws/lib/s3-bucket') as typeof S3BucketModule;
    synth = () => {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, 'minimal');
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      new S3Bucket(stack, 'Bucket', { bucket: 'bench-minimal' });
      app.synth();
      return 0;
    };
  } else {
    const { App } = require('cdktf') as typeof CdktfModule;
    const config = require('../../environments') as typeof EnvironmentsModule;
    const { buildPlatform } = require('../../stacks/platform') as typeof PlatformModule;
    const generate = mode === 'generated' ? (require('./generate') as typeof GenerateModule) : undefined;
    /* eslint-enable @typescript-eslint/no-require-imports */
    synth = () => {
      const environments = generate ? generate.generateEnvironments(count) : Object.values(config.environments);
      const app = new App({ outdir });
      // As `npm run synth` does: the stacks, then each environment's Kubernetes manifests for review.
      const platform = buildPlatform(app, { shared: config.shared, environments, manifestOutdir: (env) => path.join(outdir, 'k8s', env) });
      app.synth();
      platform.synthManifests();
      return environments.length;
    };
  }
  const synthStart = performance.now();
  const environments = synth();
  const end = performance.now();
  const stacksDir = path.join(outdir, 'stacks');
  const result: ChildResult = {
    mode: mode as BenchMode,
    environments,
    stacks: fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).length : 0,
    loadMs: synthStart - loadStart,
    synthMs: end - synthStart,
    uptimeMs: process.uptime() * 1000,
    // Node reports maxRSS in kilobytes.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

main();
