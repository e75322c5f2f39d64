/**
 * cdktf's token resolution, with the allocations moved off the plain data: same output, a fraction of the
 * time on this platform's stacks.
 *
 * cdktf 0.21.0's `resolve` (node_modules/cdktf/lib/tokens/private/resolve.js, behind every
 * `Tokenization.resolve` and so behind `app.synth()`) builds, for every string, number, key and value it
 * visits, two closures, a resolve context, a copy of the options and the joined path name, token or not.
 * On the platform's stacks that was most of synth time, nearly all of it spent on plain data: literal
 * strings, numbers, booleans and the objects and arrays holding them.
 *
 * Here plain data is walked directly, keeping only the path. Everything else goes through `resolveValue`,
 * a line-for-line port of cdktf's `resolve` built from cdktf's own pieces (TokenString, TokenMap, the
 * resolver it is handed, its error constructors), whose resolve contexts call back into this resolve. A
 * token found deep in plain data gets the options cdktf would have passed there: the path as `prefix`,
 * and the same context flags (cdktf copies suppressBraces, ignoreEscapes, warnEscapes and iteratorContext
 * unchanged from parent to child while walking plain data, and reads nothing else of the previous context).
 *
 * Plain, from cdktf 0.21.0 lib/tokens/private/encoding.js and lib/tokens/token.js:
 * - a string without `{TfToken[` (the marker of string, list and map tokens: `${`, `#{`, `&{`), without
 *   an encoded number token (encoding.js NUMBER_TOKEN_REGEX), and not a map-token sentinel;
 * - a number of magnitude under 1e200: number tokens are doubles whose top 16 bits are 0xfdff or 0xfbff
 *   (encoding.js DOUBLE_TOKEN_MARKER_BITS), about -1.9e289, and NUMBER_MAP_TOKEN_VALUE is refused;
 * - booleans, null, undefined and dates, which cdktf returns as they are;
 * - an array with no list-token string and no number-token element; an object that is no token (no
 *   `resolve` method, no map-token key), no construct, and whose keys are all plain strings.
 * Arrays drop undefined elements and objects undefined values, as cdktf does.
 *
 * test/tools/synth/fast-resolve.test.ts compares it with cdktf's on every branch above, errors included,
 * and the synthesized platform byte for byte.
 */
import { StringConcat, type IResolvable, type IResolveContext, type IPostProcessor } from 'cdktf';
import * as errors from 'cdktf/lib/errors';
import { containsMapToken, containsNumberListTokenElement, containsStringListTokenElement, TokenString, unresolved } from 'cdktf/lib/tokens/private/encoding';
import * as cdktfResolve from 'cdktf/lib/tokens/private/resolve';
import { TokenMap } from 'cdktf/lib/tokens/private/token-map';

type Resolve = typeof cdktfResolve.resolve;
type ResolveOptions = Parameters<Resolve>[1];

/** The cdktf release whose resolve.js this ports; with any other, cdktf's own resolve stays. */
export const CHECKED_CDKTF_VERSION = '0.21.0';

// encoding.js NUMBER_TOKEN_REGEX, without the global flag (a test, not a scan).
const NUMBER_TOKEN = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;
const TOKEN_MARKER = '{TfToken[';
const LIST_TOKEN_MARKER = '#{TfToken[';
// token.js STRING_MAP_TOKEN_VALUE, ANY_MAP_TOKEN_VALUE, NUMBER_MAP_TOKEN_VALUE.
const STRING_MAP_TOKEN_VALUE = 'String Map Token Value';
const ANY_MAP_TOKEN_VALUE = 'Any Map Token Value';
const NUMBER_MAP_TOKEN_VALUE = -123456789;
// resolve.js: "protect against cyclic references by limiting depth".
const MAX_DEPTH = 200;

function plainString(s: string): boolean {
  return !s.includes(TOKEN_MARKER) && s !== STRING_MAP_TOKEN_VALUE && s !== ANY_MAP_TOKEN_VALUE && !NUMBER_TOKEN.test(s);
}

function plainNumber(n: number): boolean {
  return n !== NUMBER_MAP_TOKEN_VALUE && Math.abs(n) < 1e200;
}

/** resolve.js `isConstruct`. */
function isConstruct(x: object): boolean {
  return (x as { _children?: unknown })._children !== undefined && (x as { _metadata?: unknown })._metadata !== undefined;
}

/** A resolve with the signature and the results of cdktf 0.21.0's. */
export function fastResolve(): Resolve {
  const tokenMap = TokenMap.instance();

  function resolve(obj: unknown, options: ResolveOptions): unknown {
    const base = options.prefix ?? [];
    const path: string[] = [];
    const here = (): ResolveOptions => (path.length === 0 ? options : { ...options, prefix: base.concat(path) });

    function walk(value: unknown): unknown {
      if (base.length + path.length > MAX_DEPTH) return resolveValue(value, here());
      switch (typeof value) {
        case 'undefined':
        case 'boolean':
          return value;
        case 'string':
          return plainString(value) ? value : resolveValue(value, here());
        case 'number':
          return plainNumber(value) ? value : resolveValue(value, here());
        case 'object':
          break;
        default:
          return resolveValue(value, here()); // functions (refused), bigint, symbol
      }
      if (value === null || value instanceof Date) return value;
      if (Array.isArray(value)) {
        for (const element of value) {
          if (typeof element === 'string' ? element.includes(LIST_TOKEN_MARKER) : typeof element === 'number' && !plainNumber(element)) {
            return resolveValue(value, here());
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
      if (typeof (value as { resolve?: unknown }).resolve === 'function' || isConstruct(value)) return resolveValue(value, here());
      const keys = Object.keys(value);
      for (const key of keys) if (!plainString(key)) return resolveValue(value, here());
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
  }

  /** cdktf 0.21.0 resolve.js `resolve`, branch for branch; its contexts resolve through `resolve` above. */
  function resolveValue(obj: unknown, options: ResolveOptions): unknown {
    const prefix = options.prefix ?? [];
    const pathName = () => '/' + prefix.join('/');
    function makeContext(appendPath?: string): [IResolveContext, IPostProcessor] {
      const newPrefix = appendPath !== undefined ? prefix.concat([appendPath]) : options.prefix;
      let postProcessor: IPostProcessor | undefined;
      const context: IResolveContext = {
        preparing: options.preparing,
        scope: options.scope,
        suppressBraces: options.previousContext?.suppressBraces,
        ignoreEscapes: options.previousContext?.ignoreEscapes,
        warnEscapes: options.previousContext?.warnEscapes,
        iteratorContext: options.previousContext?.iteratorContext,
        registerPostProcessor(pp: IPostProcessor) {
          postProcessor = pp;
        },
        resolve(x: unknown) {
          return resolve(x, { ...options, prefix: newPrefix, previousContext: context });
        },
      };
      return [context, { postProcess: (x: unknown) => (postProcessor ? postProcessor.postProcess(x, context) : x) }];
    }

    if (prefix.length > MAX_DEPTH) throw errors.unableToResolveCircularReference(pathName());
    if (typeof obj === 'undefined') return undefined;
    if (obj === null) return null;
    if (typeof obj === 'function') throw errors.cannotResolveFunction(pathName(), obj);
    if (typeof obj === 'string') {
      if (TokenString.forListToken(obj).test()) throw errors.encodedListTokenInScalarStringContext();
      if (obj === STRING_MAP_TOKEN_VALUE || obj === ANY_MAP_TOKEN_VALUE) throw errors.encodedMapTokenInScalarStringContext();
      let str: unknown = obj;
      const context = makeContext()[0];
      const tokenStr = TokenString.forString(obj, !context.ignoreEscapes, context.warnEscapes);
      if (tokenStr.test()) {
        const fragments = tokenStr.split(tokenMap.lookupToken.bind(tokenMap));
        str = options.resolver.resolveString(fragments, makeContext()[0]);
      }
      const tokenNumberStr = TokenString.forNumbers(str as string);
      if (tokenNumberStr.test()) {
        const fragments = tokenNumberStr.split((id) => tokenMap.lookupNumberToken(parseFloat(id)) as IResolvable);
        str = fragments.mapTokens(makeContext()[0]).join(new StringConcat());
      }
      return str;
    }
    if (typeof obj === 'number') {
      if (obj === NUMBER_MAP_TOKEN_VALUE) throw errors.encodedMapTokenInScalarNumberContext();
      const token = tokenMap.lookupNumberToken(obj);
      return token === undefined ? obj : makeContext()[0].resolve(token);
    }
    if (typeof obj !== 'object' || obj instanceof Date) return obj;
    if (Array.isArray(obj)) {
      if (containsStringListTokenElement(obj)) return options.resolver.resolveList(obj as string[], makeContext()[0]);
      if (containsNumberListTokenElement(obj)) return options.resolver.resolveNumberList(obj as number[], makeContext()[0]);
      return obj.map((x, i) => makeContext(`${i}`)[0].resolve(x)).filter((x) => typeof x !== 'undefined');
    }
    if (containsMapToken(obj as Record<string, unknown>)) return options.resolver.resolveMap(obj as Record<string, unknown>, makeContext()[0]);
    if (unresolved(obj)) {
      const [context, postProcessor] = makeContext();
      return options.resolver.resolveToken(obj as IResolvable, context, postProcessor);
    }
    if (isConstruct(obj)) throw errors.constructsCannotBeResolved(pathName());
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) {
      const resolvedKey: unknown = makeContext()[0].resolve(key);
      if (typeof resolvedKey !== 'string') throw errors.mapKeyMustResolveToString(pathName(), key, resolvedKey);
      const value: unknown = makeContext(key)[0].resolve((obj as Record<string, unknown>)[key]);
      if (typeof value === 'undefined') continue;
      result[resolvedKey] = value;
    }
    return result;
  }

  return resolve as Resolve;
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
  const fast = Object.assign(fastResolve(), { fast: true });
  (cdktfResolve as { resolve: Resolve }).resolve = fast;
  return () => {
    if (cdktfResolve.resolve === fast) (cdktfResolve as { resolve: Resolve }).resolve = original;
  };
}
