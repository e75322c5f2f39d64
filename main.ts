/**
 * Entry point of `npm run synth` and `npx cdktf synth`: validates every environment, then synthesizes
 * every stack of every environment and the Kubernetes manifests for review and runs the policy check
 * (tools/synth/run.ts). A bad config or a policy finding exits 1 and writes nothing.
 */
import * as path from 'path';
import type * as EnvironmentsModule from './environments';
import { EnvironmentValidationError } from './environments/schema';

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
  // Loaded only once the configuration is valid: a bad one fails fast.
  const { runSynth } = await import('./tools/synth/run');
  return runSynth(config.shared, Object.values(config.environments), { stacks: process.env.CDKTF_OUTDIR || OUTDIR, manifests: K8S_OUTDIR });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`synth failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\nNothing was written.`);
    process.exit(1);
  },
);
