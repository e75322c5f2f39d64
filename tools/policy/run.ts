import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { buildKubernetesIndex, checkKubernetesEntries, kubernetesObjects, type KubernetesEntry } from './kubernetes';
import { buildReport } from './report';
import { ruleOf } from './rules';
import { checkTerraformDocument, readTerraform, type TerraformDocument } from './terraform';
import type { Finding, PolicyReport } from './types';

export interface PolicyOptions {
  /** Directory names never descended into. @default ['node_modules', '.terraform'] */
  readonly skipDirectories?: readonly string[];
  /** Skip paths that do not exist instead of throwing `PolicyInputError`. @default false */
  readonly ignoreMissingPaths?: boolean;
  /** Base of relative paths, and of the file names shown in findings. @default process.cwd() */
  readonly cwd?: string;
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

function kindOf(file: string): InputKind | undefined {
  if (file.endsWith('.tf.json')) return 'terraform';
  if (file.endsWith('.yaml') || file.endsWith('.yml')) return 'kubernetes';
  return undefined;
}

/**
 * Files to check: directories are walked for `*.tf.json`, `*.yaml` and `*.yml` (symlinked
 * directories are not followed); a file named explicitly may also be any `*.json` (Terraform JSON).
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
        if (!skip.has(entry.name)) walk(full);
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

/**
 * Checks every Terraform JSON and Kubernetes YAML file under `paths`. Each file is read and parsed
 * once; PodDisruptionBudgets and HPAs are matched across all inputs of the run.
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
    const text = fs.readFileSync(input.path, 'utf8');
    if (input.kind === 'terraform') {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        findings.push(parseFailure(file, `invalid JSON: ${(error as Error).message}`));
        continue;
      }
      const document = readTerraform(json, file);
      documents.push(document);
      kubernetes.push(...document.kubernetesEntries);
    } else {
      const values: unknown[] = [];
      for (const document of parseAllDocuments(text)) {
        if (document.errors.length > 0) {
          findings.push(parseFailure(file, `invalid YAML: ${document.errors[0].message}`));
          continue;
        }
        values.push(document.toJS());
      }
      for (const object of kubernetesObjects(values)) kubernetes.push({ object, file });
    }
  }

  const index = buildKubernetesIndex(kubernetes);
  for (const document of documents) findings.push(...checkTerraformDocument(document));
  findings.push(...checkKubernetesEntries(kubernetes, index));
  return buildReport(findings, files);
}
