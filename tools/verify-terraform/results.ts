/**
 * What plan/apply/destroy did, per resource type, read from Terraform's `-json` UI stream
 * (`planned_change`, `apply_complete`, `apply_errored`, `diagnostic`; see diagnostics.ts), and which failures
 * are the emulator's: emulator/serve.py logs `moto-not-implemented: <service> <Action>` for each request moto
 * lacks (moto then answers a bare HTTP 500), and the provider's error names the operation
 * (`operation error EC2: CreateFlowLogs, ...`, AWS SDK for Go v2).
 */
import { isRecord, type JsonObject } from '../lib/terraform-json';
import { describe, uiDiagnostics, type Diagnostic } from './diagnostics';

export type Phase = 'plan' | 'apply' | 'destroy';

interface Hook {
  readonly addr: string;
  readonly type: string;
  readonly action: string;
}

function hookOf(message: JsonObject, key: 'hook' | 'change'): Hook | undefined {
  const hook = message[key];
  if (!isRecord(hook) || !isRecord(hook.resource)) return undefined;
  const { addr, resource_type: type } = hook.resource;
  if (typeof addr !== 'string' || typeof type !== 'string') return undefined;
  return { addr, type, action: typeof hook.action === 'string' ? hook.action : '' };
}

/** Resources a plan intends to change (no-op and read-only changes left out). */
export function plannedChanges(messages: readonly JsonObject[]): Hook[] {
  return messages
    .filter((m) => m.type === 'planned_change')
    .map((m) => hookOf(m, 'change'))
    .filter((h): h is Hook => h !== undefined && h.action !== 'noop' && h.action !== 'read');
}

export interface ApplyOutcome {
  readonly completed: Hook[];
  readonly errored: Hook[];
  readonly diagnostics: Diagnostic[];
}

/** Changes applied or failed; data source reads (action `read`, also during destroy) are left out. */
export function applyOutcome(messages: readonly JsonObject[]): ApplyOutcome {
  const pick = (type: string) =>
    messages
      .filter((m) => m.type === type)
      .map((m) => hookOf(m, 'hook'))
      .filter((h): h is Hook => h !== undefined && h.action !== 'read');
  return { completed: pick('apply_complete'), errored: pick('apply_errored'), diagnostics: uiDiagnostics(messages) };
}

/** `{service, operation}` from an AWS SDK error (`operation error S3: PutBucketLogging, ...`). */
export function operationOf(text: string): { service: string; operation: string } | undefined {
  const match = /operation error ([\w .-]+?): (\w+)/.exec(text);
  return match ? { service: match[1], operation: match[2] } : undefined;
}

/** Actions the emulator's log says it was asked for and does not implement (`DescribeCapacityBlockOfferings`). */
export function missingActions(motoLog: string): Set<string> {
  return new Set([...motoLog.matchAll(/^moto-not-implemented: \S+ (\w+)$/gm)].map((m) => m[1]));
}

/** An error is the emulator's when moto logged the failing operation as not implemented. */
export function emulatorGap(diagnostic: Diagnostic, missing: ReadonlySet<string>): string | undefined {
  const text = `${diagnostic.summary} ${diagnostic.detail}`;
  const op = operationOf(text);
  if (op && missing.has(op.operation)) return `${op.service} ${op.operation}`;
  return undefined;
}

/** Counts for one resource type across the phases of one stack. */
export interface TypeTally {
  planned: number;
  applied: number;
  applyFailed: number;
  destroyed: number;
  destroyFailed: number;
  /** Left in place by `lifecycle.prevent_destroy` (gone when the emulator stops). */
  kept: number;
  /** Errors (one line each), emulator gaps marked. */
  readonly notes: string[];
}

export type Tallies = Map<string, TypeTally>;

function tally(tallies: Tallies, type: string): TypeTally {
  let t = tallies.get(type);
  if (!t) {
    t = { planned: 0, applied: 0, applyFailed: 0, destroyed: 0, destroyFailed: 0, kept: 0, notes: [] };
    tallies.set(type, t);
  }
  return t;
}

/** The resource type of a resource address; undefined for other addresses (`provider["..."]`). */
export function typeOfAddress(address: string): string | undefined {
  const match = /^(?:module\.[^.]+\.)*(?:data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.[^.]+/.exec(address);
  return match?.[1];
}

/** Adds one phase's messages to the per-type counts; returns the phase's error lines. */
export function record(tallies: Tallies, phase: Phase, messages: readonly JsonObject[], missing: ReadonlySet<string>): string[] {
  if (phase === 'plan') for (const change of plannedChanges(messages)) tally(tallies, change.type).planned++;
  const outcome = applyOutcome(messages);
  if (phase !== 'plan') {
    for (const done of outcome.completed) {
      if (phase === 'apply') tally(tallies, done.type).applied++;
      else tally(tallies, done.type).destroyed++;
    }
    for (const failed of outcome.errored) {
      if (phase === 'apply') tally(tallies, failed.type).applyFailed++;
      else tally(tallies, failed.type).destroyFailed++;
    }
  }
  const lines: string[] = [];
  for (const diagnostic of outcome.diagnostics.filter((d) => d.severity === 'error')) {
    const gap = emulatorGap(diagnostic, missing);
    const line = `${phase}: ${gap ? `emulator lacks ${gap}: ` : ''}${describe(diagnostic)}`;
    lines.push(line);
    const type = diagnostic.address ? typeOfAddress(diagnostic.address) : undefined;
    if (type) tally(tallies, type).notes.push(line);
  }
  return lines;
}

/** Counts resources a targeted destroy leaves because of prevent_destroy. */
export function recordKept(tallies: Tallies, addresses: readonly string[]): void {
  for (const address of addresses) {
    const type = typeOfAddress(address);
    if (type) tally(tallies, type).kept++;
  }
}

/** One line per resource type: `aws_s3_bucket  planned 5, applied 5/5, destroyed 5/5`. */
export function tallyLines(tallies: Tallies, phases: readonly Phase[]): string[] {
  const width = Math.max(0, ...[...tallies.keys()].map((k) => k.length));
  return [...tallies.keys()].sort().map((type) => {
    const t = tallies.get(type)!;
    const parts = [`planned ${t.planned}`];
    if (phases.includes('apply')) parts.push(`applied ${t.applied}/${t.planned}${t.applyFailed ? ` (${t.applyFailed} failed)` : ''}`);
    if (phases.includes('destroy')) parts.push(`destroyed ${t.destroyed}/${t.applied}${t.destroyFailed ? ` (${t.destroyFailed} failed)` : ''}${t.kept ? ` (${t.kept} kept by prevent_destroy)` : ''}`);
    const gap = t.notes.length > 0 && t.notes.every((note) => note.includes(': emulator lacks '));
    const failed = t.applyFailed + t.destroyFailed > 0 || t.notes.length > 0;
    const verdict = gap ? 'GAP' : failed ? 'FAIL' : phases.includes('apply') && t.applied < t.planned ? 'SKIP' : 'ok';
    return [`    ${verdict.padEnd(4)} ${type.padEnd(width)}  ${parts.join(', ')}`, ...t.notes.map((note) => `           ${note}`)].join('\n');
  });
}
