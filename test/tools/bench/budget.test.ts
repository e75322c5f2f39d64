import { evaluateBudgets, growthOf, type BenchFigures } from '../../../tools/bench/budget';
import { median, parseChildOutput } from '../../../tools/bench/result';

const GiB = 1024 ** 3;
const passing: BenchFigures = {
  minimalMs: 400,
  fullMs: 1500,
  fullEnvironments: 3,
  fullPeakRssBytes: 300 * 1024 ** 2,
  generatedMs: { 3: 1500, 10: 4300, 30: 12300 },
};

const byName = (f: BenchFigures) => Object.fromEntries(evaluateBudgets(f).checks.map((c) => [c.name.split(' ')[0], c]));

describe('evaluateBudgets', () => {
  test('passes when every budget holds', () => {
    const verdict = evaluateBudgets(passing);
    expect(verdict.ok).toBe(true);
    expect(verdict.checks.map((c) => c.ok)).toEqual([true, true, true]);
  });

  test('fails when full synth takes more than 4x the minimal app, saying by how much', () => {
    const checks = byName({ ...passing, fullMs: 1700 });
    expect(checks.full).toMatchObject({ ok: false, detail: 'full 1700 ms / minimal 400 ms = 4.25x (limit 4x)' });
    expect(evaluateBudgets({ ...passing, fullMs: 1600 }).ok).toBe(true); // exactly 4x is allowed
  });

  test('growth: marginal 10->30 may be at most 1.25x marginal 3->10 plus 5 ms', () => {
    // 3->10: (4300-1500)/7 = 400 ms/env; limit 1.25*400+5 = 505 ms/env, i.e. t30 <= 4300 + 20*505 = 14400.
    expect(byName({ ...passing, generatedMs: { 3: 1500, 10: 4300, 30: 14400 } }).growth.ok).toBe(true);
    const failing = byName({ ...passing, generatedMs: { 3: 1500, 10: 4300, 30: 14500 } }).growth;
    expect(failing.ok).toBe(false);
    expect(failing.detail).toBe('marginal 10->30: 510.0 ms/env; limit 1.25 x 3->10 (400.0 ms/env) + 5 ms = 505.0 ms/env');
  });

  test('growth is not judged with fewer than three sizes, and that alone does not fail', () => {
    const verdict = evaluateBudgets({ ...passing, generatedMs: { 3: 1500, 10: 4300 } });
    expect(verdict.checks.find((c) => c.name.startsWith('growth'))!.ok).toBeUndefined();
    expect(verdict.ok).toBe(true);
  });

  test('fails at 1 GiB of peak memory for the three environments', () => {
    expect(byName({ ...passing, fullPeakRssBytes: GiB - 1 }).peak.ok).toBe(true);
    expect(byName({ ...passing, fullPeakRssBytes: GiB })).toMatchObject({ peak: { ok: false, detail: 'peak RSS 1024 MiB (limit 1024 MiB)' } });
  });

  test('the test suite must pass in under 60 s when timed', () => {
    expect(byName({ ...passing, testSuite: { ms: 59_000, passed: true } }).npm.ok).toBe(true);
    expect(byName({ ...passing, testSuite: { ms: 61_000, passed: true } }).npm).toMatchObject({ ok: false, detail: 'passed in 61.0 s (limit 60 s)' });
    expect(byName({ ...passing, testSuite: { ms: 10_000, passed: false } }).npm.ok).toBe(false);
  });
});

describe('growthOf, median and the child protocol', () => {
  test('growth ratio against linear, marginal cost per interval', () => {
    expect(growthOf(passing.generatedMs)).toEqual({
      sizes: [3, 10, 30],
      marginalMs: [
        { from: 3, to: 10, msPerEnvironment: 400 },
        { from: 10, to: 30, msPerEnvironment: 400 },
      ],
      ratio: 12300 / 1500,
      linearRatio: 10,
    });
  });

  test('median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  test('parseChildOutput finds the result line among other output', () => {
    expect(parseChildOutput('warning: x\nBENCH_RESULT {"mode":"minimal","maxRssBytes":1}\n')).toMatchObject({ mode: 'minimal', maxRssBytes: 1 });
    expect(parseChildOutput('nothing')).toBeUndefined();
  });
});
