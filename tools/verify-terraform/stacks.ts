/** Reads the synthesized stacks (`cdktf.out/stacks/<stack>/cdk.tf.json`) and the providers they pin. */
import * as fs from 'fs';
import * as path from 'path';
import { isRecord, type JsonObject } from '../lib/terraform-json';

export class VerifyError extends Error {}

export interface Stack {
  readonly name: string;
  readonly dir: string;
  readonly file: string;
  readonly json: JsonObject;
}

/** One pinned provider: `hashicorp/aws` at exactly `6.25.0`. */
export interface ProviderPin {
  readonly namespace: string;
  readonly type: string;
  readonly version: string;
}

export const pinKey = (pin: ProviderPin): string => `${pin.namespace}/${pin.type}@${pin.version}`;

/** Every stack under `<outDir>/stacks`, sorted by name; a missing or unreadable file is an error naming it. */
export function loadStacks(outDir: string): Stack[] {
  const stacksDir = path.join(outDir, 'stacks');
  if (!fs.existsSync(stacksDir)) throw new VerifyError(`${stacksDir} does not exist: run \`npm run synth\` first`);
  const names = fs
    .readdirSync(stacksDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  if (names.length === 0) throw new VerifyError(`${stacksDir} holds no stack: run \`npm run synth\` first`);
  return names.map((name) => {
    const dir = path.join(stacksDir, name);
    const file = path.join(dir, 'cdk.tf.json');
    if (!fs.existsSync(file)) throw new VerifyError(`stack ${name}: ${file} is missing`);
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new VerifyError(`stack ${name}: ${file} is not valid JSON (${(error as Error).message})`);
    }
    if (!isRecord(json)) throw new VerifyError(`stack ${name}: ${file} is not a JSON object`);
    return { name, dir, file, json };
  });
}

const EXACT_VERSION = /^\d+\.\d+\.\d+$/;

/**
 * The providers a stack pins, from `terraform.required_providers`. A source without a namespace (cdktf
 * writes `"aws"`) means `hashicorp/<type>` on the default registry, as both Terraform and OpenTofu read it.
 * A version must be exact: a mirror holds releases, not ranges.
 */
export function providerPins(stack: Stack): ProviderPin[] {
  const terraform = stack.json.terraform;
  const required = isRecord(terraform) ? terraform.required_providers : undefined;
  if (!isRecord(required)) return [];
  return Object.entries(required).map(([localName, spec]) => {
    const where = `stack ${stack.name}: terraform.required_providers.${localName}`;
    if (!isRecord(spec)) throw new VerifyError(`${where} must be an object with source and version`);
    const source = typeof spec.source === 'string' ? spec.source : localName;
    const parts = source.split('/');
    if (parts.length > 3 || parts.some((part) => part === '')) throw new VerifyError(`${where}.source "${source}" is not a provider address`);
    // host/namespace/type, namespace/type or type; the host is whichever registry the binary defaults to.
    const [namespace, type] = parts.length === 1 ? ['hashicorp', parts[0]] : parts.slice(-2);
    const version = spec.version;
    if (typeof version !== 'string' || !EXACT_VERSION.test(version)) {
      throw new VerifyError(`${where}.version must be an exact release such as 6.25.0 (got ${JSON.stringify(version)})`);
    }
    return { namespace, type, version };
  });
}

/** The distinct pins of all stacks, sorted. */
export function allPins(stacks: readonly Stack[]): ProviderPin[] {
  const byKey = new Map<string, ProviderPin>();
  for (const stack of stacks) for (const pin of providerPins(stack)) byKey.set(pinKey(pin), pin);
  return [...byKey.keys()].sort().map((key) => byKey.get(key)!);
}
