/**
 * Parses and validates `terraform show -json <planfile>` output into a typed model. Pure: takes text
 * (or the file's bytes), returns a model or throws `PlanError`; never touches files or the process.
 *
 * Checked against Terraform's own writer, hashicorp/terraform `internal/command/jsonplan/plan.go`,
 * `resource.go` and `action_invocations.go` at v1.14.0 and v1.15.9, and the `FormatVersion` constant at
 * every release: "0.1" (0.12.0 to 1.0.0), "0.2" (1.0.1 to 1.0.11, which added `sensitive_values` to the
 * state representations), "1.0" (1.1.x), "1.1" (1.2.0 to 1.4.x), "1.2" (1.5.0 to 1.15.x). Every key the
 * writer tags `omitempty` may be absent: a wholly unknown `after` (an output or attribute known only
 * after apply) is omitted and `after_unknown` is `true`; `resource_changes`, `resource_drift`,
 * `output_changes` and `action_invocations` are omitted when empty.
 */
import { z } from 'zod';

/** A single element of `change.actions` in the JSON plan format. */
export type Action = 'no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget';

/** The action combinations Terraform writes to `change.actions`, normalized. */
export type ActionKind =
  | 'no-op'
  | 'create'
  | 'read'
  | 'update'
  | 'delete'
  | 'forget'
  /** `["delete","create"]`: the default replacement order. */
  | 'delete-then-create'
  /** `["create","delete"]`: `create_before_destroy`. */
  | 'create-then-delete'
  /** `["create","forget"]`: replacement where the old object is only removed from state. */
  | 'create-then-forget';

export interface ResourceChange {
  readonly address: string;
  /** Set when the resource was moved (a `moved` block or a rename); differs from `address`. */
  readonly previousAddress?: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly providerName?: string;
  /** Set for a deposed object left over from a failed create-before-destroy replacement. */
  readonly deposed?: string;
  readonly actions: readonly Action[];
  readonly kind: ActionKind;
  readonly actionReason?: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly afterUnknown: unknown;
  readonly beforeSensitive: unknown;
  readonly afterSensitive: unknown;
  /** Top-level attribute paths that force replacement (`replace_paths`). */
  readonly replacePaths: readonly (readonly (string | number)[])[];
  /** Set when the resource is imported in this plan (Terraform 1.5+); `identity` when imported by resource identity (1.12+). */
  readonly importing?: { readonly id?: string; readonly identity?: boolean };
}

/** An action the plan invokes (Terraform 1.14+ `action` blocks); applying the plan runs it. */
export interface ActionInvocation {
  readonly address: string;
  readonly type?: string;
  /** The resource whose lifecycle event triggers it; absent for `terraform plan -invoke`. */
  readonly triggeredBy?: string;
  readonly event?: string;
}

export interface OutputChange {
  readonly name: string;
  readonly actions: readonly Action[];
  readonly kind: ActionKind;
  readonly after: unknown;
  readonly afterUnknown: unknown;
}

export interface Plan {
  readonly formatVersion: string;
  readonly terraformVersion: string;
  readonly resourceChanges: readonly ResourceChange[];
  readonly outputChanges: readonly OutputChange[];
  /** `resource_drift`: changes made outside Terraform that the refresh found (not applied by this plan). */
  readonly resourceDrift: readonly ResourceChange[];
  readonly actionInvocations: readonly ActionInvocation[];
  /** `deferred_changes` (Terraform 1.8+): resource changes left for a later plan. */
  readonly deferredChanges: readonly ResourceChange[];
  /** `errored: true` (Terraform 1.4+): planning failed and the plan cannot be applied. */
  readonly errored: boolean;
  /** `complete: false` (Terraform 1.8+): some changes were deferred to a later plan. */
  readonly complete: boolean;
}

/** A file that cannot be read as a plan; `source` names the file, `reason` says why. */
export class PlanError extends Error {
  constructor(
    public readonly source: string,
    public readonly reason: string,
  ) {
    super(`${source}: ${reason}`);
    this.name = 'PlanError';
  }
}

const actionSchema = z.enum(['no-op', 'create', 'read', 'update', 'delete', 'forget']);

// Every field but `actions` is `omitempty` in Terraform's writer: absent means null (before/after), or
// nothing unknown/sensitive (the masks).
const changeSchema = z.object({
  actions: z.array(actionSchema).min(1),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
  replace_paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
  // `id` for an import by ID; `identity` (Terraform 1.12+) for an import by resource identity.
  importing: z.object({ id: z.string().optional(), identity: z.unknown().optional(), unknown: z.boolean().optional() }).nullish(),
});

const resourceChangeSchema = z.object({
  address: z.string().min(1),
  previous_address: z.string().optional(),
  mode: z.enum(['managed', 'data']),
  type: z.string().min(1),
  name: z.string(),
  provider_name: z.string().optional(),
  deposed: z.string().optional(),
  action_reason: z.string().optional(),
  change: changeSchema,
});

const outputChangeSchema = z.object({
  actions: z.array(actionSchema).min(1),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
});

/** Terraform 1.14+: an action (`action` block) the plan invokes, by a resource's lifecycle or `-invoke`. */
const actionInvocationSchema = z.object({
  address: z.string().min(1),
  type: z.string().optional(),
  name: z.string().optional(),
  provider_name: z.string().optional(),
  lifecycle_action_trigger: z
    .object({ triggering_resource_address: z.string().optional(), action_trigger_event: z.string().optional() })
    .optional(),
  invoke_action_trigger: z.object({}).optional(),
});

const planSchema = z.object({
  format_version: z.string(),
  terraform_version: z.string(),
  resource_changes: z.array(resourceChangeSchema).optional(),
  resource_drift: z.array(resourceChangeSchema).optional(),
  output_changes: z.record(z.string(), outputChangeSchema).optional(),
  action_invocations: z.array(actionInvocationSchema).optional(),
  deferred_changes: z.array(z.object({ reason: z.string().optional(), resource_change: resourceChangeSchema })).optional(),
  errored: z.boolean().optional(),
  complete: z.boolean().optional(),
});

const ACTION_KINDS: Record<string, ActionKind> = {
  'no-op': 'no-op',
  create: 'create',
  read: 'read',
  update: 'update',
  delete: 'delete',
  forget: 'forget',
  'delete,create': 'delete-then-create',
  'create,delete': 'create-then-delete',
  'create,forget': 'create-then-forget',
};

/** Maps a `change.actions` array to its kind, or undefined for a combination Terraform never writes. */
export function actionKind(actions: readonly Action[]): ActionKind | undefined {
  return ACTION_KINDS[actions.join(',')];
}

function describePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a zod issue path in the parsed document; undefined when the key is absent. */
function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let value = doc;
  for (const key of path) {
    if (Array.isArray(value) && typeof key === 'number') value = value[key];
    else if (isObject(value) && typeof key === 'string' && Object.prototype.hasOwnProperty.call(value, key)) value = value[key];
    else return undefined;
  }
  return value;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

const EXPECTED_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  array: 'an array',
  object: 'an object',
  record: 'an object',
};

/**
 * A zod issue in plain words: `resource_changes[3].change.before is missing` rather than zod's own
 * "Invalid input: expected nonoptional, received undefined".
 */
function describeIssue(issue: z.core.$ZodIssue, doc: unknown): string {
  const where = describePath(issue.path);
  const value = valueAt(doc, issue.path);
  if (value === undefined && issue.path.length > 0) return `${where} is missing`;
  if (issue.code === 'invalid_type') {
    const expected = EXPECTED_NAMES[issue.expected] ?? issue.expected;
    return `${where} must be ${expected}, got ${jsonTypeOf(value)}`;
  }
  if (issue.code === 'invalid_value') {
    return `${where} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value) ?? String(value)}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'array' && Number(issue.minimum) === 1) return `${where} must not be empty`;
  return `${where}: ${issue.message}`;
}

/** Says what a JSON document is when it is not a plan, so the message can tell the user what they passed. */
function notAPlanReason(doc: unknown): string | undefined {
  if (!isObject(doc)) {
    return `not a Terraform plan: expected a JSON object, got ${Array.isArray(doc) ? 'an array' : doc === null ? 'null' : typeof doc}`;
  }
  if ('lineage' in doc && 'serial' in doc) {
    return 'is a Terraform state file, not a plan; pass the output of `terraform show -json <planfile>`';
  }
  if (!('format_version' in doc) || !('terraform_version' in doc)) {
    return 'not a Terraform plan: no "format_version"/"terraform_version" (expected the output of `terraform show -json <planfile>`)';
  }
  if (!('planned_values' in doc) && !('resource_changes' in doc)) {
    return 'is `terraform show -json` output of a state, not a plan (no "planned_values" or "resource_changes"); pass the output of `terraform show -json <planfile>`';
  }
  return undefined;
}

/** What this tool reads, for messages: every format Terraform 1.0.1 and later writes. */
export const READABLE_FORMATS = '0.2 (Terraform 1.0.1 to 1.0.11) and 1.x (Terraform 1.1 and later)';

/**
 * Why a `format_version` cannot be read, or undefined when it can. Minor versions of a major are additive
 * (jsonplan's contract: the version changes "for any change ... that requires changes to a consuming parser"
 * with the major), so any 1.x is read; 0.2 differs from 1.0 only in the release label.
 */
export function formatVersionProblem(version: unknown): string | undefined {
  if (typeof version !== 'string') return `format_version must be a string, got ${jsonTypeOf(version)}`;
  if (version === '0.2' || /^1\.\d+$/.test(version)) return undefined;
  if (version === '0.1') {
    return `plan format_version "0.1" is written by Terraform 0.12 to 1.0.0, whose plans may lack the sensitivity masks this tool relies on; this tool reads ${READABLE_FORMATS}`;
  }
  return `unsupported plan format_version "${version}"; this tool reads ${READABLE_FORMATS}`;
}

/**
 * The text of a plan file from its bytes. `terraform show -json` writes UTF-8 without a byte-order mark;
 * PowerShell's `>` writes UTF-16 LE with a BOM (Windows PowerShell 5) and `Out-File -Encoding utf8` a UTF-8 BOM.
 * Both BOM forms are decoded; UTF-16 without a BOM is named rather than misread.
 */
export function decodePlanBytes(bytes: Uint8Array, source: string): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) return buffer.subarray(3).toString('utf8');
  if (buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe) return buffer.subarray(2).toString('utf16le');
  if (buffer.length >= 2 && buffer[0] === 0xfe && buffer[1] === 0xff) {
    // Node has no UTF-16 BE decoder: swap each pair of bytes and read it as LE.
    if (buffer.length % 2 !== 0) throw new PlanError(source, 'is UTF-16 BE with an odd number of bytes (a truncated file?)');
    return Buffer.from(buffer.subarray(2)).swap16().toString('utf16le');
  }
  // JSON starts with an ASCII character: a NUL right after (or before) it is UTF-16 without a BOM.
  if (buffer.length >= 2 && (buffer[1] === 0 || buffer[0] === 0)) {
    throw new PlanError(source, `looks like UTF-16 ${buffer[1] === 0 ? 'LE' : 'BE'} without a byte-order mark; write the plan as UTF-8 (terraform show -json PLAN > FILE in bash, or Out-File -Encoding utf8 in PowerShell)`);
  }
  try {
    // Fatal: an invalid byte sequence is an error, not a silent U+FFFD (which a real value may also contain).
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    throw new PlanError(source, 'is not UTF-8 text (invalid byte sequences); write the plan as UTF-8');
  }
}

function parseResourceChange(rc: z.infer<typeof resourceChangeSchema>, where: string, source: string): ResourceChange {
  const kind = actionKind(rc.change.actions);
  if (kind === undefined) {
    throw new PlanError(source, `not a valid Terraform plan: ${where} (${rc.address}): unknown actions ${JSON.stringify(rc.change.actions)}`);
  }
  const importing = rc.change.importing;
  return {
    address: rc.address,
    previousAddress: rc.previous_address !== undefined && rc.previous_address !== rc.address ? rc.previous_address : undefined,
    mode: rc.mode,
    type: rc.type,
    name: rc.name,
    providerName: rc.provider_name,
    deposed: rc.deposed,
    actions: rc.change.actions,
    kind,
    actionReason: rc.action_reason,
    before: rc.change.before ?? null,
    after: rc.change.after ?? null,
    afterUnknown: rc.change.after_unknown ?? false,
    beforeSensitive: rc.change.before_sensitive ?? false,
    afterSensitive: rc.change.after_sensitive ?? false,
    replacePaths: rc.change.replace_paths ?? [],
    importing: importing ? { id: importing.id, identity: importing.identity !== undefined && importing.identity !== null ? true : undefined } : undefined,
  };
}

/**
 * Parses the text (or bytes) of `terraform show -json <planfile>`.
 * @param source names the input in error messages (usually the file path)
 * @throws PlanError when the text is not JSON, not a plan, or a format this tool does not read
 */
export function parsePlan(input: string | Uint8Array, source: string): Plan {
  const text = typeof input === 'string' ? input.replace(/^\uFEFF/, '') : decodePlanBytes(input, source);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PlanError(source, `not valid JSON (${(err as Error).message})`);
  }
  const notAPlan = notAPlanReason(doc);
  if (notAPlan !== undefined) throw new PlanError(source, notAPlan);
  // The version first: a format this tool does not read is named as such, not as a field it lacks.
  const versionProblem = formatVersionProblem((doc as Record<string, unknown>).format_version);
  if (versionProblem !== undefined) throw new PlanError(source, versionProblem);

  const parsed = planSchema.safeParse(doc);
  if (!parsed.success) {
    throw new PlanError(source, `not a valid Terraform plan: ${describeIssue(parsed.error.issues[0], doc)}`);
  }
  const raw = parsed.data;

  const resourceChanges = (raw.resource_changes ?? []).map((rc, i) => parseResourceChange(rc, `resource_changes[${i}]`, source));
  const resourceDrift = (raw.resource_drift ?? []).map((rc, i) => parseResourceChange(rc, `resource_drift[${i}]`, source));
  const deferredChanges = (raw.deferred_changes ?? []).map((d, i) => parseResourceChange(d.resource_change, `deferred_changes[${i}].resource_change`, source));
  const actionInvocations = (raw.action_invocations ?? []).map(
    (a): ActionInvocation => ({
      address: a.address,
      type: a.type,
      triggeredBy: a.lifecycle_action_trigger?.triggering_resource_address,
      event: a.lifecycle_action_trigger?.action_trigger_event,
    }),
  );

  const outputChanges = Object.entries(raw.output_changes ?? {}).map(([name, oc]): OutputChange => {
    const kind = actionKind(oc.actions);
    if (kind === undefined) {
      throw new PlanError(source, `not a valid Terraform plan: output_changes.${name}: unknown actions ${JSON.stringify(oc.actions)}`);
    }
    return { name, actions: oc.actions, kind, after: oc.after ?? null, afterUnknown: oc.after_unknown ?? false };
  });

  return {
    formatVersion: raw.format_version,
    terraformVersion: raw.terraform_version,
    resourceChanges,
    outputChanges,
    resourceDrift,
    actionInvocations,
    deferredChanges,
    errored: raw.errored ?? false,
    complete: raw.complete ?? true,
  };
}
