/** Arguments of `npm run bench`. */

export const BENCH_USAGE = `usage: npm run bench -- [--rounds N] [--sizes 1,3,10,30] [--warmup N] [--test-suite] [--json]

  --rounds N       measured rounds (default 5); each round runs every case once, in a rotating order;
                   medians and ranges over the rounds are reported
  --sizes LIST     generated environment counts (default 1,3,10,30); the cost per added environment is
                   judged on every interval from 3 environments up
  --warmup N       unmeasured rounds first, to warm the file cache and the transpile cache (default 1)
  --test-suite     also time the two halves of \`npm test\` once: the TypeScript suite (jest; budget:
                   passes in under 30 s) and the Python suite (reported, not judged)
  --json           print the results as JSON
`;

export interface BenchArgs {
  readonly rounds: number;
  readonly sizes: readonly number[];
  readonly warmup: number;
  readonly testSuite: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

export const DEFAULT_BENCH_ARGS: BenchArgs = { rounds: 5, sizes: [1, 3, 10, 30], warmup: 1, testSuite: false, json: false, help: false };

function positiveInt(text: string | undefined, flag: string, min: number): number | string {
  if (text === undefined || !/^\d+$/.test(text)) return `${flag} needs a whole number (got ${text === undefined ? 'nothing' : `"${text}"`})`;
  const n = Number(text);
  return n < min ? `${flag} must be at least ${min} (got ${n})` : n;
}

/** Parses `argv` (after the script name); a string is the error to print with the usage. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs | string {
  const args: { -readonly [K in keyof BenchArgs]: BenchArgs[K] } = { ...DEFAULT_BENCH_ARGS };
  for (let i = 0; i < argv.length; i++) {
    const eq = argv[i].startsWith('--') ? argv[i].indexOf('=') : -1;
    const flag = eq > 0 ? argv[i].slice(0, eq) : argv[i];
    const value = () => (eq > 0 ? argv[i].slice(eq + 1) : argv[++i]);
    switch (flag) {
      case '--rounds':
      case '--warmup': {
        const n = positiveInt(value(), flag, flag === '--rounds' ? 1 : 0);
        if (typeof n === 'string') return n;
        if (flag === '--rounds') args.rounds = n;
        else args.warmup = n;
        break;
      }
      case '--sizes': {
        const text = value();
        if (text === undefined || !/^\d+(,\d+)*$/.test(text)) return `--sizes needs a comma-separated list of counts such as 1,3,10,30 (got ${text === undefined ? 'nothing' : `"${text}"`})`;
        const sizes = [...new Set(text.split(',').map(Number))].sort((a, b) => a - b);
        if (sizes[0] < 1) return '--sizes must be at least 1';
        args.sizes = sizes;
        break;
      }
      case '--test-suite':
        args.testSuite = true;
        break;
      case '--json':
        args.json = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        return `unknown argument "${argv[i]}"`;
    }
  }
  return args;
}
