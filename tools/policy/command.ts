/** The `npm run policy` command, as a function of its arguments so tests can run it in-process. */
import * as fs from 'fs';
import * as path from 'path';
import { buildReport, formatJson, formatText } from './report';
import { PolicyInputError, collectInputs, runPolicy } from './run';
import { ScannerError, installScanners, runScanners, scannersReady } from './scanners';

export const DEFAULT_PATHS: readonly string[] = ['cdktf.out', 'dist/k8s'];

/** What zizmor reads when the default paths are checked. */
export const WORKFLOWS_PATH = '.github/workflows';

export const USAGE = `usage: npm run -s policy -- [--format text|json] [--scanners | --no-scanners] [PATH...]

Checks synthesized Terraform JSON (*.tf.json) and Kubernetes YAML (*.yaml, *.yml) against the
platform policy (docs/policy.md). Directories are searched recursively. When the scanners'
environment exists (tools/scanners/.venv), checkov also checks the same files and zizmor checks
${WORKFLOWS_PATH} (default paths only); their findings are reported in the same format.

  --format text|json  output format (default: text)
  --scanners          require the scanners: create their environment from tools/scanners/uv.lock
                      when missing (needs python3), fail when they cannot run (npm run scan)
  --no-scanners       the project's rules only
  PATH                files or directories (default: ${DEFAULT_PATHS.join(' and ')}, whichever exist)

exit status: 0 no unsuppressed finding, 1 any unsuppressed finding (warnings included),
             2 usage error, no input files or an unexpected error
`;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** Whether the scanners' environment exists (without `--scanners` they run only then). @default scannersReady */
  readonly scannersReady?: () => boolean;
}

type ScannerMode = 'auto' | 'require' | 'off';
type Parsed = { readonly format: 'text' | 'json'; readonly paths: readonly string[]; readonly scanners: ScannerMode } | { readonly exit: number };

function parseArgs(argv: readonly string[], io: CliIo): Parsed {
  let format = 'text';
  let scanners: ScannerMode = 'auto';
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
    } else if (arg === '--scanners' || arg === '--no-scanners') {
      scanners = arg === '--scanners' ? 'require' : 'off';
    } else if (arg.startsWith('-')) {
      io.stderr(`policy: unknown option ${arg}\n\n${USAGE}`);
      return { exit: 2 };
    } else {
      paths.push(arg);
    }
  }
  return { format: format as 'text' | 'json', paths, scanners };
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
  const started = process.hrtime.bigint();
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
  const rulesSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (parsed.scanners === 'require' || (parsed.scanners === 'auto' && (io.scannersReady ?? scannersReady)())) {
    try {
      if (parsed.scanners === 'require') installScanners(io.stderr);
      const inputs = collectInputs(paths, { cwd: io.cwd }).map((input) => ({ ...input, file: path.relative(io.cwd, input.path) || input.path }));
      const workflows = useDefaults && fs.existsSync(path.resolve(io.cwd, WORKFLOWS_PATH)) ? [WORKFLOWS_PATH] : [];
      const scanned = runScanners(inputs, workflows, io.cwd);
      io.stderr(`policy: project rules ${rulesSeconds.toFixed(1)} s, checkov ${scanned.timings.checkovSeconds.toFixed(1)} s, zizmor ${scanned.timings.zizmorSeconds.toFixed(1)} s\n`);
      report = buildReport([...report.findings, ...scanned.findings], report.files);
    } catch (error) {
      if (!(error instanceof ScannerError)) throw error;
      io.stderr(`policy: scanners: ${error.message}\n`);
      return 2;
    }
  } else if (parsed.scanners === 'auto' && useDefaults) {
    io.stderr('policy: project rules only (the scanners are not installed: `npm run scan` creates their environment and runs them)\n');
  }
  io.stdout(parsed.format === 'json' ? formatJson(report) : formatText(report));
  return report.ok ? 0 : 1;
}
