/** `npm run cost`: argument parsing and the run itself, returning an exit code (cli.ts sets it). */
import * as fs from 'fs';
import * as path from 'path';
import { compareEstimates, CostEstimateError, estimateCosts, parseBaseEstimate, type Comparison } from './estimate';
import { loadKubernetesManifests, loadStacks } from './load';
import { render, type OutputFormat } from './render';

export const COST_USAGE = `usage: npm run cost -- [--env NAME] [--format text|markdown|json] [--compare BASE.json] [--dir cdktf.out] [--k8s-dir dist/k8s] [--as-of YYYY-MM-DD]

  --env NAME         only this environment (or shared, bootstrap)
  --format F         text (default), markdown (PR comment) or json (machine-readable; input of --compare)
  --compare FILE     add the change per environment against a previous --format json output
  --dir DIR          synthesized output holding stacks/<stack>/cdk.tf.json (default cdktf.out)
  --k8s-dir DIR      rendered manifests, <env>/*.yaml, where load balancers are counted (default dist/k8s)
  --as-of DATE       day on which EKS version support is judged (default today, UTC)
`;

export interface CostArgs {
  readonly env?: string;
  readonly format: OutputFormat;
  readonly compare?: string;
  readonly dir: string;
  readonly k8sDir: string;
  readonly asOf?: string;
  readonly help: boolean;
}

const FORMATS: readonly OutputFormat[] = ['text', 'markdown', 'json'];

/** Parses `argv` (after the script name); a string is the error to print with the usage. */
export function parseCostArgs(argv: readonly string[]): CostArgs | string {
  const args: { -readonly [K in keyof CostArgs]: CostArgs[K] } = { format: 'text', dir: 'cdktf.out', k8sDir: path.join('dist', 'k8s'), help: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = (): string | undefined => inline ?? (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[++i] : undefined);
    switch (flag) {
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--env':
      case '--format':
      case '--compare':
      case '--dir':
      case '--k8s-dir':
      case '--as-of': {
        const v = value();
        if (v === undefined || v === '') return `${flag} needs a value`;
        if (flag === '--env') args.env = v;
        else if (flag === '--format') {
          if (!(FORMATS as readonly string[]).includes(v)) return `--format must be one of ${FORMATS.join(', ')} (got "${v}")`;
          args.format = v as OutputFormat;
        } else if (flag === '--compare') args.compare = v;
        else if (flag === '--dir') args.dir = v;
        else if (flag === '--k8s-dir') args.k8sDir = v;
        else {
          if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) return `--as-of must be a date YYYY-MM-DD (got "${v}")`;
          args.asOf = v;
        }
        break;
      }
      default:
        return `unknown argument "${argv[i]}"`;
    }
  }
  return args;
}

export interface CostIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** Today as YYYY-MM-DD; injectable for tests. */
  readonly today?: () => string;
}

export function runCost(argv: readonly string[], io: CostIo): number {
  const args = parseCostArgs(argv);
  if (typeof args === 'string') {
    io.stderr(`cost: ${args}\n\n${COST_USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout(COST_USAGE);
    return 0;
  }
  try {
    const stacks = loadStacks(path.resolve(io.cwd, args.dir));
    const kubernetes = loadKubernetesManifests(path.resolve(io.cwd, args.k8sDir));
    const asOf = args.asOf ?? (io.today ?? (() => new Date().toISOString().slice(0, 10)))();
    const estimate = estimateCosts(stacks, { environment: args.env, kubernetes, asOf });
    let comparison: Comparison | undefined;
    if (args.compare !== undefined) {
      const file = path.resolve(io.cwd, args.compare);
      let raw: unknown;
      try {
        raw = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (error) {
        io.stderr(`cost: cannot read --compare ${args.compare}: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
      }
      const base = parseBaseEstimate(raw);
      if (typeof base === 'string') {
        io.stderr(`cost: --compare ${args.compare}: ${base}\n`);
        return 1;
      }
      const baseEnvironments = args.env === undefined ? base.environments : base.environments.filter((e) => e.name === args.env);
      comparison = compareEstimates(estimate, { environments: baseEnvironments });
    }
    io.stdout(render(args.format, estimate, comparison));
    return 0;
  } catch (error) {
    if (error instanceof CostEstimateError) {
      io.stderr(`cost: ${error.message}\n`);
      return 1;
    }
    io.stderr(`cost: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
