/**
 * Entry point of `npm run synth` and `npx cdktf synth`: validates every environment, synthesizes every
 * stack of every environment and the Kubernetes manifests for review, then runs the policy check.
 * Output is staged and swapped into place only when all of that succeeded, so a bad config or a policy
 * finding exits 1 and leaves the previous `cdktf.out` and `dist/k8s` exactly as they were.
 */
import { App } from 'cdktf';
import * as path from 'path';
import type * as EnvironmentsModule from './environments';
import { EnvironmentValidationError } from './environments/schema';
import { StagedDirectory, TERRAFORM_WORKING_FILES } from './tools/synth/staged-output';

const OUTDIR = 'cdktf.out';
const K8S_OUTDIR = path.join('dist', 'k8s');

async function main(): Promise<number> {
  let config: typeof EnvironmentsModule;
  try {
    // Importing validates every environment; a bad one throws with every problem listed.
    config = await import('./environments');
  } catch (error) {
    if (error instanceof EnvironmentValidationError) {
      console.error(`synth: ${error.message}\nNothing was written.`);
      return 1;
    }
    throw error;
  }
  const { buildPlatform } = await import('./stacks/platform');
  const { runPolicy, findRule, formatSummary } = await import('./tools/policy');

  // Staged and swapped in both modes (`cdktf synth` reads its CDKTF_OUTDIR only after we exit).
  // Terraform's working files beside each stack (local state, providers, lock file) are carried over.
  const stacksTarget = process.env.CDKTF_OUTDIR || OUTDIR;
  const stagedStacks = new StagedDirectory(stacksTarget, { carryOver: TERRAFORM_WORKING_FILES });
  const stagedManifests = new StagedDirectory(K8S_OUTDIR);
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
  try {
    const app = new App({ outdir });
    const platform = buildPlatform(app, {
      shared: config.shared,
      environments: Object.values(config.environments),
      manifestOutdir: (environment) => path.join(stagedManifests.stagingPath, environment),
    });
    app.synth();
    platform.synthManifests();

    const report = runPolicy([path.join(outdir, 'stacks'), stagedManifests.stagingPath]);
    // Name files where they will be, not in the staging directories about to disappear.
    const shown = (file: string) =>
      path.relative(process.cwd(), path.resolve(file)).replace(path.relative(process.cwd(), outdir), stacksTarget).replace(path.relative(process.cwd(), stagedManifests.stagingPath), K8S_OUTDIR);
    // Any unsuppressed finding fails, whatever its severity (the `npm run policy` contract).
    const failures = report.findings.filter((f) => !f.suppressed);
    if (failures.length > 0) {
      const lines = failures.map((f) => `  ${f.ruleId}  ${f.address}  [${f.severity}] ${f.message} (${f.file.split(', ').map(shown).join(', ')})\n      fix: ${findRule(f.ruleId)?.fix ?? ''}`);
      console.error(`synth: the policy check failed:\n${lines.join('\n')}\n${formatSummary(report)}\nNothing was written.`);
      discardAll();
      return 1;
    }
    stagedStacks.commit();
    stagedManifests.commit();
    console.log(`synth: wrote ${path.join(stacksTarget, 'stacks')} and ${K8S_OUTDIR} for ${Object.keys(config.environments).length} environments; policy: ${formatSummary(report)}`);
    return 0;
  } catch (error) {
    discardAll();
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`synth failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\nNothing was written.`);
    process.exit(1);
  },
);
