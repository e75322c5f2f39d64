/** Reads what the estimate needs from disk: synthesized stacks and rendered Kubernetes manifests. */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import type { KubernetesManifests, StackInput } from './estimate';
import { isRecord, type JsonObject } from '../lib/terraform-json';

/** Every `<dir>/stacks/<stack>/cdk.tf.json`; throws with a hint when there are none. */
export function loadStacks(dir: string): StackInput[] {
  const stacksDir = path.join(dir, 'stacks');
  if (!fs.existsSync(stacksDir)) throw new Error(`no synthesized stacks in ${stacksDir}; run \`npm run synth\` first`);
  const stacks: StackInput[] = [];
  for (const name of fs.readdirSync(stacksDir).sort()) {
    const file = path.join(stacksDir, name, 'cdk.tf.json');
    if (!fs.existsSync(file)) continue;
    let config: unknown;
    try {
      config = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (!isRecord(config)) throw new Error(`${file}: not a Terraform JSON object`);
    stacks.push({ name, config });
  }
  if (stacks.length === 0) throw new Error(`no cdk.tf.json under ${stacksDir}; run \`npm run synth\` first`);
  return stacks;
}

/** Objects of every `<dir>/<env>/*.yaml`, by environment; empty when `dir` does not exist. */
export function loadKubernetesManifests(dir: string): Record<string, KubernetesManifests> {
  const out: Record<string, KubernetesManifests> = {};
  if (!fs.existsSync(dir)) return out;
  for (const env of fs.readdirSync(dir).sort()) {
    const envDir = path.join(dir, env);
    if (!fs.statSync(envDir).isDirectory()) continue;
    const objects: JsonObject[] = [];
    for (const file of fs.readdirSync(envDir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
      const full = path.join(envDir, file);
      for (const doc of parseAllDocuments(fs.readFileSync(full, 'utf8'))) {
        if (doc.errors.length > 0) throw new Error(`${full}: ${doc.errors[0].message}`);
        const value: unknown = doc.toJSON();
        if (isRecord(value) && value.kind === 'List' && Array.isArray(value.items)) objects.push(...value.items.filter(isRecord));
        else if (isRecord(value)) objects.push(value);
        else if (Array.isArray(value)) objects.push(...value.filter(isRecord));
      }
    }
    out[env] = { source: envDir, objects };
  }
  return out;
}
