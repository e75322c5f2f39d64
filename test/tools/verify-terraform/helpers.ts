import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { environments, shared } from '../../../environments';
import { buildPlatform } from '../../../stacks/platform';
import { installFastResolve } from '../../../tools/synth/fast-resolve';
import { resolveOnce } from '../../../tools/synth/resolve-once';
import { loadStacks, type Stack } from '../../../tools/verify-terraform/stacks';

export const FIXTURES = path.join(__dirname, 'fixtures');
export const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

const created: string[] = [];
// Every temporary directory of a test file goes when the file's tests are done.
afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'verify-terraform-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

let synthesized: { dir: string; stacks: Stack[] } | undefined;

/**
 * The real stacks of every environment, synthesized once per test file into a temporary cdktf.out, as
 * `npm run synth` does (tools/synth/run.ts: each token resolved once, with the fast resolve; the output
 * is cdktf's own, byte for byte, which test/tools/synth/resolve-once.test.ts checks).
 */
export function realStacks(): { dir: string; stacks: Stack[] } {
  if (!synthesized) {
    const dir = tempDir('verify-terraform-synth-');
    const app = new App({ outdir: dir });
    buildPlatform(app, { shared, environments: Object.values(environments), manifestOutdir: (env) => path.join(dir, 'k8s', env) });
    const restoreResolve = installFastResolve();
    try {
      resolveOnce(app);
      app.synth();
    } finally {
      restoreResolve();
    }
    synthesized = { dir, stacks: loadStacks(dir) };
  }
  return synthesized;
}

/** A cdktf.out-shaped directory holding the given stacks' JSON. */
export function outDirWith(stacks: Record<string, unknown>): string {
  const dir = tempDir('verify-terraform-out-');
  for (const [name, json] of Object.entries(stacks)) {
    fs.mkdirSync(path.join(dir, 'stacks', name), { recursive: true });
    fs.writeFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify(json));
  }
  return dir;
}
