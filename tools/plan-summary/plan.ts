/**
 * Parses and validates `terraform show -json <planfile>` output (JSON plan format 1.x) into a typed
 * model. Pure: takes text, returns a model or throws `PlanError`; never touches files or the process.
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
  /** Set when the resource is imported in this plan (Terraform 1.5+). */
  readonly importing?: { readonly id?: string };
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

const changeSchema = z.object({
  actions: z.array(actionSchema).min(1),
  before: z.unknown(),
  after: z.unknown(),
  after_unknown: z.unknown(),
  before_sensitive: z.unknown(),
  after_sensitive: z.unknown(),
  replace_paths: z.array(z.array(z.union([z.string(), z.number()]))).optional(),
  importing: z.object({ id: z.string().optional() }).nullish(),
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
  after: z.unknown(),
  after_unknown: z.unknown(),
});

const planSchema = z.object({
  format_version: z.string(),
  terraform_version: z.string(),
  resource_changes: z.array(resourceChangeSchema).optional(),
  output_changes: z.record(z.string(), outputChangeSchema).optional(),
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

/**
 * Parses the text of `terraform show -json <planfile>`.
 * @param source names the input in error messages (usually the file path)
 * @throws PlanError when the text is not JSON, not a plan, or not plan format 1.x
 */
export function parsePlan(text: string, source: string): Plan {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PlanError(source, `not valid JSON (${(err as Error).message})`);
  }
  const notAPlan = notAPlanReason(doc);
  if (notAPlan !== undefined) throw new PlanError(source, notAPlan);

  const parsed = planSchema.safeParse(doc);
  if (!parsed.success) {
    throw new PlanError(source, `not a valid Terraform plan: ${describeIssue(parsed.error.issues[0], doc)}`);
  }
  const raw = parsed.data;
  if (!/^1\.\d+$/.test(raw.format_version)) {
    throw new PlanError(source, `unsupported plan format_version "${raw.format_version}" (this tool reads format 1.x, written by Terraform 1.x)`);
  }

  const resourceChanges = (raw.resource_changes ?? []).map((rc, i): ResourceChange => {
    const kind = actionKind(rc.change.actions);
    if (kind === undefined) {
      throw new PlanError(source, `not a valid Terraform plan: resource_changes[${i}] (${rc.address}): unknown actions ${JSON.stringify(rc.change.actions)}`);
    }
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
      importing: rc.change.importing ? { id: rc.change.importing.id } : undefined,
    };
  });

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
    errored: raw.errored ?? false,
    complete: raw.complete ?? true,
  };
}
