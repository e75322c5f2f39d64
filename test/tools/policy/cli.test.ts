import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { runCli } from '../../../tools/policy/command';
import { ref, secureDb, secureStack, tf, workload, type Json } from './fixtures';

const repo = path.resolve(__dirname, '..', '..', '..');
const runTs = path.join(repo, 'tools', 'run-ts.js');
const cli = path.join(repo, 'tools', 'policy', 'cli.ts');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-cli-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(relative: string, text: string): void {
  const file = path.join(dir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** The real command, as `npm run policy` runs it (project rules only: scanners.test.ts covers the scanners). */
function policy(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [runTs, cli, '--no-scanners', ...args], { cwd: dir, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The same command in-process, for the cheap cases. */
function inProcess(...args: string[]): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const status = runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: dir, scannersReady: () => false });
  return { status, stdout, stderr };
}

const insecureStack = (): Json =>
  tf({
    aws_db_instance: { mlflow: { ...secureDb, storage_encrypted: false, password: 'hunter2', manage_master_user_password: undefined } },
    aws_security_group: { bastion: { ingress: [{ from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }] } },
    aws_s3_bucket: { raw: { bucket: 'mlops-raw' } },
    aws_iam_policy: { admin: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) } },
    aws_eks_cluster: { main: { vpc_config: { subnet_ids: ['subnet-1'] } } },
    aws_cloudwatch_log_group: { app: { retention_in_days: 7, kms_key_id: ref('aws_kms_key', 'logs', 'arn') } },
  });

describe('npm run policy (child process)', () => {
  it('exits 1 on an insecure stack and names every offending address', () => {
    write('cdktf.out/stacks/dev-data/cdk.tf.json', JSON.stringify(insecureStack()));
    const { status, stdout, stderr } = policy('cdktf.out');
    expect(stderr).toBe('');
    expect(status).toBe(1);
    const lines = stdout.trim().split('\n');
    for (const [rule, address] of [
      ['AWS-RDS-001', 'aws_db_instance.mlflow'],
      ['AWS-RDS-003', 'aws_db_instance.mlflow'],
      ['AWS-SG-001', 'aws_security_group.bastion'],
      ['AWS-S3-001', 'aws_s3_bucket.raw'],
      ['AWS-IAM-001', 'aws_iam_policy.admin'],
      ['AWS-EKS-001', 'aws_eks_cluster.main'],
      ['AWS-EKS-002', 'aws_eks_cluster.main'],
    ]) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${rule}  ${address.replace('.', '\\.')}  .+ \\(cdktf\\.out/stacks/dev-data/cdk\\.tf\\.json\\)$`)));
    }
    expect(lines[lines.length - 1]).toMatch(/^\d+ findings \(\d+ errors, 0 warnings\), 0 suppressed in 1 file$/);
    expect(lines.some((line) => line.startsWith('aws_cloudwatch_log_group'))).toBe(false);
  });

  it('exits 0 on secure default paths (cdktf.out and dist/k8s)', () => {
    write('cdktf.out/stacks/dev-data/cdk.tf.json', JSON.stringify(secureStack()));
    write('dist/k8s/dev/server.yaml', stringify(workload()));
    const { status, stdout } = policy();
    expect(stdout).toBe('0 findings (0 errors, 0 warnings), 0 suppressed in 2 files\n');
    expect(status).toBe(0);
  });

  it('--format json prints one parseable document', () => {
    write('stack.tf.json', JSON.stringify(insecureStack()));
    const { status, stdout } = policy('--format', 'json', 'stack.tf.json');
    expect(status).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.ok).toBe(false);
    expect(report.files).toEqual(['stack.tf.json']);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ ruleId: 'AWS-SG-001', address: 'aws_security_group.bastion', file: 'stack.tf.json', severity: 'error', suppressed: false }),
    );
    expect(report.rules.find((r: { id: string }) => r.id === 'AWS-SG-001')).toEqual(expect.objectContaining({ checkov: ['CKV_AWS_24', 'CKV_AWS_25', 'CKV_AWS_277'] }));
  });
});

describe('npm run policy on broken input (child process)', () => {
  it('reports YAML that does not convert as POLICY-002, without a stack trace', () => {
    write('dist/k8s/dev/alias.yaml', 'kind: Deployment\nspec: *missing\n');
    write('dist/k8s/dev/server.yaml', stringify(workload()));
    const { status, stdout, stderr } = policy();
    expect(stderr).toBe('');
    expect(status).toBe(1);
    expect(stdout).toBe(
      'POLICY-002  -  invalid YAML (document 1): Unresolved alias (the anchor must be set before the alias): missing (dist/k8s/dev/alias.yaml)\n' +
        '1 finding (1 error, 0 warnings), 0 suppressed in 2 files\n',
    );
  });

  it('reports a plan named as input as POLICY-002 "not Terraform JSON"', () => {
    write('plan.json', JSON.stringify({ format_version: '1.2', terraform_version: '1.9.5', planned_values: {}, resource_changes: [] }));
    const { status, stdout } = policy('plan.json');
    expect(status).toBe(1);
    expect(stdout).toMatch(/^POLICY-002  -  not Terraform JSON: this is `terraform show -json` output .*\(plan\.json\)\n/);
  });
});

describe('runCli', () => {
  it('reports an unexpected error in one line and exits 2', () => {
    write('stack.tf.json', JSON.stringify(secureStack()));
    let stderr = '';
    const status = runCli(['stack.tf.json'], {
      stdout: () => {
        throw Object.assign(new Error('write EPIPE\n    at afterWriteDispatched (node:internal/stream_base_commons:1:1)'), { code: 'EPIPE' });
      },
      stderr: (text) => (stderr += text),
      cwd: dir,
      scannersReady: () => false,
    });
    expect(status).toBe(2);
    expect(stderr).toBe('policy: unexpected error: write EPIPE\n');
  });


  it('exits 1 when only warnings remain (DESIGN.md: any unsuppressed finding fails)', () => {
    write('stack.tf.json', JSON.stringify(tf({ aws_db_instance: { db: { ...secureDb, deletion_protection: false } } })));
    const { status, stdout } = inProcess('stack.tf.json');
    expect(status).toBe(1);
    expect(stdout).toBe(
      'AWS-RDS-005  aws_db_instance.db  [warning] deletion_protection is not true (stack.tf.json)\n1 finding (0 errors, 1 warning), 0 suppressed in 1 file\n',
    );
    const json = JSON.parse(inProcess('--format', 'json', 'stack.tf.json').stdout);
    expect(json.ok).toBe(false);
    expect(json.findings).toEqual([expect.objectContaining({ ruleId: 'AWS-RDS-005', severity: 'warning', suppressed: false })]);
  });

  it('exits 0 when the only warning is suppressed', () => {
    write('stack.tf.json', JSON.stringify(tf({ aws_db_instance: { db: { ...secureDb, deletion_protection: false, '//': { policy_suppressions: { 'AWS-RDS-005': 'dev is disposable' } } } } })));
    const { status, stdout } = inProcess('stack.tf.json');
    expect(status).toBe(0);
    expect(stdout).toContain('0 findings (0 errors, 0 warnings), 1 suppressed in 1 file\n');
  });

  it('exits 0 when every error is suppressed', () => {
    write('stack.tf.json', JSON.stringify(tf({ aws_vpc: { legacy: { '//': { policy_suppressions: { 'AWS-VPC-001': 'imported, owned by the network team' } } } } })));
    expect(inProcess('--format=text', 'stack.tf.json')).toEqual({
      status: 0,
      stdout: 'AWS-VPC-001  aws_vpc.legacy  [suppressed: imported, owned by the network team] no aws_flow_log in this file has vpc_id referencing it (stack.tf.json)\n0 findings (0 errors, 0 warnings), 1 suppressed in 1 file\n',
      stderr: '',
    });
  });

  it.each([
    [['missing'], /path not found: missing/],
    [['--format', 'xml'], /--format must be text or json, got "xml"/],
    [['--format'], /--format must be text or json, got nothing/],
    [['--verbose'], /unknown option --verbose/],
    [[], /none of the default paths exist \(cdktf\.out, dist\/k8s/],
  ])('exits 2 for %j', (args, message) => {
    const { status, stdout, stderr } = inProcess(...args);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('exits 2 when a directory holds no input files', () => {
    write('cdktf.out/manifest.json', '{}');
    const { status, stderr } = inProcess();
    expect(status).toBe(2);
    expect(stderr).toMatch(/no \*\.tf\.json, \*\.yaml or \*\.yml files found in cdktf\.out/);
  });

  it('prints usage for --help', () => {
    expect(inProcess('--help')).toEqual(expect.objectContaining({ status: 0, stdout: expect.stringMatching(/^usage: npm run -s policy/) }));
  });
});
