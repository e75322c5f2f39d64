/**
 * Required-prop checks for callers the type checker does not see (JavaScript, or TypeScript through
 * `any`): without them `new Network(scope, 'N', {})` fails deep inside with "TypeError: Cannot read
 * properties of undefined" instead of naming the prop. No imports, so `k8s/` can use it as well.
 */

/** What a required prop must be. Deploy-time tokens keep their JavaScript type (strings, numbers, arrays). */
export type PropKind = 'string' | 'number' | 'boolean' | 'array' | 'object';

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Throws one Error naming every required prop that is missing or of the wrong kind, prefixed with
 * `where` (the construct's path). Returns `props` so a constructor can check before using it.
 */
export function requireProps<T>(where: string, props: T | undefined, required: { readonly [K in keyof T]?: PropKind }): T {
  const names = Object.keys(required);
  if (props === undefined || props === null || typeof props !== 'object' || Array.isArray(props)) {
    throw new Error(`${where}: props must be an object with ${names.join(', ')} (got ${kindOf(props)})`);
  }
  const problems = Object.entries(required as Record<string, PropKind>).flatMap(([name, kind]) => {
    const value = (props as Record<string, unknown>)[name];
    if (value === undefined) return [`${name} is required (${kind})`];
    const actual = kindOf(value);
    return actual === kind ? [] : [`${name} must be ${kind === 'array' || kind === 'object' ? 'an' : 'a'} ${kind} (got ${actual})`];
  });
  if (problems.length === 1) throw new Error(`${where}: ${problems[0]}`);
  if (problems.length > 1) throw new Error(`${where}: ${problems.length} problems with props:\n  ${problems.join('\n  ')}`);
  return props;
}
