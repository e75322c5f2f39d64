/**
 * cdktf writes every stack (`cdk.tf.json`) and its `manifest.json` with json-stable-stringify; this is the
 * same function without its per-call overhead, swapped in for cdktf before cdktf is loaded.
 *
 * json-stable-stringify 1.3.0 (node_modules/cdktf/node_modules/json-stable-stringify/index.js, the copy
 * cdktf 0.21.0 depends on) rebuilds the indentation string character by character for every value it
 * visits, calls Array methods through call-bind wrappers and checks cycles with a linear search of its
 * ancestors: about 11 ms per environment of the platform, more than writing the files. `stableStringify`
 * below is a port of its recursion for the options cdktf passes (`{ space: 2 }`), byte for byte:
 * - `toJSON()` is called (with no argument) on every truthy value that has one, then
 *   primitives are `JSON.stringify`d, and `undefined` (or a function or symbol) is dropped from objects
 *   and written `null` in arrays;
 * - object keys are `Object.keys` in the default `Array.prototype.sort` order;
 * - with a space, every element and member starts on a new line indented one level deeper and the closing
 *   bracket on its own line, empty ones included (`[` + newline + indent + `]`: the library's
 *   `collapseEmpty` is off by default), members are `"key": value`;
 * - an object that contains itself throws `TypeError: Converting circular structure to JSON` (arrays are
 *   not tracked, as in the library).
 * Any other option (`cmp`, `replacer`, `cycles`, `collapseEmpty`) goes to the library itself.
 *
 * test/tools/synth/stable-stringify.test.ts compares both on every branch above and on the synthesized
 * platform.
 */
import * as path from 'path';

/** The json-stable-stringify release this ports; with any other, cdktf keeps the library. */
export const CHECKED_VERSION = '1.3.0';

type StableStringify = (value: unknown, options?: unknown) => string | undefined;

/** A port of json-stable-stringify 1.3.0 for `space` alone; see the header. */
export function stableStringify(value: unknown, space: string | number = ''): string | undefined {
  const unit = typeof space === 'number' ? ' '.repeat(space) : space;
  const colon = unit ? ': ' : ':';
  // indents[level] is what the library computes for each value at `level`: a newline and `level` units.
  const indents: string[] = [];
  const indentAt = (level: number): string => (indents[level] ??= unit ? `\n${unit.repeat(level)}` : '');
  const ancestors = new Set<object>();

  const visit = (input: unknown, level: number): string | undefined => {
    let node = input;
    if (node && typeof (node as { toJSON?: unknown }).toJSON === 'function') node = (node as { toJSON(): unknown }).toJSON();
    if (node === undefined) return undefined;
    if (typeof node !== 'object' || node === null) return JSON.stringify(node) as string | undefined;
    const indent = indentAt(level);
    const inner = indent + unit;
    if (Array.isArray(node)) {
      let out = '';
      for (let i = 0; i < node.length; i++) out += `${i === 0 ? '' : ','}${inner}${visit(node[i], level + 1) || 'null'}`;
      return `[${out}${indent}]`;
    }
    if (ancestors.has(node)) throw new TypeError('Converting circular structure to JSON');
    ancestors.add(node);
    const keys = Object.keys(node).sort();
    let out = '';
    for (const key of keys) {
      const member = visit((node as Record<string, unknown>)[key], level + 1);
      if (!member) continue;
      out += `${out === '' ? '' : ','}${inner}${JSON.stringify(key)}${colon}${member}`;
    }
    ancestors.delete(node);
    return `{${out}${indent}}`;
  };
  return visit(value, 0);
}

/** Only `space` set (or no options at all): the case the port covers. */
function portable(options: unknown): options is { space?: string | number } | undefined {
  if (options === undefined) return true;
  if (typeof options !== 'object' || options === null) return false;
  const o = options as Record<string, unknown>;
  return o.cmp === undefined && o.replacer === undefined && o.cycles === undefined && o.collapseEmpty === undefined;
}

export type InstallResult = 'installed' | 'already installed' | 'cdktf already loaded' | `json-stable-stringify ${string}, not ${typeof CHECKED_VERSION}`;

/**
 * Makes `require('json-stable-stringify')` from cdktf return the port (for `{ space }` calls; the
 * library for any other). It has to run before cdktf is loaded, since cdktf keeps the function it
 * required: `tools/synth/run.ts` imports this module first. Returns what it did.
 */
export function installStableStringify(): InstallResult {
  const cdktfDir = path.dirname(require.resolve('cdktf/package.json'));
  const libraryPath = require.resolve('json-stable-stringify', { paths: [cdktfDir] });
  const cache = require.cache[libraryPath];
  if ((cache?.exports as { port?: boolean } | undefined)?.port) return 'already installed';
  if (require.cache[require.resolve('cdktf/lib/synthesize/synthesizer', { paths: [cdktfDir] })]) return 'cdktf already loaded';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the copy cdktf loads, by path
  const { version } = require(path.join(path.dirname(libraryPath), 'package.json')) as { version: string };
  if (version !== CHECKED_VERSION) return `json-stable-stringify ${version}, not ${CHECKED_VERSION}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded so the other options keep working
  const library = require(libraryPath) as StableStringify;
  const port: StableStringify = (value, options) =>
    portable(options) ? stableStringify(value, options?.space || '') : library(value, options);
  require.cache[libraryPath]!.exports = Object.assign(port, { port: true });
  return 'installed';
}
