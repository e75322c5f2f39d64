/**
 * The keys a Helm chart version really has, as a tree, and the check that a set of values uses only
 * those keys. A tree is built from the chart's own files at its tag (see `sources.ts` and `cli.ts`):
 * - `values.yaml`: every key there; a mapping's children are its keys, `{}` and `~` are open;
 * - `values.schema.json` when the chart has one: its `properties` (open where it allows any key);
 * - the templates: every `.Values.a.b` they read (keys only commented out in values.yaml, such as
 *   fluent-bit's `serviceMonitor.selector`), and maps they pass through whole (`range ... .Values.x`,
 *   `toYaml .Values.x`, `with .Values.x` + `toYaml .`) become open, since any key is rendered;
 * - dependencies (subcharts): the subchart's own tree under its name or alias, plus `enabled`.
 */
import { parse } from 'yaml';

/** `'*'`: any key below (open map, or shape unknown); `'='`: a scalar or list; else a map of keys. */
export type KeyTree = '*' | '=' | { readonly [key: string]: KeyTree };
type MutableTree = '*' | '=' | { [key: string]: MutableTree };

export interface ChartFiles {
  /** Text of `values.yaml`. */
  readonly values: string;
  /** Text of `values.schema.json`, when the chart has one. */
  readonly schema?: string;
  /** Text of every file under `templates/` (helpers included). */
  readonly templates: readonly string[];
  /** Trees of the chart's dependencies by the key their values live under (alias or name). */
  readonly dependencies?: Readonly<Record<string, KeyTree>>;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fromValue(value: unknown): MutableTree {
  if (value === null || value === undefined) return '*';
  if (Array.isArray(value)) return '=';
  if (isMap(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return '*';
    return Object.fromEntries(keys.map((k) => [k, fromValue(value[k])]));
  }
  return '=';
}

function fromSchema(schema: unknown): MutableTree {
  if (!isMap(schema)) return '*';
  const props = schema.properties;
  if (isMap(props) && Object.keys(props).length > 0) {
    const tree: Record<string, MutableTree> = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, fromSchema(v)]));
    // Any further key allowed: the map stays open.
    if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) return '*';
    return tree;
  }
  const types = ([] as unknown[]).concat(schema.type ?? []);
  if (types.includes('object') || schema.$ref !== undefined || types.length === 0) return '*';
  return '=';
}

export function mergeTrees(a: KeyTree, b: KeyTree): KeyTree {
  if (a === '*' || b === '*') return '*';
  if (a === '=') return b;
  if (b === '=') return a;
  const out: Record<string, KeyTree> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? mergeTrees(out[k], v) : v;
  return out;
}

/** `.Values.a.b.c` paths a template reads, and those it renders whole (open maps). */
export function templateReferences(template: string): { read: string[][]; whole: string[][] } {
  const read: string[][] = [];
  const whole: string[][] = [];
  const ref = /\.Values((?:\.[A-Za-z_][\w-]*)+)/g;
  for (const match of template.matchAll(ref)) {
    const path = match[1].slice(1).split('.');
    read.push(path);
    const before = template.slice(Math.max(0, match.index - 40), match.index);
    if (/(range\s+(\$\w+\s*,\s*)?\$\w+\s*:=\s*\$?|toYaml\s+\(?\s*\$?|toJson\s+\(?\s*\$?)$/.test(before)) {
      whole.push(path);
    } else if (/with\s+\$?$/.test(before)) {
      // `with .Values.x` then `toYaml .` before the block ends: the whole map is rendered.
      const rest = template.slice(match.index);
      const end = rest.search(/\{\{-?\s*(end|else)\b/);
      const block = end < 0 ? rest : rest.slice(0, end);
      if (/(toYaml|toJson|tpl \(toYaml)\s+\.\s/.test(block)) whole.push(path);
    }
  }
  return { read, whole };
}

function addPath(tree: MutableTree, path: readonly string[], mode: 'read' | 'open'): MutableTree {
  if (tree === '*') return tree;
  if (path.length === 0) return mode === 'open' ? '*' : tree;
  // A scalar default whose fields a template reads (e.g. `x: false` or `""`, set to a map by users).
  const map: Record<string, MutableTree> = tree === '=' ? {} : tree;
  const [head, ...rest] = path;
  const child = map[head];
  // A key only the templates name: its shape is unknown, so anything below it is accepted.
  map[head] = child === undefined ? (rest.length === 0 ? '*' : addPath({}, rest, mode)) : addPath(child, rest, mode);
  return map;
}

/** The key tree of one chart version, from its files (see the file comment). */
export function buildKeyTree(files: ChartFiles): KeyTree {
  let tree: MutableTree = fromValue(parse(files.values) ?? {});
  if (tree === '*' || tree === '=') tree = {};
  if (files.schema) tree = mergeTrees(tree, fromSchema(JSON.parse(files.schema))) as MutableTree;
  for (const template of files.templates) {
    const { read, whole } = templateReferences(template);
    for (const path of read) tree = addPath(tree, path, 'read');
    for (const path of whole) tree = addPath(tree, path, 'open');
  }
  for (const [key, dependency] of Object.entries(files.dependencies ?? {})) {
    const own = typeof tree === 'object' ? tree[key] : undefined;
    const withEnabled = mergeTrees(dependency, { enabled: '=' });
    tree = { ...(tree as Record<string, MutableTree>), [key]: (own === undefined ? withEnabled : mergeTrees(own, withEnabled)) as MutableTree };
  }
  // Helm passes `global` to the chart and every subchart.
  return { ...(tree as Record<string, KeyTree>), global: '*' };
}

/**
 * Paths in `values` that the chart does not have, e.g. `serviceMonitor.additionalLabels`. Lists and
 * scalars are not descended into (their items are the chart's business).
 */
export function unknownKeys(tree: KeyTree, values: unknown, prefix = ''): string[] {
  if (tree === '*' || !isMap(values)) return [];
  if (tree === '=') return Object.keys(values).length > 0 ? [`${prefix} (a scalar or list in the chart, given a map)`] : [];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const child = tree[key];
    if (child === undefined) problems.push(path);
    else problems.push(...unknownKeys(child, value, path));
  }
  return problems;
}
