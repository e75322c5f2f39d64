/** Generated environment sets for the synth benchmark: real configurations cloned under new names and ranges. */
import { environmentInputs, parseEnvironments, type EnvironmentConfig, type EnvironmentInput } from '../../environments';

/** Generated environment i gets the VPC 10.<GENERATED_CIDR_BASE + i>.0.0/16, clear of the real 10.10-10.30. */
export const GENERATED_CIDR_BASE = 40;
export const MAX_GENERATED_ENVIRONMENTS = 256 - GENERATED_CIDR_BASE;

export function generatedName(index: number): string {
  return `gen${String(index).padStart(2, '0')}`;
}

/**
 * `count` environment inputs cloned round-robin from dev, staging and prod, named gen00, gen01, ... with
 * VPCs 10.40.0.0/16, 10.41.0.0/16, ...: unique names and ranges that overlap nothing, real or generated.
 */
export function generateEnvironmentInputs(count: number): Record<string, EnvironmentInput> {
  if (!Number.isInteger(count) || count < 1) throw new Error(`environment count must be a positive integer (got ${count})`);
  if (count > MAX_GENERATED_ENVIRONMENTS) {
    throw new Error(`at most ${MAX_GENERATED_ENVIRONMENTS} generated environments fit in 10.${GENERATED_CIDR_BASE}-10.255 (got ${count})`);
  }
  const templates = [environmentInputs.dev, environmentInputs.staging, environmentInputs.prod];
  const inputs: Record<string, EnvironmentInput> = {};
  for (let i = 0; i < count; i++) {
    const input = structuredClone(templates[i % templates.length]);
    const name = generatedName(i);
    inputs[name] = { ...input, name, network: { ...input.network, cidr: `10.${GENERATED_CIDR_BASE + i}.0.0/16` } };
  }
  return inputs;
}

/** The generated set, validated together with `parseEnvironments` (throws listing every problem). */
export function generateEnvironments(count: number): EnvironmentConfig[] {
  return Object.values(parseEnvironments(generateEnvironmentInputs(count)));
}
