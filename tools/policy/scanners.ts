/**
 * The field's own scanners as a second gate: checkov over the synthesized Terraform JSON and
 * Kubernetes YAML, zizmor over the GitHub workflows. Their findings become policy findings (rule id =
 * the scanner's id, `CKV_AWS_144`, `zizmor/cache-poisoning`), suppressed by the same mechanism as
 * the project's rules: `suppress()` / `suppressK8s()` next to the resource, or for a workflow the
 * scanner's own comment with a reason, `# zizmor: ignore[cache-poisoning] why`.
 *
 * The scanners live in a locked Python environment (tools/scanners/pyproject.toml + uv.lock),
 * created on first use by uv (pinned, installed from PyPI into tools/scanners/.uv). Nothing here is
 * needed by `npm run synth`.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { kubernetesAddress, kubernetesObjects } from './kubernetes';
import { readTerraform } from './terraform';
import { SUPPRESSION_ANNOTATION, parseSuppressionAnnotation, readTerraformSuppressions, type SuppressionSet } from './suppressions';
import type { Finding, Severity } from './types';
import { isRecord, records, type JsonObject } from '../lib/terraform-json';
import { parseAllDocuments } from 'yaml';

/** uv release that creates the environment (from PyPI); the scanners' own versions are in uv.lock. */
export const UV_VERSION = '0.13.9';

export const SCANNERS_DIR = path.resolve(__dirname, '..', 'scanners');

export interface ScannerPaths {
  readonly dir: string;
  readonly lock: string;
  /** Bootstrap environment holding uv itself. */
  readonly uvHome: string;
  readonly uv: string;
  /** The scanners' environment, created by `uv sync --frozen`. */
  readonly venv: string;
  readonly checkov: string;
  readonly zizmor: string;
  /** Hash of the uv.lock the environment was created from. */
  readonly stamp: string;
}

export function scannerPaths(dir: string = SCANNERS_DIR): ScannerPaths {
  const venv = path.join(dir, '.venv');
  const bin = process.platform === 'win32' ? 'Scripts' : 'bin';
  return {
    dir,
    lock: path.join(dir, 'uv.lock'),
    uvHome: path.join(dir, '.uv'),
    uv: path.join(dir, '.uv', bin, 'uv'),
    venv,
    checkov: path.join(venv, bin, 'checkov'),
    zizmor: path.join(venv, bin, 'zizmor'),
    stamp: path.join(venv, '.uv-lock-sha256'),
  };
}

function lockHash(paths: ScannerPaths): string {
  return crypto.createHash('sha256').update(fs.readFileSync(paths.lock)).digest('hex');
}

/** True when the environment exists and was created from the current uv.lock. */
export function scannersReady(paths: ScannerPaths = scannerPaths()): boolean {
  if (!fs.existsSync(paths.checkov) || !fs.existsSync(paths.zizmor) || !fs.existsSync(paths.stamp)) return false;
  return fs.readFileSync(paths.stamp, 'utf8').trim() === lockHash(paths);
}

/** A step of setting up or running a scanner failed: the gate cannot run (exit 2), not a finding. */
export class ScannerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScannerError';
  }
}

function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.error) throw new ScannerError(`${path.basename(command)} could not be started: ${result.error.message}`);
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

/**
 * Creates the scanners' environment from uv.lock when it is missing or stale: uv itself into
 * `.uv` (a venv with `pip install uv==UV_VERSION`), then `uv sync --frozen`. Needs python3 >= 3.11.
 */
export function installScanners(log: (text: string) => void, paths: ScannerPaths = scannerPaths()): void {
  if (scannersReady(paths)) return;
  const python = process.env.PYTHON ?? 'python3';
  const uvOk = fs.existsSync(paths.uv) && run(paths.uv, ['--version']).stdout.includes(UV_VERSION);
  if (!uvOk) {
    log(`scanners: installing uv ${UV_VERSION} into ${path.relative(process.cwd(), paths.uvHome) || paths.uvHome}\n`);
    const venv = run(python, ['-m', 'venv', '--clear', paths.uvHome]);
    if (venv.status !== 0) throw new ScannerError(`scanners need ${python} (3.11 or 3.12) with the venv module: ${lastLine(venv.stderr)}`);
    const pip = run(path.join(path.dirname(paths.uv), 'pip'), ['install', '--quiet', '--disable-pip-version-check', `uv==${UV_VERSION}`]);
    if (pip.status !== 0) throw new ScannerError(`pip install uv==${UV_VERSION} failed: ${lastLine(pip.stderr)}`);
  }
  log('scanners: creating tools/scanners/.venv from uv.lock\n');
  const sync = run(paths.uv, ['sync', '--frozen', '--no-install-project', '--project', paths.dir], {
    env: { ...process.env, UV_PROJECT_ENVIRONMENT: paths.venv, UV_PYTHON_DOWNLOADS: 'never' },
  });
  if (sync.status !== 0) throw new ScannerError(`uv sync --frozen failed: ${lastLine(sync.stderr)}`);
  fs.writeFileSync(paths.stamp, `${lockHash(paths)}\n`);
}

// ---- checkov -------------------------------------------------------------------------------

export interface ScanInput {
  /** Absolute path. */
  readonly path: string;
  /** As shown in findings (relative to the working directory). */
  readonly file: string;
  readonly kind: 'terraform' | 'kubernetes';
}

/**
 * checkov 3.3.30's terraform_json parser rejects a non-object value directly under `terraform`
 * (cdktf writes `required_version` there: "this method receives only dicts"), so it reads a copy
 * without those. The copy is written with two-space indentation, so a block starts on the line of
 * its `"NAME": {` key at depth 3 (`resource` > TYPE > NAME): that line maps checkov's result to the
 * Terraform address, whatever checkov names the resource.
 */
export function checkovCopy(json: JsonObject): { text: string; addressAtLine: Map<number, string> } {
  const copy: JsonObject = { ...json };
  if (isRecord(copy.terraform)) copy.terraform = Object.fromEntries(Object.entries(copy.terraform).filter(([, value]) => isRecord(value) || Array.isArray(value)));
  const text = JSON.stringify(copy, null, 2);
  const addressAtLine = new Map<number, string>();
  let section = '';
  let type = '';
  text.split('\n').forEach((line, i) => {
    const match = /^( *)("(?:[^"\\]|\\.)*"): [{[]/.exec(line);
    if (!match) return;
    const depth = match[1].length / 2;
    const key = JSON.parse(match[2]) as string;
    if (depth === 1) section = key;
    else if (depth === 2) type = key;
    else if (depth === 3 && (section === 'resource' || section === 'data')) addressAtLine.set(i + 1, section === 'data' ? `data.${type}.${key}` : `${type}.${key}`);
  });
  return { text, addressAtLine };
}

interface CheckovResult {
  readonly check_id: string;
  readonly check_name: string;
  readonly resource: string;
  readonly file_path: string;
  readonly file_line_range: readonly number[];
  readonly guideline?: string | null;
}

interface StagedFile {
  readonly input: ScanInput;
  readonly addressAtLine?: Map<number, string>;
  readonly suppressions: Map<string, SuppressionSet>;
}

function terraformSuppressions(json: unknown, file: string): Map<string, SuppressionSet> {
  const map = new Map<string, SuppressionSet>();
  for (const block of readTerraform(json, file).blocks) map.set(block.address, readTerraformSuppressions(block.body));
  return map;
}

function kubernetesSuppressions(text: string): Map<string, SuppressionSet> {
  const map = new Map<string, SuppressionSet>();
  const values = parseAllDocuments(text).flatMap((document) => (document.errors.length > 0 ? [] : [document.toJS() as unknown]));
  for (const object of kubernetesObjects(values)) {
    const annotations = isRecord(object.metadata) && isRecord(object.metadata.annotations) ? object.metadata.annotations : {};
    map.set(kubernetesAddress(object), parseSuppressionAnnotation(annotations[SUPPRESSION_ANNOTATION]));
  }
  return map;
}

/** checkov's Kubernetes resource id `Kind.namespace.name` (names may hold dots) as `Kind/namespace/name`. */
export function checkovKubernetesAddress(resource: string): string {
  const [kind, namespace, ...name] = resource.split('.');
  return `${kind}/${namespace || 'default'}/${name.join('.')}`;
}

function scannerFinding(ruleId: string, severity: Severity, address: string, file: string, message: string, suppressions: SuppressionSet | undefined): Finding {
  const reason = suppressions?.valid.get(ruleId);
  return { ruleId, severity, address, file, message, suppressed: reason !== undefined, ...(reason !== undefined ? { suppressionReason: reason } : {}) };
}

/** Runs checkov once over staged copies of `inputs`; returns its failed checks as findings. */
export function runCheckov(inputs: readonly ScanInput[], paths: ScannerPaths = scannerPaths()): Finding[] {
  if (inputs.length === 0) return [];
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-checkov-'));
  try {
    const staged = new Map<string, StagedFile>();
    inputs.forEach((input, i) => {
      const text = fs.readFileSync(input.path, 'utf8');
      // Flat, numbered names: checkov reports paths relative to the scanned directory.
      const name = `${String(i).padStart(4, '0')}-${path.basename(input.path)}`;
      if (input.kind === 'terraform') {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          return; // a POLICY-002 finding of the project's rules already
        }
        if (!isRecord(json)) return;
        const { text: copy, addressAtLine } = checkovCopy(json);
        fs.writeFileSync(path.join(root, name), copy);
        staged.set(name, { input, addressAtLine, suppressions: terraformSuppressions(json, input.file) });
      } else {
        fs.writeFileSync(path.join(root, name), text);
        staged.set(name, { input, suppressions: kubernetesSuppressions(text) });
      }
    });
    const result = run(paths.checkov, ['-d', root, '--framework', 'terraform_json', 'kubernetes', '-o', 'json', '--quiet', '--compact', '--skip-download', '--skip-results-upload'], {
      env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false', LOG_LEVEL: 'ERROR' },
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(result.stdout);
    } catch {
      throw new ScannerError(`checkov did not print a JSON report (exit ${result.status}): ${lastLine(result.stderr || result.stdout)}`);
    }
    const reports = (Array.isArray(parsed) ? parsed : [parsed]).filter(isRecord);
    const findings: Finding[] = [];
    for (const report of reports) {
      const parsing = isRecord(report.results) ? report.results.parsing_errors : isRecord(report) ? report.parsing_errors : undefined;
      const parsingErrors = Array.isArray(parsing) ? parsing : [];
      for (const file of parsingErrors) {
        const name = path.basename(String(file));
        const input = staged.get(name)?.input;
        findings.push(scannerFinding('POLICY-002', 'error', '-', input?.file ?? String(file), 'checkov could not parse this file, so it checked nothing in it', undefined));
      }
      const failed = isRecord(report.results) ? records(report.results.failed_checks) : [];
      for (const raw of failed as unknown as CheckovResult[]) {
        const name = path.basename(raw.file_path);
        const file = staged.get(name);
        if (!file) continue;
        const address = file.addressAtLine ? (file.addressAtLine.get(raw.file_line_range[0]) ?? raw.resource) : checkovKubernetesAddress(raw.resource);
        const message = `checkov: ${raw.check_name}${raw.guideline ? ` (${raw.guideline})` : ''}`;
        findings.push(scannerFinding(raw.check_id, 'error', address, file.input.file, message, file.suppressions.get(address)));
      }
    }
    return findings;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

// ---- zizmor --------------------------------------------------------------------------------

interface ZizmorLocation {
  readonly symbolic: { readonly key: { readonly Local?: { readonly verbatim_path: string } }; readonly annotation: string; readonly route: { readonly route: readonly JsonObject[] }; readonly kind: string };
  readonly concrete: { readonly location: { readonly start_point: { readonly row: number } }; readonly comments: readonly string[] };
}

interface ZizmorFinding {
  readonly ident: string;
  readonly desc: string;
  readonly url: string;
  readonly determinations: { readonly severity: string; readonly confidence: string };
  readonly locations: readonly ZizmorLocation[];
}

/** `jobs.release.steps[1].uses` from zizmor's symbolic route. */
function routeAddress(route: readonly JsonObject[]): string {
  return route.map((part, i) => ('Index' in part ? `[${String(part.Index)}]` : `${i === 0 ? '' : '.'}${String(part.Key)}`)).join('') || '-';
}

/**
 * Suppressions in zizmor's own comment syntax, with a reason after it (required here):
 * `# zizmor: ignore[cache-poisoning, self-repository] why`. zizmor honours the same comment when run alone.
 */
export function zizmorSuppressions(comments: readonly string[]): { valid: Map<string, string>; problems: string[] } {
  const valid = new Map<string, string>();
  const problems: string[] = [];
  for (const comment of comments) {
    const match = /zizmor:\s*ignore\[([^\]]*)\]\s*(.*)$/.exec(comment);
    if (!match) continue;
    const reason = match[2].trim();
    for (const ident of match[1].split(',').map((item) => item.trim()).filter(Boolean)) {
      if (reason === '') problems.push(`suppression of zizmor/${ident} gives no reason (write it after the bracket)`);
      else valid.set(`zizmor/${ident}`, reason);
    }
  }
  return { valid, problems };
}

const ZIZMOR_SEVERITY: Readonly<Record<string, Severity>> = { High: 'error', Medium: 'error', Low: 'warning', Informational: 'warning', Unknown: 'warning' };

/** Runs zizmor (offline: no GitHub API) over workflow files or directories; every audit of the regular persona. */
export function runZizmor(targets: readonly string[], cwd: string, paths: ScannerPaths = scannerPaths()): Finding[] {
  if (targets.length === 0) return [];
  // --no-ignores: ignored findings are reported too and resolved here, so a comment without a reason fails.
  const result = run(paths.zizmor, ['--offline', '--no-ignores', '--format', 'json', '--quiet', ...targets], { cwd });
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new ScannerError(`zizmor did not print a JSON report (exit ${result.status}): ${lastLine(result.stderr)}`);
  }
  if (!Array.isArray(parsed)) throw new ScannerError('zizmor printed JSON that is not a list of findings');
  const findings: Finding[] = [];
  for (const item of parsed as ZizmorFinding[]) {
    const primary = item.locations.find((location) => location.symbolic.kind === 'Primary') ?? item.locations[0];
    if (!primary) continue;
    const file = primary.symbolic.key.Local?.verbatim_path ?? '-';
    const address = routeAddress(primary.symbolic.route.route);
    const line = primary.concrete.location.start_point.row + 1;
    const comments = item.locations.filter((location) => location.symbolic.kind !== 'Related').flatMap((location) => location.concrete.comments);
    const { valid, problems } = zizmorSuppressions(comments);
    const ruleId = `zizmor/${item.ident}`;
    const message = `zizmor (${item.determinations.severity.toLowerCase()}, line ${line}): ${item.desc}: ${primary.symbolic.annotation} (${item.url})`;
    findings.push(scannerFinding(ruleId, ZIZMOR_SEVERITY[item.determinations.severity] ?? 'error', address, file, message, { valid, problems: [] }));
    for (const problem of problems) findings.push({ ruleId: 'POLICY-001', severity: 'error', address, file, message: problem, suppressed: false });
  }
  return findings;
}

export interface ScanTimings {
  readonly checkovSeconds: number;
  readonly zizmorSeconds: number;
}

/** Both scanners; returns their findings and how long each took. */
export function runScanners(inputs: readonly ScanInput[], workflows: readonly string[], cwd: string, paths: ScannerPaths = scannerPaths()): { findings: Finding[]; timings: ScanTimings } {
  const started = process.hrtime.bigint();
  const checkov = runCheckov(inputs, paths);
  const middle = process.hrtime.bigint();
  const zizmor = runZizmor(workflows, cwd, paths);
  const ended = process.hrtime.bigint();
  return {
    findings: [...checkov, ...zizmor],
    timings: { checkovSeconds: Number(middle - started) / 1e9, zizmorSeconds: Number(ended - middle) / 1e9 },
  };
}
