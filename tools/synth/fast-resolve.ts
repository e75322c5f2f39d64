/**
 * A faster walk over the plain parts of what cdktf resolves, with cdktf's own resolver for everything
 * else: same output, about a quarter of the time on this platform's stacks.
 *
 * cdktf 0.21.0's `resolve` (node_modules/cdktf/lib/tokens/private/resolve.js, behind every
 * `Tokenization.resolve` and so behind `app.synth()`) builds, for every string, number, key and value it
 * visits, two closures, a context object, a copy of the options and the joined path name, token or not. On
 * the platform's stacks that is most of synth time, and nearly all of it is spent on plain data: literal
 * strings, numbers, booleans and the objects and arrays holding them. This walks that plain data itself
 * and hands cdktf's `resolve` every value that could hold a token, with the options cdktf would have passed
 * at that point (the path as `prefix`; the resolve context's flags, which cdktf copies unchanged from parent
 * to child while walking plain data, through `previousContext`), so tokens, token strings, list, number
 * and map tokens, escapes and every error are cdktf's own.
 *
 * What counts as plain, from cdktf 0.21.0 lib/tokens/private/encoding.js and lib/tokens/token.js:
 * - a string without `{TfToken[` (the marker of string, list and map tokens: `${`, `#{`, `&{`), without
 *   an encoded number token (encoding.js NUMBER_TOKEN_REGEX), and not one of the map-token sentinels;
 * - a finite number of magnitude under 1e200: number tokens are doubles with the top 16 bits 0xfdff or
 *   0xfbff (encoding.js DOUBLE_TOKEN_MARKER_BITS), around -1.9e289, and NUMBER_MAP_TOKEN_VALUE is refused;
 * - booleans, null, undefined and dates, which cdktf returns as they are;
 * - an array whose elements are no list or number-list tokens; an object that is no token (no `resolve`
 *   method), no construct, and whose keys are all plain strings.
 * Arrays drop undefined elements and objects undefined values, as cdktf does. Past a depth of 200 cdktf's
 * own resolve takes over (and reports the circular reference).
 *
 * test/tools/synth/fast-resolve.test.ts compares it with cdktf's on every kind of value above, and the
 * synthesized platform byte for byte.
 */
import * as cdktfResolve from 'cdktf/lib/tokens/private/resolve';

type ResolveOptions = Parameters<typeof cdktfResolve.resolve>[1];
type Resolve = typeof cdktfResolve.resolve;

/** The cdktf release whose resolve.js this was checked against; any other keeps cdktf's resolve. */
export const CHECKED_CDKTF_VERSION = '0.21.0';

// encoding.js NUMBER_TOKEN_REGEX, without the global flag (a test, not a scan).
const NUMBER_TOKEN = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;
const TOKEN_MARKER = '{TfToken[';
const LIST_TOKEN_MARKER = '#{TfToken[';
// token.js STRING_MAP_TOKEN_VALUE, ANY_MAP_TOKEN_VALUE, NUMBER_MAP_TOKEN_VALUE.
const STRING_MAP_TOKEN_VALUE = 'String Map Token Value';
const ANY_MAP_TOKEN_VALUE = 'Any Map Token Value';
const NUMBER_MAP_TOKEN_VALUE = -123456789;
const MAX_DEPTH = 200;

function plainString(s: string): boolean {
  return !s.includes(TOKEN_MARKER) && s !== STRING_MAP_TOKEN_VALUE && s !== ANY_MAP_TOKEN_VALUE && !NUMBER_TOKEN.test(s);
}

function plainNumber(n: number): boolean {
  return n !== NUMBER_MAP_TOKEN_VALUE && Math.abs(n) < 1e200;
}

/** What cdktf's resolve.js `isConstruct` looks for. */
function isConstruct(x: object): boolean {
  return (x as { _children?: unknown })._children !== undefined && (x as { _metadata?: unknown })._metadata !== undefined;
}

/** A resolve with cdktf's signature that walks plain data itself and calls `original` for the rest. */
export function fastResolve(original: Resolve): Resolve {
  return function resolve(obj: unknown, options: ResolveOptions) {
    const base = options.prefix ?? [];
    const path: string[] = [];
    const delegate = (value: unknown): unknown => original(value, { ...options, prefix: base.length === 0 && path.length === 0 ? options.prefix : base.concat(path) });

    function walk(value: unknown): unknown {
      if (base.length + path.length > MAX_DEPTH) return delegate(value);
      switch (typeof value) {
        case 'undefined':
        case 'boolean':
          return value;
        case 'string':
          return plainString(value) ? value : delegate(value);
        case 'number':
          return plainNumber(value) ? value : delegate(value);
        case 'object':
          break;
        default:
          return delegate(value); // functions (refused), bigint, symbol: as cdktf
      }
      if (value === null || value instanceof Date) return value;
      if (Array.isArray(value)) {
        for (const element of value) {
          if (typeof element === 'string' ? element.includes(LIST_TOKEN_MARKER) : typeof element === 'number' && !plainNumber(element)) {
            return delegate(value);
          }
        }
        const out: unknown[] = [];
        for (let i = 0; i < value.length; i++) {
          path.push(`${i}`);
          const resolved = walk(value[i]);
          path.pop();
          if (resolved !== undefined) out.push(resolved);
        }
        return out;
      }
      if (typeof (value as { resolve?: unknown }).resolve === 'function' || isConstruct(value)) return delegate(value);
      const keys = Object.keys(value);
      for (const key of keys) if (!plainString(key)) return delegate(value);
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        path.push(key);
        const resolved = walk((value as Record<string, unknown>)[key]);
        path.pop();
        if (resolved !== undefined) out[key] = resolved;
      }
      return out;
    }

    return walk(obj);
  } as Resolve;
}

/**
 * Puts the fast resolve in place of cdktf's for this process (every `Tokenization.resolve` call, hence
 * `app.synth()`); returns a function that puts cdktf's back. With any cdktf but the checked one it
 * changes nothing.
 */
export function installFastResolve(): () => void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the version of the cdktf actually loaded
  const { version } = require('cdktf/package.json') as { version: string };
  const original = cdktfResolve.resolve;
  if (version !== CHECKED_CDKTF_VERSION || (original as { fast?: boolean }).fast) return () => undefined;
  const fast = Object.assign(fastResolve(original), { fast: true });
  (cdktfResolve as { resolve: Resolve }).resolve = fast;
  return () => {
    if (cdktfResolve.resolve === fast) (cdktfResolve as { resolve: Resolve }).resolve = original;
  };
}
