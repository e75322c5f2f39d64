/**
 * `node tools/run-ts.js tools/ci-matrix/cli.ts MODE`: JSON for GitHub Actions, derived from `environments/`.
 *
 * Only argv, config loading and exit codes live here; `matrix.ts` is pure.
 * Exit codes: 0 done, 1 the configuration cannot give a matrix, 2 usage error.
 */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import type * as EnvironmentsModule from '../../environments';
import type { EnvironmentConfig } from '../../environments/schema';
import type { SharedConfig } from '../../environments/shared';
import { changedStacks, deployMatrix, deployOrder, imageTarget, MatrixError, planMatrix, stacksByName, targetNames, type StackReader } from './matrix';

export const USAGE = `usage: node tools/run-ts.js tools/ci-matrix/cli.ts MODE [--pretty]

Prints one line of JSON for a GitHub Actions matrix or loop (write it to $GITHUB_OUTPUT).

  --plan            {"include":[...]}: every stack except bootstrap (shared, then each environment's layers)
  --changed BASE    {"matrix":{"include":[...]},"dependents":[...],"unchanged":[...]}: the stacks whose
                    cdktf.out/stacks/<stack>/cdk.tf.json differs from BASE/stacks/<stack>/cdk.tf.json
                    (BASE: the base branch's cdktf.out), plus the stacks that read them
  --stacks          {"<stack>":{...}}: every entry of --plan by stack name
  --deploy TARGET   {"include":[...]}: TARGET's stacks in deploy order (TARGET: shared or an environment)
  --environments    ["dev",...]: environments in deploy order (development, staging, production)
  --targets         ["shared","dev",...]: every deployment target in deploy order
  --image REPO      {"roleArn",...}: the image-push role, region and registry for ECR repository REPO
                    (build-image.yml's input defaults must equal these)
  --pretty          indent the JSON
  -h, --help        show this help

Each entry: environment, stack, layer, region, planRoleArn, applyRoleArn, targetPlanRoleArn,
targetApplyRoleArn, needsCluster, clusterStack, clusterStateKey, plannedAfter, plannedAfterStateKey,
runnerProject, planOnPullRequest, tier, stateBucket, stateRegion, stateKey, order.

Exit codes: 0 done, 1 the configuration cannot give a matrix, 2 usage error.`;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export interface CliConfig {
  readonly shared: SharedConfig;
  readonly environments: readonly EnvironmentConfig[];
  /** @default - reads the file system */
  readonly readStack?: StackReader;
}

const readStackFile: StackReader = (dir, stack) => {
  const file = path.join(dir, 'stacks', stack, 'cdk.tf.json');
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
};

type Mode =
  | { kind: 'plan' }
  | { kind: 'changed'; base: string }
  | { kind: 'stacks' }
  | { kind: 'deploy'; target: string }
  | { kind: 'environments' }
  | { kind: 'targets' }
  | { kind: 'image'; repository: string }
  | { kind: 'help' };

class UsageError extends Error {}

function parseArgs(args: readonly string[]): { mode: Mode; pretty: boolean } {
  let mode: Mode | undefined;
  let pretty = false;
  const setMode = (next: Mode) => {
    if (mode && next.kind !== 'help') throw new UsageError('give exactly one of --plan, --changed, --stacks, --deploy, --environments, --targets, --image');
    mode = next;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    switch (arg) {
      case '--plan':
        setMode({ kind: 'plan' });
        break;
      case '--stacks':
        setMode({ kind: 'stacks' });
        break;
      case '--changed': {
        const base = args[i + 1];
        if (base === undefined || base.startsWith('-')) throw new UsageError('--changed needs the base branch\'s cdktf.out directory');
        setMode({ kind: 'changed', base });
        i++;
        break;
      }
      case '--deploy': {
        const target = args[i + 1];
        if (target === undefined || target.startsWith('-')) throw new UsageError('--deploy needs a target (shared or an environment name)');
        setMode({ kind: 'deploy', target });
        i++;
        break;
      }
      case '--image': {
        const repository = args[i + 1];
        if (repository === undefined || repository.startsWith('-')) throw new UsageError('--image needs an ECR repository name');
        setMode({ kind: 'image', repository });
        i++;
        break;
      }
      case '--environments':
        setMode({ kind: 'environments' });
        break;
      case '--targets':
        setMode({ kind: 'targets' });
        break;
      case '--pretty':
        pretty = true;
        break;
      case '-h':
      case '--help':
        return { mode: { kind: 'help' }, pretty };
      default:
        throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  if (!mode) throw new UsageError('give one of --plan, --deploy TARGET, --environments, --targets, --image REPO');
  return { mode, pretty };
}

/** Runs the CLI against `config`; returns the exit code. */
export function run(args: readonly string[], config: CliConfig, io: CliIo): number {
  let parsed: { mode: Mode; pretty: boolean };
  try {
    parsed = parseArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`ci-matrix: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  const { mode, pretty } = parsed;
  if (mode.kind === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  try {
    const value =
      mode.kind === 'plan'
        ? planMatrix(config.shared, config.environments)
        : mode.kind === 'stacks'
          ? stacksByName(config.shared, config.environments)
          : mode.kind === 'changed'
            ? changedStacks(config.shared, config.environments, config.readStack ?? readStackFile, 'cdktf.out', mode.base)
            : mode.kind === 'deploy'
          ? deployMatrix(config.shared, config.environments, mode.target)
          : mode.kind === 'environments'
            ? deployOrder(config.environments).map((e) => e.name)
            : mode.kind === 'image'
              ? imageTarget(config.shared, mode.repository)
              : targetNames(config.environments);
    io.stdout(`${JSON.stringify(value, null, pretty ? 2 : undefined)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof MatrixError)) throw error;
    io.stderr(`ci-matrix: ${error.message}\n`);
    return 1;
  }
}

async function main(): Promise<number> {
  let config: typeof EnvironmentsModule;
  try {
    // Importing validates every environment; a bad one throws with every problem listed.
    config = await import('../../environments');
  } catch (error) {
    process.stderr.write(`ci-matrix: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  return run(process.argv.slice(2), { shared: config.shared, environments: Object.values(config.environments) }, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}

/** True when this file is the entry point, also when started through tools/run-ts.js (which sets argv[1]). */
function isEntryPoint(): boolean {
  return require.main === module || (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename);
}

if (isEntryPoint()) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`ci-matrix failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
