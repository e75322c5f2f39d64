/**
 * Small readers for synthesized Terraform JSON, where a value may be a literal, a `${...}` token or
 * absent. Shared by the policy check and the cost estimate.
 */

export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Nested blocks come out of cdktf as an object (max one) or an array; absent is an empty list. */
export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function records(value: unknown): JsonObject[] {
  return asArray(value).filter(isRecord);
}

export function firstRecord(value: unknown): JsonObject | undefined {
  return records(value)[0];
}

/** A Terraform interpolation (`${...}`): known only at plan time. */
export function isToken(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

/** Literally true; some provider attributes are strings (`encrypted = "true"` in launch templates). */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

export function isFalse(value: unknown): boolean {
  return value === false || value === 'false';
}

export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** Set to something: a non-empty literal or a token. */
export function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

export function strings(value: unknown): string[] {
  return asArray(value).filter((item): item is string => typeof item === 'string');
}

/**
 * The resource name referenced by an interpolation such as `${aws_s3_bucket.logs.id}`;
 * undefined for anything else.
 */
export function referencedName(value: unknown, type: string, attributes: readonly string[]): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\$\{([A-Za-z0-9_]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}$/.exec(value.trim());
  if (!match || match[1] !== type || !attributes.includes(match[3])) return undefined;
  return match[2];
}

/** A literal number (numbers in strings too, as providers sometimes write them); undefined for tokens and absence. */
export function literalNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && !isToken(value) && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export function literalString(value: unknown): string | undefined {
  return typeof value === 'string' && !isToken(value) ? value : undefined;
}
