/** The `npm run policy` command, as a function of its arguments so tests can run it in-process. */
import * as fs from 'fs';
import * as path from 'path';
import { formatJson, formatText } from './report';
import { PolicyInputError, runPolicy } from './run';

export const DEFAULT_PATHS: readonly string[] = ['cdktf.out', 'dist/k8s'];

export const USAGE = `usage: npm run -s policy -- [--format text|json] [PATH...]

Checks synthesized Terraform JSON (*.tf.json) and Kubernetes YAML (*.yaml, *.yml) against the
platform policy (docs/policy.md). Directories are searched recursively.

  --format text|json  output format (default: text)
  PATH                files or directories (default: ${DEFAULT_PATHS.join(' and ')}, whichever exist)

exit status: 0 no unsuppressed finding, 1 any unsuppressed finding (warnings included),
             2 usage error, no input files or an unexpected error
`;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

type Parsed = { readonly format: 'text' | 'json'; readonly paths: readonly string[] } | { readonly exit: number };

function parseArgs(argv: readonly string[], io: CliIo): Parsed {
  let format = 'text';
  const paths: string[] = [];
  let onlyPaths = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPaths) {
      paths.push(arg);
    } else if (arg === '--') {
      onlyPaths = true;
    } else if (arg === '-h' || arg === '--help') {
      io.stdout(USAGE);
      return { exit: 0 };
    } else if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg === '--format' ? argv[++i] : arg.slice('--format='.length);
      if (value !== 'text' && value !== 'json') {
        io.stderr(`policy: --format must be text or json, got ${value === undefined ? 'nothing' : `"${value}"`}\n\n${USAGE}`);
        return { exit: 2 };
      }
      format = value;
    } else if (arg.startsWith('-')) {
      io.stderr(`policy: unknown option ${arg}\n\n${USAGE}`);
      return { exit: 2 };
    } else {
      paths.push(arg);
    }
  }
  return { format: format as 'text' | 'json', paths };
}

/** One line for an error the command did not expect: never a stack trace. */
export function unexpectedErrorMessage(error: unknown): string {
  const text = error instanceof Error ? `${error.name !== 'Error' ? `${error.name}: ` : ''}${error.message}` : String(error);
  return `policy: unexpected error: ${text.split('\n')[0]}\n`;
}

/** Runs the command; returns the exit status (2 on an unexpected error, reported in one line). */
export function runCli(argv: readonly string[], io: CliIo): number {
  try {
    return run(argv, io);
  } catch (error) {
    io.stderr(unexpectedErrorMessage(error));
    return 2;
  }
}

function run(argv: readonly string[], io: CliIo): number {
  const parsed = parseArgs(argv, io);
  if ('exit' in parsed) return parsed.exit;

  const useDefaults = parsed.paths.length === 0;
  const paths = useDefaults ? DEFAULT_PATHS.filter((p) => fs.existsSync(path.resolve(io.cwd, p))) : parsed.paths;
  if (paths.length === 0) {
    io.stderr(`policy: none of the default paths exist (${DEFAULT_PATHS.join(', ')} in ${io.cwd}); run \`npm run synth\` first or name the paths to check\n`);
    return 2;
  }

  let report;
  try {
    report = runPolicy(paths, { cwd: io.cwd });
  } catch (error) {
    if (error instanceof PolicyInputError) {
      io.stderr(`policy: ${error.message}\n`);
      return 2;
    }
    throw error; // reported in one line by runCli
  }
  if (report.files.length === 0) {
    io.stderr(`policy: no *.tf.json, *.yaml or *.yml files found in ${paths.join(', ')}\n`);
    return 2;
  }
  io.stdout(parsed.format === 'json' ? formatJson(report) : formatText(report));
  return report.ok ? 0 : 1;
}
