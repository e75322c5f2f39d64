/** What one benchmark child reports (tools/bench/usage.js), and the statistics over rounds. */

/** `synth-cold`: `npm run synth` with empty run-ts caches (transpile and V8 code caches), as on a machine's first run. */
export type BenchMode = 'minimal' | 'synth' | 'synth-cold' | 'generated';

export interface ChildUsage {
  /** Peak resident set size of the child process, bytes. */
  readonly maxRssBytes: number;
  /** User plus system CPU time of the child process, ms. */
  readonly cpuMs: number;
}

/** The usage file's content, or a reason it is not one. */
export function parseUsage(text: string): ChildUsage | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  const usage = value as Partial<ChildUsage> | null;
  if (typeof usage?.maxRssBytes !== 'number' || typeof usage.cpuMs !== 'number') return `expected {"maxRssBytes": n, "cpuMs": n}, got ${text.slice(0, 100)}`;
  return { maxRssBytes: usage.maxRssBytes, cpuMs: usage.cpuMs };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
