import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { buildKubernetesIndex, checkKubernetesEntries, kubernetesObjects, mergeDuplicateFindings, type KubernetesEntry } from './kubernetes';
import { buildReport } from './report';
import { ruleOf } from './rules';
import { checkTerraformDocument, readTerraform, type TerraformDocument } from './terraform';
import type { Finding, PolicyReport } from './types';
import { isRecord } from '../lib/terraform-json';

export interface PolicyOptions {
  /**
   * Directory names never descended into. @default ['node_modules', '.terraform']
   * Leftovers of an interrupted synth are never descended into either: hidden staging directories
   * (`.cdktf.out.staging-*`, `.k8s.staging-*`) and `*.previous-*` directories. A path given
   * explicitly is always read, whatever its name.
   */
  readonly skipDirectories?: readonly string[];
  /** Skip paths that do not exist instead of throwing `PolicyInputError`. @default false */
  readonly ignoreMissingPaths?: boolean;
  /** Base of relative paths, and of the file names shown in findings. @default process.cwd() */
  readonly cwd?: string;
  /**
   * The objects some Kubernetes YAML inputs hold, by absolute path, when the caller has them in memory
   * (the synth that just wrote them): used instead of reading and parsing those files.
   * @default - every file is read and parsed
   */
  readonly documents?: ReadonlyMap<string, readonly unknown[]>;
}

/** A path that does not exist or is not a policy input: a usage error, not a finding. */
export class PolicyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyInputError';
  }
}

type InputKind = 'terraform' | 'kubernetes';

export interface PolicyInput {
  readonly path: string;
  readonly kind: InputKind;
}

/** Staging (`.NAME.staging-PID-XXXX`) and backup (`NAME.previous-PID`) directories of tools/synth/staged-output.ts. */
export function isInterruptedSynthDirectory(name: string): boolean {
  return (name.startsWith('.') && name.includes('.staging-')) || name.includes('.previous-');
}

function kindOf(file: string): InputKind | undefined {
  if (file.endsWith('.tf.json')) return 'terraform';
  if (file.endsWith('.yaml') || file.endsWith('.yml')) return 'kubernetes';
  return undefined;
}

/**
 * Files to check: directories are walked for `*.tf.json`, `*.yaml` and `*.yml` (symlinked
 * directories, `skipDirectories` and leftovers of an interrupted synth are not entered); a file named
 * explicitly may also be any `*.json` (read as Terraform JSON: anything else is a POLICY-002 finding).
 */
export function collectInputs(paths: readonly string[], options: PolicyOptions = {}): PolicyInput[] {
  const cwd = options.cwd ?? process.cwd();
  const skip = new Set(options.skipDirectories ?? ['node_modules', '.terraform']);
  const found = new Map<string, InputKind>();
  const walk = (dir: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skip.has(entry.name) && !isInterruptedSynthDirectory(entry.name)) walk(full);
        continue;
      }
      const kind = kindOf(entry.name);
      if (kind && (entry.isFile() || (entry.isSymbolicLink() && fs.statSync(full, { throwIfNoEntry: false })?.isFile()))) {
        found.set(full, kind);
      }
    }
  };
  for (const given of paths) {
    const full = path.resolve(cwd, given);
    const stat = fs.statSync(full, { throwIfNoEntry: false });
    if (!stat) {
      if (options.ignoreMissingPaths) continue;
      throw new PolicyInputError(`path not found: ${given}`);
    }
    if (stat.isDirectory()) {
      walk(full);
    } else {
      const kind = kindOf(full) ?? (full.endsWith('.json') ? 'terraform' : undefined);
      if (!kind) throw new PolicyInputError(`not a Terraform JSON (*.tf.json) or Kubernetes YAML (*.yaml, *.yml) file: ${given}`);
      found.set(full, kind);
    }
  }
  return [...found].map(([file, kind]) => ({ path: file, kind }));
}

function displayName(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function parseFailure(file: string, message: string): Finding {
  const rule = ruleOf('POLICY-002');
  return { ruleId: rule.id, severity: rule.severity, address: '-', file, message: message.split('\n')[0], suppressed: false };
}

/** Top-level keys of Terraform's JSON configuration syntax; a file with none of them is not Terraform JSON. */
export const TERRAFORM_JSON_KEYS: readonly string[] = ['resource', 'data', 'terraform', 'provider', 'module', 'locals', 'output', 'variable'];

function describeJson(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/** Why parsed JSON is not Terraform JSON (a plan, package.json, a bare value), or undefined when it is. */
export function notTerraformJsonReason(json: unknown): string | undefined {
  if (!isRecord(json)) return `not Terraform JSON: the root is ${describeJson(json)}, not an object`;
  if (TERRAFORM_JSON_KEYS.some((key) => Object.prototype.hasOwnProperty.call(json, key))) return undefined;
  if ('format_version' in json && ('resource_changes' in json || 'planned_values' in json || 'values' in json)) {
    return 'not Terraform JSON: this is `terraform show -json` output (a plan or state); check the configuration (*.tf.json) instead';
  }
  const keys = Object.keys(json);
  const found = keys.length === 0 ? 'the object is empty' : `found ${keys.slice(0, 5).map((key) => `"${key}"`).join(', ')}${keys.length > 5 ? ', ...' : ''}`;
  return `not Terraform JSON: none of the top-level keys ${TERRAFORM_JSON_KEYS.join(', ')} (${found})`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Checks every Terraform JSON and Kubernetes YAML file under `paths`. Each file is read and parsed
 * once; PodDisruptionBudgets and HPAs are matched across all inputs of the run. A file that does not
 * parse, does not convert, or is not Terraform JSON is a POLICY-002 finding, never an exception.
 *
 * @throws PolicyInputError when a path does not exist (unless `ignoreMissingPaths`) or is not an input file
 */
export function runPolicy(paths: readonly string[], options: PolicyOptions = {}): PolicyReport {
  const cwd = options.cwd ?? process.cwd();
  const inputs = collectInputs(paths, options);
  const files: string[] = [];
  const findings: Finding[] = [];
  const documents: TerraformDocument[] = [];
  const kubernetes: KubernetesEntry[] = [];

  for (const input of inputs) {
    const file = displayName(input.path, cwd);
    files.push(file);
    const known = input.kind === 'kubernetes' ? options.documents?.get(path.resolve(cwd, input.path)) : undefined;
    if (known) {
      for (const object of kubernetesObjects(known)) kubernetes.push({ object, file });
      continue;
    }
    const text = fs.readFileSync(input.path, 'utf8');
    if (input.kind === 'terraform') {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        findings.push(parseFailure(file, `invalid JSON: ${(error as Error).message}`));
        continue;
      }
      const notTerraform = notTerraformJsonReason(json);
      if (notTerraform !== undefined) {
        findings.push(parseFailure(file, notTerraform));
        continue;
      }
      const document = readTerraform(json, file);
      documents.push(document);
      kubernetes.push(...document.kubernetesEntries);
    } else {
      const values: unknown[] = [];
      parseAllDocuments(text).forEach((document, i) => {
        if (document.errors.length > 0) {
          findings.push(parseFailure(file, `invalid YAML: ${document.errors[0].message}`));
          return;
        }
        try {
          // Parses but may not convert: an unresolved alias (`a: *missing`), an alias bomb.
          values.push(document.toJS());
        } catch (error) {
          findings.push(parseFailure(file, `invalid YAML (document ${i + 1}): ${errorMessage(error)}`));
        }
      });
      for (const object of kubernetesObjects(values)) kubernetes.push({ object, file });
    }
  }

  const index = buildKubernetesIndex(kubernetes);
  for (const document of documents) findings.push(...checkTerraformDocument(document));
  // The same object can be read twice (its YAML and its kubernetes_manifest): one finding, both files.
  findings.push(...mergeDuplicateFindings(checkKubernetesEntries(kubernetes, index)));
  return buildReport(findings, files);
}
