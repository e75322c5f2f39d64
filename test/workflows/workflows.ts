import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

/** The repository's workflow directory. */
export const WORKFLOW_DIR = path.join(__dirname, '..', '..', '.github', 'workflows');

export interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
  readonly if?: string;
}

export interface Job {
  readonly name?: string;
  readonly uses?: string;
  readonly needs?: string | string[];
  readonly if?: string;
  readonly permissions?: Record<string, string> | string;
  readonly environment?: string | { name: string };
  readonly concurrency?: { group: string; 'cancel-in-progress'?: boolean } | string;
  readonly 'timeout-minutes'?: number;
  readonly steps?: Step[];
  readonly with?: Record<string, unknown>;
}

export interface Workflow {
  readonly file: string;
  readonly text: string;
  readonly name?: string;
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string> | string;
  readonly concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  readonly env?: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

let parsed: readonly Workflow[] | undefined;

/**
 * Every workflow file, parsed (`on` stays a key: yaml 1.2 does not read it as a boolean). Parsed once
 * per test file: `workflow()` and `calledWorkflow()` are called in loops over every job. The objects
 * are frozen, so no test can change what another one reads.
 */
export function loadWorkflows(): Workflow[] {
  parsed ??= readdirSync(WORKFLOW_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(path.join(WORKFLOW_DIR, file), 'utf8');
      return deepFreeze({ file, text, ...(parse(text) as Omit<Workflow, 'file' | 'text'>) });
    });
  return [...parsed];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export function workflow(file: string): Workflow {
  const found = loadWorkflows().find((w) => w.file === file);
  if (!found) throw new Error(`no workflow ${file}`);
  return found;
}

/** The local reusable workflow a job calls (`uses: ./.github/workflows/x.yml`), if any. */
export function calledWorkflow(job: Job): Workflow | undefined {
  if (!job.uses?.startsWith('./.github/workflows/')) return undefined;
  return workflow(path.basename(job.uses));
}

export const AWS_CREDENTIALS_ACTION = 'aws-actions/configure-aws-credentials';

/** True when the job (or the local reusable workflow it calls) configures AWS credentials through OIDC. */
export function usesAwsCredentials(job: Job): boolean {
  const called = calledWorkflow(job);
  if (called) return Object.values(called.jobs).some(usesAwsCredentials);
  return (job.steps ?? []).some((s) => s.uses?.startsWith(`${AWS_CREDENTIALS_ACTION}@`) ?? false);
}

export function permissionsOf(job: Job): Record<string, string> {
  return typeof job.permissions === 'object' && job.permissions !== null ? job.permissions : {};
}
