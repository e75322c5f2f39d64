/**
 * Budgets the benchmark enforces, as a pure function of the measured medians so they can be tested on
 * given numbers. The rules, exactly:
 *
 * 1. Full synth (the real environments) takes at most FULL_TO_MINIMAL_MAX (4) times the minimal one-resource
 *    app, both timed the same way (a fresh process each, wall time from spawn to exit).
 * 2. Growth is linear or better: with generated sizes s0 < s1 < ... < sk, the marginal time per added
 *    environment over the last interval, (t(sk) - t(sk-1)) / (sk - sk-1), is at most
 *    GROWTH_MARGINAL_MAX_RATIO (1.25) times the marginal over the first, (t(s1) - t(s0)) / (s1 - s0),
 *    plus GROWTH_NOISE_MS_PER_ENV (5 ms) per environment for timer and scheduling noise. With the default
 *    sizes 3, 10, 30: (t30 - t10) / 20 <= 1.25 * (t10 - t3) / 7 + 5 ms. Fewer than three sizes: not judged.
 * 3. Peak resident memory of the full synth (the real three environments) is under 1 GiB.
 * 4. With --test-suite: `npm test` passes and takes under 60 s.
 */

export const FULL_TO_MINIMAL_MAX = 4;
export const GROWTH_MARGINAL_MAX_RATIO = 1.25;
export const GROWTH_NOISE_MS_PER_ENV = 5;
export const PEAK_RSS_MAX_BYTES = 1024 ** 3;
export const TEST_SUITE_MAX_MS = 60_000;

export interface BenchFigures {
  /** Median wall time of the minimal app, ms. */
  readonly minimalMs: number;
  /** Median wall time of the full synth of the real environments, ms. */
  readonly fullMs: number;
  /** How many environments the full synth has. */
  readonly fullEnvironments: number;
  /** Peak RSS of the full synth, bytes. */
  readonly fullPeakRssBytes: number;
  /** Median wall time by generated environment count, ms. */
  readonly generatedMs: Readonly<Record<number, number>>;
  /** `npm test`, when it was timed. */
  readonly testSuite?: { readonly ms: number; readonly passed: boolean };
}

export interface BudgetCheck {
  readonly name: string;
  /** `undefined` when the check could not be judged (reported, not failed). */
  readonly ok: boolean | undefined;
  /** The figure and the limit, in words. */
  readonly detail: string;
}

export interface GrowthFigures {
  readonly sizes: readonly number[];
  /** ms per added environment over each interval of consecutive sizes. */
  readonly marginalMs: readonly { readonly from: number; readonly to: number; readonly msPerEnvironment: number }[];
  /** t(largest) / t(smallest), and what a linear cost would give (largest / smallest). */
  readonly ratio: number;
  readonly linearRatio: number;
}

export function growthOf(generatedMs: Readonly<Record<number, number>>): GrowthFigures | undefined {
  const sizes = Object.keys(generatedMs).map(Number).sort((a, b) => a - b);
  if (sizes.length < 2) return undefined;
  const marginalMs = sizes.slice(1).map((to, i) => ({ from: sizes[i], to, msPerEnvironment: (generatedMs[to] - generatedMs[sizes[i]]) / (to - sizes[i]) }));
  const first = sizes[0];
  const last = sizes[sizes.length - 1];
  return { sizes, marginalMs, ratio: generatedMs[last] / generatedMs[first], linearRatio: last / first };
}

const ms = (n: number) => `${Math.round(n)} ms`;
const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MiB`;

export function evaluateBudgets(f: BenchFigures): { ok: boolean; checks: BudgetCheck[] } {
  const checks: BudgetCheck[] = [];

  const ratio = f.fullMs / f.minimalMs;
  checks.push({
    name: 'full synth <= 4x minimal app',
    ok: ratio <= FULL_TO_MINIMAL_MAX,
    detail: `full ${ms(f.fullMs)} / minimal ${ms(f.minimalMs)} = ${ratio.toFixed(2)}x (limit ${FULL_TO_MINIMAL_MAX}x)`,
  });

  const growth = growthOf(f.generatedMs);
  if (!growth || growth.marginalMs.length < 2) {
    checks.push({ name: 'growth linear or better', ok: undefined, detail: 'needs at least three generated sizes; not judged' });
  } else {
    const first = growth.marginalMs[0];
    const last = growth.marginalMs[growth.marginalMs.length - 1];
    const limit = GROWTH_MARGINAL_MAX_RATIO * first.msPerEnvironment + GROWTH_NOISE_MS_PER_ENV;
    checks.push({
      name: 'growth linear or better',
      ok: last.msPerEnvironment <= limit,
      detail:
        `marginal ${last.from}->${last.to}: ${last.msPerEnvironment.toFixed(1)} ms/env; ` +
        `limit ${GROWTH_MARGINAL_MAX_RATIO} x ${first.from}->${first.to} (${first.msPerEnvironment.toFixed(1)} ms/env) + ${GROWTH_NOISE_MS_PER_ENV} ms = ${limit.toFixed(1)} ms/env`,
    });
  }

  checks.push({
    name: `peak memory < 1 GiB for ${f.fullEnvironments} environments`,
    ok: f.fullPeakRssBytes < PEAK_RSS_MAX_BYTES,
    detail: `peak RSS ${mib(f.fullPeakRssBytes)} (limit ${mib(PEAK_RSS_MAX_BYTES)})`,
  });

  if (f.testSuite) {
    checks.push({
      name: 'npm test passes in < 60 s',
      ok: f.testSuite.passed && f.testSuite.ms < TEST_SUITE_MAX_MS,
      detail: `${f.testSuite.passed ? 'passed' : 'FAILED'} in ${(f.testSuite.ms / 1000).toFixed(1)} s (limit ${TEST_SUITE_MAX_MS / 1000} s)`,
    });
  }

  return { ok: checks.every((c) => c.ok !== false), checks };
}
