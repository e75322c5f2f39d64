import { Aspects, App, TerraformOutput, TerraformStack, type IAspect } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Chart } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { environments, shared } from '../../../environments';
import { buildPlatform } from '../../../stacks/platform';
import { installFastResolve } from '../../../tools/synth/fast-resolve';
import { resolveOnce } from '../../../tools/synth/resolve-once';
import { collectManifests, ManifestWriter, manifestObjects } from '../../../tools/synth/manifests';

/** Every file under `dir` by relative path. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  }
  return files;
}

const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), 'resolve-once-'));

/** Tags every bucket under where it is added: an aspect that changes elements after they were prepared. */
class TagBuckets implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof S3Bucket) node.addOverride('tags.aspect', 'visited');
  }
}

/** Two stacks with cross-stack references both ways of use, an aspect, stack overrides and an output. */
function smallApp(outdir: string) {
  const app = new App({ outdir });
  const producer = new TerraformStack(app, 'producer');
  new AwsProvider(producer, 'aws', { region: 'eu-west-1' });
  const source = new S3Bucket(producer, 'Source', { bucket: 'source' });
  const consumer = new TerraformStack(app, 'consumer');
  new AwsProvider(consumer, 'aws', { region: 'eu-west-1' });
  const plain = new S3Bucket(consumer, 'Plain', { bucket: `copy-of-${source.bucket}`, tags: { arn: source.arn } });
  const tagged = new Construct(consumer, 'Tagged');
  const visited = new S3Bucket(tagged, 'Visited', { bucket: `${source.id}-visited` });
  Aspects.of(tagged).add(new TagBuckets());
  consumer.addOverride('locals.region', 'eu-west-1');
  new TerraformOutput(consumer, 'copy', { value: plain.bucket });
  return { app, plain, visited };
}

describe('resolveOnce', () => {
  test('writes exactly what cdktf writes: cross-stack references, an aspect, overrides, outputs', () => {
    const [plainDir, onceDir] = [scratch(), scratch()];
    try {
      smallApp(plainDir).app.synth();
      const once = smallApp(onceDir);
      resolveOnce(once.app);
      once.app.synth();
      expect(tree(onceDir)).toEqual(tree(plainDir));
      const consumer = JSON.parse(fs.readFileSync(path.join(onceDir, 'stacks', 'consumer', 'cdk.tf.json'), 'utf8'));
      const buckets = Object.values(consumer.resource.aws_s3_bucket) as { bucket: string; tags: unknown }[];
      expect(buckets.find((b) => b.bucket.endsWith('-visited'))?.tags).toEqual({ aspect: 'visited' });
      expect(Object.keys(consumer.data.terraform_remote_state)).toHaveLength(1);
    } finally {
      [plainDir, onceDir].forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
    }
  });

  test('writes each prepared element without resolving it again, except under an aspect', () => {
    const dir = scratch();
    try {
      const { app, plain, visited } = smallApp(dir);
      resolveOnce(app);
      const stacks = app.node.findAll().filter(TerraformStack.isStack);
      stacks.forEach((stack) => stack.prepareStack());
      const plainCalls = jest.spyOn(plain, 'toTerraform');
      const visitedCalls = jest.spyOn(visited, 'toTerraform');
      const consumer = stacks.find((stack) => stack.node.id === 'consumer')!;
      expect(JSON.stringify(consumer.toTerraform())).toContain('copy-of-${data.terraform_remote_state.');
      expect(plainCalls).not.toHaveBeenCalled();
      expect(visitedCalls).toHaveBeenCalledTimes(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("falls back to cdktf's own pass when a stack override holds a token", () => {
    const [plainDir, onceDir] = [scratch(), scratch()];
    try {
      const withTokenOverride = (dir: string) => {
        const built = smallApp(dir);
        const consumer = built.app.node.findAll().filter(TerraformStack.isStack).find((stack) => stack.node.id === 'consumer')!;
        consumer.addOverride('locals.plain_bucket', built.plain.bucket);
        return built.app;
      };
      withTokenOverride(plainDir).synth();
      const once = withTokenOverride(onceDir);
      resolveOnce(once);
      once.synth();
      expect(tree(onceDir)).toEqual(tree(plainDir));
      expect(tree(onceDir)['stacks/consumer/cdk.tf.json']).toContain('"plain_bucket": "${aws_s3_bucket.Plain.bucket}"');
    } finally {
      [plainDir, onceDir].forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
    }
  });

  test("the real platform (dev), synthesized as runSynth does (resolveOnce and the fast resolve) and by stock cdktf: the same stacks and manifests; the manifests handed to the policy check are what the files hold", () => {
    const [plainDir, onceDir] = [scratch(), scratch()];
    try {
      const build = (dir: string) => {
        const app = new App({ outdir: path.join(dir, 'cdktf.out') });
        return { app, platform: buildPlatform(app, { shared, environments: [environments.dev], manifestOutdir: (env) => path.join(dir, 'k8s', env) }) };
      };
      const plain = build(plainDir);
      plain.app.synth();
      plain.platform.synthManifests();
      const restoreResolve = installFastResolve();
      let handed: Map<string, unknown[]>;
      try {
        const once = build(onceDir);
        // As runSynth: collected once every stack is prepared, written by the writer thread.
        const writer = new ManifestWriter();
        try {
          let files: ReturnType<typeof collectManifests> = [];
          resolveOnce(once.app, { afterPrepare: () => writer.write((files = collectManifests(once.platform))) });
          once.app.synth();
          writer.finish();
          handed = manifestObjects(files);
        } finally {
          writer.close();
        }
      } finally {
        restoreResolve();
      }
      expect(tree(onceDir)).toEqual(tree(plainDir));
      // The review YAML holds the applied objects (WorkloadsStack hands them to cdk8s): what cdk8s itself makes.
      const { workloads } = plain.platform.environments.dev;
      for (const chart of [workloads.charts.mlflow, workloads.charts.modelServing, workloads.charts.dataValidation, workloads.charts.monitoring]) {
        expect(chart.toJson()).toEqual(Chart.prototype.toJson.call(chart));
      }

      const written = Object.keys(tree(path.join(onceDir, 'k8s'))).map((f) => path.join(onceDir, 'k8s', f));
      expect(written.length).toBeGreaterThan(3);
      expect([...handed.keys()].sort()).toEqual(written.sort());
      for (const file of written) {
        expect(handed.get(file)).toEqual(parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()));
      }
      expect(JSON.stringify([...handed.values()])).toContain('${data.terraform_remote_state.');
    } finally {
      [plainDir, onceDir].forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
    }
  });
});
