/**
 * Reading and applying suppressions. No cdktf or cdk8s import here: the command line loads this
 * file, and the construct helpers live in `suppress.ts`.
 */
import { findRule, isSuppressible, ruleOf } from './rules';
import type { Finding, RawFinding } from './types';
import { isRecord } from '../lib/terraform-json';

import { SUPPRESSION_ANNOTATION, SUPPRESSION_METADATA_KEY } from '../../constructs/core/suppression-keys';

// Defined next to the recording in the library, so writer and reader share one spelling.
export { SUPPRESSION_ANNOTATION, SUPPRESSION_METADATA_KEY };

export interface SuppressionSet {
  /** Rule id -> reason, for well-formed suppressions. */
  readonly valid: ReadonlyMap<string, string>;
  /** One message per malformed suppression (no reason, unknown or unsuppressible rule id). */
  readonly problems: readonly string[];
}

export const EMPTY_SUPPRESSIONS: SuppressionSet = { valid: new Map(), problems: [] };

/** Why this suppression is invalid, or undefined when it is fine. */
export function suppressionProblem(ruleId: string, reason: unknown): string | undefined {
  const id = ruleId.trim();
  if (id === '') return 'suppression names no rule id';
  if (!findRule(id)) return `suppression names unknown rule id "${id}"`;
  if (!isSuppressible(id)) return `rule ${id} cannot be suppressed`;
  if (typeof reason !== 'string' || reason.trim() === '') return `suppression of ${id} gives no reason`;
  return undefined;
}

function collect(entries: Iterable<[string, unknown]>): SuppressionSet {
  const valid = new Map<string, string>();
  const problems: string[] = [];
  for (const [ruleId, reason] of entries) {
    const problem = suppressionProblem(ruleId, reason);
    if (problem) problems.push(problem);
    else valid.set(ruleId.trim(), (reason as string).trim());
  }
  return { valid, problems };
}

/**
 * Suppressions recorded by `suppress()` in a Terraform block: `"//": { "policy_suppressions": { "ID": "reason" } }`.
 * A hand-written list `[{ "id": "ID", "reason": "..." }]` is read too.
 */
export function readTerraformSuppressions(block: Record<string, unknown>): SuppressionSet {
  const metadata = block['//'];
  if (!isRecord(metadata) || metadata[SUPPRESSION_METADATA_KEY] === undefined) return EMPTY_SUPPRESSIONS;
  const raw = metadata[SUPPRESSION_METADATA_KEY];
  if (Array.isArray(raw)) {
    return collect(
      raw.map((item): [string, unknown] => {
        if (!isRecord(item)) return ['', undefined];
        const id = item.id ?? item.ruleId ?? item.rule;
        return [typeof id === 'string' ? id : '', item.reason];
      }),
    );
  }
  if (isRecord(raw)) return collect(Object.entries(raw));
  return { valid: new Map(), problems: [`"//.${SUPPRESSION_METADATA_KEY}" must be an object of rule id to reason`] };
}

/** Parses the annotation value `ID=reason; ID=reason` into entries, keeping malformed parts as problems. */
export function parseSuppressionAnnotation(value: unknown): SuppressionSet {
  if (value === undefined) return EMPTY_SUPPRESSIONS;
  if (typeof value !== 'string') {
    return { valid: new Map(), problems: [`annotation ${SUPPRESSION_ANNOTATION} must be a string`] };
  }
  const entries: [string, unknown][] = [];
  for (const part of value.split(';')) {
    if (part.trim() === '') continue;
    const equals = part.indexOf('=');
    entries.push(equals < 0 ? [part.trim(), undefined] : [part.slice(0, equals).trim(), part.slice(equals + 1).trim()]);
  }
  return collect(entries);
}

export function formatSuppressionAnnotation(valid: ReadonlyMap<string, string>): string {
  return [...valid].map(([id, reason]) => `${id}=${reason}`).join('; ');
}

export function mergeSuppressions(a: SuppressionSet, b: SuppressionSet): SuppressionSet {
  if (a === EMPTY_SUPPRESSIONS) return b;
  if (b === EMPTY_SUPPRESSIONS) return a;
  return { valid: new Map([...a.valid, ...b.valid]), problems: [...a.problems, ...b.problems] };
}

/** What the checker knows about one address in one file. */
export interface Subject {
  readonly suppressions: SuppressionSet;
  /** `kubernetes_manifest.NAME` for objects embedded in Terraform JSON. */
  readonly resource?: string;
}

/**
 * Turns raw findings into findings: severity from the rule, suppression from the subject at the
 * finding's address; every malformed suppression becomes a POLICY-001 finding.
 */
export function resolveFindings(
  raw: readonly RawFinding[],
  file: string,
  subjects: ReadonlyMap<string, Subject>,
): Finding[] {
  const findings: Finding[] = [];
  for (const item of raw) {
    const rule = ruleOf(item.ruleId);
    const subject = subjects.get(item.address);
    const reason = isSuppressible(rule.id) ? subject?.suppressions.valid.get(rule.id) : undefined;
    findings.push({
      ruleId: rule.id,
      severity: rule.severity,
      address: item.address,
      file,
      message: item.message,
      suppressed: reason !== undefined,
      ...(reason !== undefined ? { suppressionReason: reason } : {}),
      ...(subject?.resource ? { resource: subject.resource } : {}),
    });
  }
  for (const [address, subject] of subjects) {
    for (const problem of subject.suppressions.problems) {
      findings.push({
        ruleId: 'POLICY-001',
        severity: ruleOf('POLICY-001').severity,
        address,
        file,
        message: problem,
        suppressed: false,
        ...(subject.resource ? { resource: subject.resource } : {}),
      });
    }
  }
  return findings;
}
