/** Small readers for synthesized Terraform JSON, where a value may be a literal, a `${...}` token or absent. */

export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Nested blocks come out of cdktf as an object (at most one) or an array; absent is an empty list. */
export function blocks(value: unknown): JsonObject[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter(isRecord);
}

export function firstBlock(value: unknown): JsonObject | undefined {
  return blocks(value)[0];
}

/** A Terraform interpolation (`${...}`): known only at plan time. */
export function isToken(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** A literal number (numbers in strings too, as providers sometimes write them); undefined otherwise. */
export function literalNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && !isToken(value) && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export function literalString(value: unknown): string | undefined {
  return typeof value === 'string' && !isToken(value) ? value : undefined;
}
