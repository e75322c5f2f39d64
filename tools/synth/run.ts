/**
 * The synthesis behind `npm run synth` (main.ts), shared with the benchmark's generated environments so
 * both run exactly the same path: every stack and every environment's Kubernetes manifests, then the
 * policy check. Output is staged and swapped into place only when all of that succeeded, so a policy
 * finding exits 1 and leaves the previous `cdktf.out` and `dist/k8s` exactly as they were.
 */
import { App, DefaultTokenResolver, StringConcat, Tokenization } from 'cdktf';
import { Yaml } from 'cdk8s';
import * as path from 'path';
import type { EnvironmentConfig, SharedConfig } from '../../environments';
import { buildPlatform, type PlatformStacks } from '../../stacks/platform';
import { findRule, formatSummary, runPolicy } from '../policy';
import { installFastResolve } from './fast-resolve';
import { resolveOnce } from './resolve-once';
import { StagedDirectory, TERRAFORM_WORKING_FILES } from './staged-output';

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
  try {
    const app = new App({ outdir });
    const platform = buildPlatform(app, {
      shared,
      environments,
      manifestOutdir: (environment) => path.join(stagedManifests.stagingPath, environment),
    });
    resolveOnce(app);
    app.synth();
    const manifests = writeManifests(platform);

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
    restoreResolve();
  }
}

/**
 * Writes every environment's manifests (`WorkloadsStack.synthManifests`) and returns the objects the
 * files now hold, by absolute path, so the policy check reads these instead of parsing YAML that was just
 * written (most of its time). They are taken where cdk8s saves them (`Yaml.save`), with each
 * Terraform token replaced by the reference it stands for, as synthManifests then does in the text. A file
 * is left out (the policy check parses it) when a reference holds a character that could mean something
 * else inside YAML text. test/tools/synth/resolve-once.test.ts parses every written file and compares.
 */
export function writeManifests(platform: PlatformStacks): Map<string, unknown[]> {
  const written = new Map<string, unknown[]>();
  const save = Yaml.save;
  try {
    for (const { workloads } of Object.values(platform.environments)) {
      const saved: [string, unknown[]][] = [];
      Yaml.save = (file: string, docs: unknown[]) => {
        save.call(Yaml, file, docs);
        saved.push([path.resolve(file), docs]);
      };
      workloads.synthManifests();
      // As WorkloadsStack.synthManifests resolves the tokens in the text (cdktf 0.21 Tokenization.resolve).
      const resolver = new DefaultTokenResolver(new StringConcat());
      let plain = true;
      const resolveTokens = (text: string) =>
        text.replace(TF_TOKEN, (match) => {
          const reference = String(Tokenization.resolve(match, { scope: workloads, resolver, preparing: false }));
          if (/["'\\\n]/.test(reference)) plain = false;
          return reference;
        });
      for (const [file, docs] of saved) {
        plain = true;
        // The JSON round trip also drops undefined values, as YAML.stringify does.
        const objects = JSON.parse(JSON.stringify(docs), (key: string, value: unknown) => {
          if (TF_TOKEN_TEST.test(key)) plain = false; // keys are not rewritten here: let the policy parse the file
          return typeof value === 'string' ? resolveTokens(value) : value;
        }) as unknown[];
        if (plain) written.set(file, objects);
      }
    }
  } finally {
    Yaml.save = save;
  }
  return written;
}

const TF_TOKEN = /\$\{TfToken\[TOKEN\.\d+\]\}/g;
const TF_TOKEN_TEST = /\$\{TfToken\[TOKEN\.\d+\]\}/;
