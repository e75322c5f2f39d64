/** What a benchmark child process reports, and how the parent reads it. */

export const RESULT_PREFIX = 'BENCH_RESULT ';

export type BenchMode = 'minimal' | 'full' | 'generated';

export interface ChildResult {
  readonly mode: BenchMode;
  readonly environments: number;
  readonly stacks: number;
  /** ms spent importing the modules the mode needs. */
  readonly loadMs: number;
  /** ms spent building the constructs and synthesizing. */
  readonly synthMs: number;
  /** ms since the process started (node and ts-node start-up included). */
  readonly uptimeMs: number;
  /** Peak resident set size of the child process, bytes. */
  readonly maxRssBytes: number;
}

/** The child's result line from its stdout, or undefined when it printed none. */
export function parseChildOutput(stdout: string): ChildResult | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  return line ? (JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildResult) : undefined;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
