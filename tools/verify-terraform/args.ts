/** Arguments of `npm run verify:terraform`. */
import * as os from 'os';

export const VERIFY_USAGE = `usage: npm run verify:terraform -- [--only validate|emulator] [--stack NAME]... [--jobs N] [--providers mirror|registry] [--dir cdktf.out] [--keep] [--toolchain-cached]

  --only STEP        validate (init + validate of every stack) or emulator (plan/apply/destroy of the base
                     stacks against moto); default both
  --stack NAME       validate only this stack (repeatable); the emulator step always runs its fixed sequence
  --jobs N           stacks validated at once (default ${defaultJobs()})
  --providers MODE   mirror (default): providers from the filesystem mirror in the cache, built from their Go
                     modules when missing, no registry contacted; registry: downloaded from the registry into
                     a plugin cache (GitHub runners)
  --dir DIR          synthesized output holding stacks/<stack>/cdk.tf.json (default cdktf.out)
  --keep             keep the temporary working directories (their path is printed)
  --toolchain-cached only check that the binary and every pinned provider are already here (no build,
                     no network): exit 0 if so, 3 naming what is missing (.ci/run runs the rest only then)

Exit status: 0 everything verified; 1 a stack failed (Terraform's message and the stack are printed);
2 bad arguments or input; 3 something could not be verified here (a provider or tool could not be obtained).
Environment: VERIFY_TERRAFORM_BINARY (a tofu/terraform to use), VERIFY_TERRAFORM_CACHE (cache root,
default ~/.cache/mlops-platform/terraform).
`;

export type Step = 'validate' | 'emulator';
export type ProviderMode = 'mirror' | 'registry';

export interface VerifyArgs {
  readonly steps: readonly Step[];
  readonly stacks: readonly string[];
  readonly jobs: number;
  readonly providers: ProviderMode;
  readonly dir: string;
  readonly keep: boolean;
  readonly toolchainCached: boolean;
  readonly help: boolean;
}

export function defaultJobs(): number {
  return Math.max(1, Math.min(4, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length));
}

/** Parses `argv` (after the script name); a string is the error to print with the usage. */
export function parseVerifyArgs(argv: readonly string[]): VerifyArgs | string {
  let steps: Step[] = ['validate', 'emulator'];
  const stacks: string[] = [];
  let jobs = defaultJobs();
  let providers: ProviderMode = 'mirror';
  let dir = 'cdktf.out';
  let keep = false;
  let toolchainCached = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const eq = argv[i].startsWith('--') ? argv[i].indexOf('=') : -1;
    const flag = eq > 0 ? argv[i].slice(0, eq) : argv[i];
    const inline = eq > 0 ? argv[i].slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[++i] : undefined);
    switch (flag) {
      case '--help':
      case '-h':
        help = true;
        break;
      case '--keep':
        keep = true;
        break;
      case '--toolchain-cached':
        toolchainCached = true;
        break;
      case '--only':
      case '--stack':
      case '--jobs':
      case '--providers':
      case '--dir': {
        const v = value();
        if (v === undefined || v === '') return `${flag} needs a value`;
        if (flag === '--only') {
          if (v !== 'validate' && v !== 'emulator') return `--only must be validate or emulator (got "${v}")`;
          steps = [v];
        } else if (flag === '--stack') stacks.push(v);
        else if (flag === '--jobs') {
          if (!/^[1-9]\d*$/.test(v)) return `--jobs must be a positive integer (got "${v}")`;
          jobs = Number(v);
        } else if (flag === '--providers') {
          if (v !== 'mirror' && v !== 'registry') return `--providers must be mirror or registry (got "${v}")`;
          providers = v;
        } else dir = v;
        break;
      }
      default:
        return `unknown argument "${argv[i]}"`;
    }
  }
  return { steps, stacks, jobs, providers, dir, keep, toolchainCached, help };
}
