/**
 * The synthesis behind `npm run synth` (main.ts), shared with the benchmark's generated environments so
 * both run exactly the same path: every stack and every environment's Kubernetes manifests, then the
 * policy check. Output is staged and swapped into place only when all of that succeeded, so a policy
 * finding exits 1 and leaves the previous `cdktf.out` and `dist/k8s` exactly as they were.
 */
// First: swaps in what cdktf must find when it loads (see preload.ts).
import './preload';
import { App, Manifest, TerraformStack } from 'cdktf';
import * as path from 'path';
import type { EnvironmentConfig, SharedConfig } from '../../environments';
import { buildPlatform } from '../../stacks/platform';
import { findRule, formatSummary, runPolicy } from '../policy';
import { installFastResolve } from './fast-resolve';
import { collectManifests, ManifestWriter, manifestObjects, type ManifestFile } from './manifests';
import { resolveOnce } from './resolve-once';
import { StagedDirectory, TERRAFORM_WORKING_FILES } from './staged-output';

/** What cdktf 0.21 names a stack's JSON (lib/manifest.js, `stackFileName` without `hclOutput`). */
const STACK_FILE = 'cdk.tf.json';

export interface SynthTargets {
  /** Where the stacks go (`cdktf.out`, or the cdktf CLI's CDKTF_OUTDIR). */
  readonly stacks: string;
  /** Where each environment's manifests go, as `<manifests>/<env>/*.yaml`. */
  readonly manifests: string;
}

/**
 * Synthesizes `environments` into `targets` and checks the result; returns the exit code after printing
 * what happened (one line on success, every finding with its fix on a policy failure).
 */
export function runSynth(shared: SharedConfig, environments: readonly EnvironmentConfig[], targets: SynthTargets): number {
  // Staged and swapped in both modes (`cdktf synth` reads its CDKTF_OUTDIR only after we exit).
  // Terraform's working files beside each stack (local state, providers, lock file) are carried over.
  const stagedStacks = new StagedDirectory(targets.stacks, { carryOver: TERRAFORM_WORKING_FILES });
  const stagedManifests = new StagedDirectory(targets.manifests);
  const discardAll = () => {
    stagedStacks.discard();
    stagedManifests.discard();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      discardAll();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
  const outdir = stagedStacks.stagingPath;
  const restoreResolve = installFastResolve();
  // Started first: it boots on the other core while the platform is built.
  const writer = new ManifestWriter();
  try {
    const app = new App({ outdir });
    const platform = buildPlatform(app, {
      shared,
      environments,
      manifestOutdir: (environment) => path.join(stagedManifests.stagingPath, environment),
    });
    // Every stack's cdk.tf.json is created empty on the writer's thread while this one prepares the
    // stacks (cdktf then writes into it); the manifests are collected once every stack is prepared, and
    // rendered to YAML on the writer's thread while this one writes the stacks.
    writer.createFiles(app.node.children.filter(TerraformStack.isStack).map((stack) => path.join(outdir, Manifest.stacksFolder, stack.node.id, STACK_FILE)));
    let files: ManifestFile[] | undefined;
    const collect = () => {
      files = collectManifests(platform);
      // The stack files exist before cdktf looks for them (it mkdirs a directory it does not find).
      writer.finish();
      writer.write(files);
    };
    resolveOnce(app, { afterPrepare: collect });
    app.synth();
    if (!files) collect();
    writer.finish();
    const manifests = manifestObjects(files!);

    const report = runPolicy([path.join(outdir, 'stacks'), stagedManifests.stagingPath], { documents: manifests });
    // Name files where they will be, not in the staging directories about to disappear.
    const shown = (file: string) =>
      path
        .relative(process.cwd(), path.resolve(file))
        .replace(path.relative(process.cwd(), outdir), targets.stacks)
        .replace(path.relative(process.cwd(), stagedManifests.stagingPath), targets.manifests);
    // Any unsuppressed finding fails, whatever its severity (the `npm run policy` contract).
    const failures = report.findings.filter((f) => !f.suppressed);
    if (failures.length > 0) {
      const lines = failures.map(
        (f) => `  ${f.ruleId}  ${f.address}  [${f.severity}] ${f.message} (${f.file.split(', ').map(shown).join(', ')})\n      fix: ${findRule(f.ruleId)?.fix ?? ''}`,
      );
      console.error(`synth: the policy check failed:\n${lines.join('\n')}\n${formatSummary(report)}\nNothing was written.`);
      discardAll();
      return 1;
    }
    stagedStacks.commit();
    stagedManifests.commit();
    console.log(`synth: wrote ${path.join(targets.stacks, 'stacks')} and ${targets.manifests} for ${environments.length} environments; policy: ${formatSummary(report)}`);
    return 0;
  } catch (error) {
    discardAll();
    throw error;
  } finally {
    writer.close();
    restoreResolve();
  }
}
