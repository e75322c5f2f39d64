/**
 * A copy of `terraform show -json` output that is safe to keep as a workflow artifact.
 *
 * `terraform show -json` prints sensitive values in clear text: the `*_sensitive` masks only say which ones
 * they are. This keeps what the summary and the fingerprint read (resource, drift, deferred and output changes,
 * action invocations, the version and status fields) with every value a mask marks replaced by
 * `REDACTED`, and drops the rest: `variables` (values of sensitive input variables), `prior_state` and
 * `planned_values` (whole resource values), `configuration` (literal arguments) and `relevant_attributes`.
 * Masks as Terraform writes them (jsonplan `Change.BeforeSensitive`/`AfterSensitive`, `ActionInvocation.ConfigSensitive`):
 * `true` marks the whole value, an object or array marks per key or index, absent or `false` marks nothing.
 */

/** What replaces a sensitive value: a string, so the document keeps its shape and the fingerprint stays defined. */
export const REDACTED = '(sensitive value redacted)';

/** Keys kept from the top level; everything else is dropped. */
const KEPT_TOP_LEVEL = ['format_version', 'terraform_version', 'timestamp', 'applyable', 'complete', 'errored'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` with every leaf that `mask` marks replaced by `REDACTED`. */
export function maskValue(value: unknown, mask: unknown): unknown {
  if (mask === true) return value === null || value === undefined ? value : REDACTED;
  if (Array.isArray(mask) && Array.isArray(value)) return value.map((item, i) => maskValue(item, mask[i]));
  if (isObject(mask) && isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskValue(item, mask[key])]));
  }
  return value;
}

function redactChange(change: unknown): unknown {
  if (!isObject(change)) return change;
  const out: Record<string, unknown> = { ...change };
  if ('before' in change) out.before = maskValue(change.before, change.before_sensitive);
  if ('after' in change) out.after = maskValue(change.after, change.after_sensitive);
  // Identities name objects (an ARN, an ID), never secrets; generated config can hold literal values.
  delete out.generated_config;
  return out;
}

function redactResourceChange(rc: unknown): unknown {
  if (!isObject(rc)) return rc;
  return { ...rc, change: redactChange(rc.change) };
}

function redactList(list: unknown, each: (item: unknown) => unknown): unknown {
  return Array.isArray(list) ? list.map(each) : list;
}

/** The redacted copy of a parsed plan document (not modified). */
export function redactPlanDocument(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of KEPT_TOP_LEVEL) if (key in doc) out[key] = doc[key];
  // Present in every plan Terraform writes (a struct, not omitted): readers tell a plan from a state by it.
  out.planned_values = {};
  if ('resource_changes' in doc) out.resource_changes = redactList(doc.resource_changes, redactResourceChange);
  if ('resource_drift' in doc) out.resource_drift = redactList(doc.resource_drift, redactResourceChange);
  if ('deferred_changes' in doc) {
    out.deferred_changes = redactList(doc.deferred_changes, (d) => (isObject(d) ? { ...d, resource_change: redactResourceChange(d.resource_change) } : d));
  }
  if (isObject(doc.output_changes)) {
    // Output masks are one boolean for the whole value (jsonplan MarshalOutputChanges).
    out.output_changes = Object.fromEntries(Object.entries(doc.output_changes).map(([name, change]) => [name, redactChange(change)]));
  }
  if ('action_invocations' in doc) {
    out.action_invocations = redactList(doc.action_invocations, (a) =>
      isObject(a) ? { ...a, config_values: maskValue(a.config_values, a.config_sensitive) } : a,
    );
  }
  out.redacted = true;
  return out;
}
