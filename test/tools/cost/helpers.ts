import * as path from 'path';
import type { CostEstimate, LineItem, StackInput } from '../../../tools/cost/estimate';
import { loadKubernetesManifests, loadStacks } from '../../../tools/cost/load';

export const FIXTURES = path.join(__dirname, 'fixtures');
export const FIXTURE_DIR = path.join(FIXTURES, 'cdktf.out');
export const FIXTURE_K8S = path.join(FIXTURES, 'k8s');
/** A day on which Kubernetes 1.35 is comfortably in standard support. */
export const AS_OF = '2026-11-24';

export const fixtureStacks = (): StackInput[] => loadStacks(FIXTURE_DIR);
export const fixtureManifests = () => loadKubernetesManifests(FIXTURE_K8S);

/** The one line of `stack` whose item starts with `item`; fails the test when there is not exactly one. */
export function lineOf(estimate: CostEstimate, stack: string, item: string): LineItem {
  const lines = estimate.environments.flatMap((e) => e.stacks).filter((s) => s.name === stack).flatMap((s) => s.lines).filter((l) => l.item.startsWith(item));
  if (lines.length !== 1) throw new Error(`expected one "${item}" line in ${stack}, found ${lines.length}`);
  return lines[0];
}

export function stackMonthly(estimate: CostEstimate, stack: string): number {
  const found = estimate.environments.flatMap((e) => e.stacks).find((s) => s.name === stack);
  if (!found) throw new Error(`no stack ${stack}`);
  return found.monthly;
}

export function envMonthly(estimate: CostEstimate, env: string): number {
  const found = estimate.environments.find((e) => e.name === env);
  if (!found) throw new Error(`no environment ${env}`);
  return found.monthly;
}

/** One small stack in eu-west-1 holding `resources` (type -> name -> body). */
export function stack(name: string, resources: Record<string, Record<string, object>>, region: unknown = 'eu-west-1'): StackInput {
  return { name, config: { provider: { aws: [{ region }] }, resource: resources } };
}
