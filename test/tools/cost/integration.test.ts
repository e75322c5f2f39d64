import { App } from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { environments, shared } from '../../../environments';
import { buildPlatform } from '../../../stacks/platform';
import { estimateCosts, pricedTypesPresent, PRICED_THROUGH, type CostEstimate, type StackInput } from '../../../tools/cost/estimate';
import { loadStacks } from '../../../tools/cost/load';
import { installFastResolve } from '../../../tools/synth/fast-resolve';

/** Synthesizes the real platform (every environment) into a temporary cdktf.out and reads it back. */
function synthesizeRealApp(): { stacks: StackInput[]; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-synth-'));
  const app = new App({ outdir: dir });
  buildPlatform(app, { shared, environments: Object.values(environments) });
  // As `npm run synth` resolves tokens (the cdktf.out `npm run cost` reads): the same output as cdktf's
  // resolve, byte for byte (test/tools/synth/fast-resolve.test.ts), in a fraction of the time.
  const restoreResolve = installFastResolve();
  try {
    app.synth();
  } finally {
    restoreResolve();
  }
  return { stacks: loadStacks(dir), dir };
}

describe('cost estimate of the synthesized platform', () => {
  let stacks: StackInput[];
  let estimate: CostEstimate;
  let dir: string;

  beforeAll(() => {
    ({ stacks, dir } = synthesizeRealApp());
    // No manifests here: every environment gets the stated load balancer assumption.
    estimate = estimateCosts(stacks, { kubernetes: {} });
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('estimates every environment, shared and bootstrap', () => {
    expect(estimate.environments.map((e) => e.name)).toEqual([...Object.keys(environments).sort(), 'shared', 'bootstrap']);
    for (const env of estimate.environments) expect(env.regions).toEqual([environments[env.name]?.account.region ?? shared.account.region]);
  });

  test('prod costs more than dev', () => {
    const monthly = (name: string) => estimate.environments.find((e) => e.name === name)!.monthly;
    expect(monthly('prod')).toBeGreaterThan(monthly('dev'));
    expect(monthly('dev')).toBeGreaterThan(0);
  });

  test('every priced resource type present in the synthesized output has a line in the estimate', () => {
    const present = pricedTypesPresent(stacks);
    expect(present.length).toBeGreaterThan(0);
    const listed = new Set(estimate.environments.flatMap((e) => e.stacks.flatMap((s) => s.lines.map((l) => l.resourceType))));
    const missing = present.filter((type) => !listed.has(type));
    expect(missing).toEqual([]);
    // Types priced through another (launch templates through node groups) bring that one's lines.
    const types = new Set(stacks.flatMap((s) => Object.keys((s.config.resource as Record<string, unknown>) ?? {})));
    for (const [type, through] of Object.entries(PRICED_THROUGH)) if (types.has(type)) expect(listed.has(through)).toBe(true);
  });
});
