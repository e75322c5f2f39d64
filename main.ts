/**
 * Entry point of `npm run synth` and `npx cdktf synth`: validates every environment, then
 * synthesizes every stack of every environment. Output is staged and swapped into place only when
 * everything succeeded, so invalid configuration exits 1 before anything is written.
 */
import { App } from 'cdktf';
import * as path from 'path';
import type * as EnvironmentsModule from './environments';
import { EnvironmentValidationError } from './environments/schema';
import { StagedDirectory } from './tools/synth/staged-output';

const OUTDIR = 'cdktf.out';

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

  // Under `cdktf synth` the CLI owns the output directory; on our own we stage and swap.
  const cliOutdir = process.env.CDKTF_OUTDIR || undefined;
  const staged = cliOutdir ? undefined : new StagedDirectory(OUTDIR);
  try {
    const app = new App({ outdir: cliOutdir ?? staged!.stagingPath });
    buildPlatform(app, { shared: config.shared, environments: Object.values(config.environments) });
    app.synth();
    staged?.commit();
  } catch (error) {
    staged?.discard();
    throw error;
  }
  const stacks = Object.keys(config.environments).length;
  console.log(`synth: wrote ${path.join(cliOutdir ?? OUTDIR, 'stacks')} for ${stacks} environments`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`synth failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\nNothing was written.`);
    process.exit(1);
  },
);
