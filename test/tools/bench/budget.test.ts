import { evaluateBudgets, marginalsOf, type BenchFigures } from '../../../tools/bench/budget';
import { median, parseUsage } from '../../../tools/bench/result';

const MiB = 1024 ** 2;
const passing: BenchFigures = {
  minimalMs: 400,
  synthMs: 1000,
  synthEnvironments: 3,
  synthPeakRssBytes: 150 * MiB,
  generatedMs: { 1: 850, 3: 1000, 10: 1600, 30: 3400 },
};

const check = (f: BenchFigures, prefix: string) => {
  const found = evaluateBudgets(f).checks.filter((c) => c.name.startsWith(prefix));
  expect(found).toHaveLength(1);
  return found[0];
};

describe('evaluateBudgets', () => {
  test('passes when every budget holds, judging 3->10 and 10->30 but not 1->3', () => {
    const verdict = evaluateBudgets(passing);
    expect(verdict.ok).toBe(true);
    expect(verdict.checks.map((c) => [c.name, c.ok])).toEqual([
      ['npm run synth <= 3.5x the minimal app', true],
      ['< 100 ms per added environment, 3 -> 10', true],
      ['< 100 ms per added environment, 10 -> 30', true],
      ['peak memory of npm run synth < 200 MiB', true],
    ]);
  });

  test('fails when npm run synth takes more than 3.5x the minimal app, saying by how much', () => {
    expect(check({ ...passing, synthMs: 1500 }, 'npm run synth')).toEqual({
      name: 'npm run synth <= 3.5x the minimal app',
      ok: false,
      detail: 'synth 1500 ms / minimal 400 ms = 3.75x (limit 3.5x, aim 2.5x)',
    });
    expect(evaluateBudgets({ ...passing, synthMs: 1400 }).ok).toBe(true); // exactly 3.5x is allowed
  });

  test('fails at 100 ms per added environment on any judged interval', () => {
    // 10 -> 30 at exactly 100 ms per environment: 1600 + 20 * 100.
    const failing = check({ ...passing, generatedMs: { ...passing.generatedMs, 30: 3600 } }, '< 100 ms per added environment, 10 -> 30');
    expect(failing).toMatchObject({ ok: false, detail: '(3600 ms - 1600 ms) / 20 = 100.0 ms per environment (limit 100 ms)' });
    expect(check({ ...passing, generatedMs: { ...passing.generatedMs, 10: 1699 } }, '< 100 ms per added environment, 3 -> 10').ok).toBe(true);
    expect(check({ ...passing, generatedMs: { ...passing.generatedMs, 10: 1700 } }, '< 100 ms per added environment, 3 -> 10').ok).toBe(false);
    // 1 -> 3 is not judged, however slow.
    expect(evaluateBudgets({ ...passing, generatedMs: { ...passing.generatedMs, 1: 0 } }).ok).toBe(true);
  });

  test('the cost per environment is not judged without two sizes of at least 3, and that alone does not fail', () => {
    const verdict = evaluateBudgets({ ...passing, generatedMs: { 1: 850, 3: 1000 } });
    expect(verdict.checks.find((c) => c.name.startsWith('< 100 ms'))).toMatchObject({ ok: undefined, detail: 'needs two generated sizes of at least 3; not judged' });
    expect(verdict.ok).toBe(true);
  });

  test('fails at 200 MiB of peak memory', () => {
    expect(check({ ...passing, synthPeakRssBytes: 200 * MiB - 1 }, 'peak').ok).toBe(true);
    expect(check({ ...passing, synthPeakRssBytes: 200 * MiB }, 'peak')).toMatchObject({ ok: false, detail: 'peak RSS 200 MiB for 3 environments (limit 200 MiB)' });
  });

  test('the TypeScript suite must pass in under 30 s when timed; the Python suite is not judged', () => {
    expect(check({ ...passing, testSuite: { ms: 29_000, passed: true } }, 'npm test').ok).toBe(true);
    expect(check({ ...passing, testSuite: { ms: 31_000, passed: true } }, 'npm test')).toMatchObject({ ok: false, detail: 'passed in 31.0 s (limit 30 s)' });
    expect(check({ ...passing, testSuite: { ms: 10_000, passed: false } }, 'npm test').ok).toBe(false);
    const slowPython = evaluateBudgets({ ...passing, testSuite: { ms: 29_000, passed: true }, pythonSuite: { ms: 90_000, passed: true } });
    expect(slowPython.ok).toBe(true);
    expect(slowPython.checks.map((c) => c.name)).toEqual(evaluateBudgets({ ...passing, testSuite: { ms: 29_000, passed: true } }).checks.map((c) => c.name));
  });
});

describe('marginalsOf, median and the usage report', () => {
  test('ms per added environment over each interval of consecutive sizes', () => {
    expect(marginalsOf(passing.generatedMs)).toEqual([
      { from: 1, to: 3, msPerEnvironment: 75 },
      { from: 3, to: 10, msPerEnvironment: 600 / 7 },
      { from: 10, to: 30, msPerEnvironment: 90 },
    ]);
    expect(marginalsOf({ 3: 1000 })).toEqual([]);
  });

  test('median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  test('parseUsage reads what tools/bench/usage.js writes, and says what is wrong otherwise', () => {
    expect(parseUsage('{"maxRssBytes":1024,"cpuMs":12.5}')).toEqual({ maxRssBytes: 1024, cpuMs: 12.5 });
    expect(parseUsage('')).toMatch(/^not JSON/);
    expect(parseUsage('{"maxRssBytes":1}')).toMatch(/expected \{"maxRssBytes": n, "cpuMs": n\}/);
  });
});
