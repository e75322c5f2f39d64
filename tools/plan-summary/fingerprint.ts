/**
 * A stable SHA-256 over what applying a plan would do, so the deploy workflow can refuse to apply a
 * plan that differs from the one reviewed on the pull request.
 *
 * Covered: for every resource change that does something (no-op and read left out, except a no-op that
 * moves or imports, which changes state), its address, deposed key, previous address, actions, import
 * id, `after` and `after_unknown`; every changed output's name, actions, `after` and `after_unknown`; and every
 * action invocation's address and trigger.
 * Not covered, because they vary between runs of the same change: `terraform_version`, `timestamp`,
 * `prior_state`, `before`, drift, configuration, and the order of `resource_changes`.
 */
import { createHash } from 'crypto';
import type { Plan, ResourceChange } from './plan';

/** Bumped when what is hashed changes, so an old and a new fingerprint never match by accident. */
const FINGERPRINT_VERSION = 'plan-summary-fingerprint/v1';

/** JSON with object keys sorted at every level, so key order in the input does not matter. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

function isEffective(rc: ResourceChange): boolean {
  if (rc.kind === 'read') return false;
  if (rc.kind === 'no-op') return rc.importing !== undefined || rc.previousAddress !== undefined;
  return true;
}

/** The 64-hex-digit SHA-256 fingerprint of a plan's effective changes. */
export function fingerprintPlan(plan: Plan): string {
  const resources = plan.resourceChanges
    .filter(isEffective)
    .map((rc) =>
      canonicalJson({
        address: rc.address,
        deposed: rc.deposed ?? null,
        previous_address: rc.previousAddress ?? null,
        actions: rc.actions,
        importing: rc.importing ? { id: rc.importing.id ?? null } : null,
        after: rc.after,
        after_unknown: rc.afterUnknown,
      }),
    )
    // Any total order will do: sorting the canonical strings makes the input order irrelevant.
    .sort();
  const outputs = plan.outputChanges
    .filter((o) => o.kind !== 'no-op' && o.kind !== 'read')
    .map((o) => canonicalJson({ name: o.name, actions: o.actions, after: o.after, after_unknown: o.afterUnknown }))
    .sort();
  // Applying a plan also runs the actions it invokes (Terraform 1.14+). Only present when there are some, so the
  // fingerprint of every plan without actions is what it always was.
  const actions = plan.actionInvocations
    .map((a) => canonicalJson({ address: a.address, triggered_by: a.triggeredBy ?? null, event: a.event ?? null }))
    .sort();
  const payload = `${FINGERPRINT_VERSION}\n${JSON.stringify(actions.length > 0 ? { resources, outputs, actions } : { resources, outputs })}`;
  return createHash('sha256').update(payload, 'utf8').digest('hex');
}
