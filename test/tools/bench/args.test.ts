import { DEFAULT_BENCH_ARGS, parseBenchArgs } from '../../../tools/bench/args';

describe('parseBenchArgs', () => {
  test('defaults: 5 rounds, sizes 1,3,10,30, one warm-up, no test suite', () => {
    expect(parseBenchArgs([])).toEqual(DEFAULT_BENCH_ARGS);
    expect(DEFAULT_BENCH_ARGS).toMatchObject({ rounds: 5, sizes: [1, 3, 10, 30], warmup: 1, testSuite: false });
  });

  test('every flag, with a space or =', () => {
    expect(parseBenchArgs(['--rounds', '7', '--sizes=30,3,10,10', '--warmup', '0', '--test-suite', '--json'])).toEqual({
      rounds: 7,
      sizes: [3, 10, 30],
      warmup: 0,
      testSuite: true,
      json: true,
      help: false,
    });
  });

  test('fails on bad values and unknown flags', () => {
    expect(parseBenchArgs(['--rounds', '0'])).toBe('--rounds must be at least 1 (got 0)');
    expect(parseBenchArgs(['--rounds'])).toMatch(/--rounds needs a whole number \(got nothing\)/);
    expect(parseBenchArgs(['--rounds', 'five'])).toMatch(/got "five"/);
    expect(parseBenchArgs(['--sizes', '3,ten'])).toMatch(/comma-separated list/);
    expect(parseBenchArgs(['--sizes', '0,3'])).toBe('--sizes must be at least 1');
    expect(parseBenchArgs(['--fast'])).toBe('unknown argument "--fast"');
  });
});
