import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { PolicyInputError, checkTerraform, formatJson, formatSummary, formatText, runPolicy } from '../../../tools/policy';
import { firstContainer, hpa, modified, pdb, ref, secureBucket, secureStack, tf, workload, type Json } from './fixtures';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-run-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(relative: string, content: Json | Json[] | string): string {
  const file = path.join(dir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const text =
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? content.map((object) => stringify(object)).join('---\n')
        : JSON.stringify(content, null, 2);
  fs.writeFileSync(file, text);
  return file;
}

const brief = (report: ReturnType<typeof runPolicy>): string[] =>
  report.findings.map((f) => `${f.ruleId} ${f.address} ${path.relative(dir, path.resolve(dir, f.file))}${f.suppressed ? ' (suppressed)' : ''}`);

describe('runPolicy', () => {
  it('walks directories for *.tf.json, *.yaml and *.yml, skipping node_modules and .terraform', () => {
    write('cdktf.out/stacks/dev-data/cdk.tf.json', secureStack());
    write('cdktf.out/manifest.json', '{"not": "terraform"}');
    write('cdktf.out/stacks/dev-data/.terraform/modules/x.tf.json', '{ broken');
    write('node_modules/pkg/cdk.tf.json', '{ broken');
    write('dist/k8s/dev/app.yaml', [workload()]);
    write('dist/k8s/dev/job.yml', [workload({ kind: 'Job', name: 'validate' })]);
    write('dist/k8s/dev/README.md', '# not an input');
    const report = runPolicy([path.join(dir, 'cdktf.out'), path.join(dir, 'dist')], { cwd: dir });
    expect(report.files).toEqual(['cdktf.out/stacks/dev-data/cdk.tf.json', 'dist/k8s/dev/app.yaml', 'dist/k8s/dev/job.yml']);
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('names the file of every finding, since stacks can share addresses', () => {
    const insecure = tf({ aws_db_instance: { db: { storage_encrypted: false } } });
    write('stacks/dev-data/cdk.tf.json', insecure);
    write('stacks/prod-data/cdk.tf.json', insecure);
    const report = runPolicy([dir], { cwd: dir });
    const encryption = report.findings.filter((f) => f.ruleId === 'AWS-RDS-001');
    expect(encryption.map((f) => `${f.address} ${f.file}`)).toEqual([
      'aws_db_instance.db stacks/dev-data/cdk.tf.json',
      'aws_db_instance.db stacks/prod-data/cdk.tf.json',
    ]);
  });

  it('matches PDBs and HPAs across files and embedded manifests of one run', () => {
    write('k8s/deployment.yaml', [workload({ name: 'api' }), workload({ name: 'worker', replicas: 3 })]);
    write('k8s/hpa.yaml', [hpa('api', 'ml', { kind: 'Deployment', name: 'api' })]);
    // The worker's PDB is applied through Terraform as a kubernetes_manifest.
    write('stacks/dev-workloads/cdk.tf.json', tf({ kubernetes_manifest: { worker_pdb: { manifest: pdb('worker', 'ml', { matchLabels: { app: 'worker' } }) } } }));
    expect(brief(runPolicy([dir], { cwd: dir }))).toEqual(['K8S-AVL-001 Deployment/ml/api k8s/deployment.yaml']);

    write('k8s/pdb.yaml', [pdb('api', 'ml', { matchLabels: { app: 'api' } })]);
    expect(brief(runPolicy([dir], { cwd: dir }))).toEqual([]);
  });

  it('checks objects embedded in kubernetes_manifest resources with the Kubernetes rules', () => {
    const deployment = workload({ name: 'mlflow', replicas: 2 });
    write(
      'stacks/dev-workloads/cdk.tf.json',
      tf({
        kubernetes_manifest: {
          mlflow: { manifest: { ...deployment, spec: { ...(deployment.spec as Json), template: { metadata: { labels: { app: 'mlflow' } }, spec: { containers: [{ name: 'mlflow', image: 'mlflow' }] } } } } },
        },
      }),
    );
    const report = runPolicy([dir], { cwd: dir });
    const ids = [...new Set(report.findings.map((f) => f.ruleId))].sort();
    expect(ids).toEqual(['K8S-AVL-001', 'K8S-IMG-001', 'K8S-PRB-001', 'K8S-PRB-002', 'K8S-RES-001', 'K8S-RES-002', 'K8S-SEC-002', 'K8S-SEC-003', 'K8S-SEC-004', 'K8S-SEC-007', 'K8S-SEC-008', 'K8S-SEC-009']);
    expect(new Set(report.findings.map((f) => `${f.address} ${f.resource}`))).toEqual(new Set(['Deployment/ml/mlflow kubernetes_manifest.mlflow']));
  });

  it('reports unparseable files as POLICY-002 and still checks the other documents', () => {
    write('a.tf.json', '{ "resource": ');
    write('b.yaml', `${stringify(workload({ name: 'ok' }))}---\nkind: [\n`);
    const report = runPolicy([dir], { cwd: dir });
    expect(brief(report)).toEqual(['POLICY-002 - a.tf.json', 'POLICY-002 - b.yaml']);
    expect(report.ok).toBe(false);
  });

  it('accepts single files, including *.json named explicitly', () => {
    const file = write('plan/stack.json', tf({ aws_vpc: { main: {} } }));
    expect(brief(runPolicy([file], { cwd: dir }))).toEqual(['AWS-VPC-001 aws_vpc.main plan/stack.json']);
  });

  it('throws PolicyInputError for a missing path unless told to skip it, and for a non-input file', () => {
    expect(() => runPolicy([path.join(dir, 'nope')])).toThrow(PolicyInputError);
    expect(() => runPolicy([path.join(dir, 'nope')])).toThrow(/path not found/);
    expect(runPolicy([path.join(dir, 'nope')], { ignoreMissingPaths: true }).files).toEqual([]);
    const readme = write('README.md', '# hi');
    expect(() => runPolicy([readme])).toThrow(/not a Terraform JSON/);
  });

  it('orders errors, then warnings, then suppressed findings, and counts them in the summary', () => {
    write(
      'cdk.tf.json',
      tf({
        aws_db_instance: {
          db: { storage_encrypted: true, manage_master_user_password: true, backup_retention_period: 1, deletion_protection: false },
          old: { storage_encrypted: false, manage_master_user_password: true, backup_retention_period: 1, deletion_protection: true, '//': { policy_suppressions: { 'AWS-RDS-001': 'legacy, migrating in Q3' } } },
        },
        aws_cloudwatch_log_group: { app: { kms_key_id: ref('aws_kms_key', 'logs', 'arn') } },
        ...secureBucket('x'),
        aws_s3_bucket_versioning: {},
      }),
    );
    const report = runPolicy([dir], { cwd: dir });
    expect(report.findings.map((f) => `${f.ruleId} ${f.severity}${f.suppressed ? ' suppressed' : ''}`)).toEqual([
      'AWS-S3-003 error',
      'AWS-LOG-001 warning',
      'AWS-RDS-005 warning',
      'AWS-RDS-001 error suppressed',
    ]);
    expect(report.summary).toEqual({ findings: 3, errors: 1, warnings: 2, suppressed: 1, files: 1 });
    expect(formatText(report).trim().split('\n')).toEqual([
      'AWS-S3-003  aws_s3_bucket.x  has no aws_s3_bucket_versioning referencing it in this file (cdk.tf.json)',
      'AWS-LOG-001  aws_cloudwatch_log_group.app  [warning] retention_in_days is not set: logs are kept forever (cdk.tf.json)',
      'AWS-RDS-005  aws_db_instance.db  [warning] deletion_protection is not true (cdk.tf.json)',
      'AWS-RDS-001  aws_db_instance.old  [suppressed: legacy, migrating in Q3] storage_encrypted is not true (cdk.tf.json)',
      '3 findings (1 error, 2 warnings), 1 suppressed in 1 file',
    ]);
    const json = JSON.parse(formatJson(report));
    expect(json.ok).toBe(false);
    expect(json.summary).toEqual(report.summary);
    expect(json.findings[3]).toEqual(expect.objectContaining({ ruleId: 'AWS-RDS-001', suppressed: true, suppressionReason: 'legacy, migrating in Q3' }));
    expect(json.rules.map((r: { id: string }) => r.id)).toEqual(['AWS-LOG-001', 'AWS-RDS-001', 'AWS-RDS-005', 'AWS-S3-003']);
  });

  it('reads each file once when paths overlap', () => {
    write('a/cdk.tf.json', tf({ aws_vpc: { main: {} } }));
    write('b/app.yaml', [workload()]);
    const report = runPolicy([dir, path.join(dir, 'a'), path.join(dir, 'a/cdk.tf.json')], { cwd: dir });
    expect(report.files).toEqual(['a/cdk.tf.json', 'b/app.yaml']);
    expect(brief(report)).toEqual(['AWS-VPC-001 aws_vpc.main a/cdk.tf.json']);
  });
});

describe('runPolicy: inputs that are not what they claim', () => {
  const ALIAS_BOMB = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]', ''].join('\n');

  it('reports YAML that parses but does not convert (unresolved alias, alias bomb) as POLICY-002, per document', () => {
    write('k8s/alias.yaml', `${stringify(workload({ name: 'kept' }))}---\nspec: *missing\n`);
    write('k8s/bomb.yaml', ALIAS_BOMB);
    write('k8s/fine.yaml', [workload({ name: 'fine' })]);
    const report = runPolicy([dir], { cwd: dir });
    expect(brief(report)).toEqual(['POLICY-002 - k8s/alias.yaml', 'POLICY-002 - k8s/bomb.yaml']);
    expect(report.findings[0].message).toMatch(/^invalid YAML \(document 2\): Unresolved alias .*missing$/);
    expect(report.findings[1].message).toMatch(/^invalid YAML \(document 1\): Excessive alias count/);
    expect(report.files).toEqual(['k8s/alias.yaml', 'k8s/bomb.yaml', 'k8s/fine.yaml']);
    // The other documents of the file are still checked.
    write('k8s/alias.yaml', `${stringify(modified(workload({ name: 'kept' }), (w) => { firstContainer(w).image = 'nginx'; }))}---\nspec: *missing\n`);
    expect(brief(runPolicy([path.join(dir, 'k8s/alias.yaml')], { cwd: dir }))).toEqual(['POLICY-002 - k8s/alias.yaml', 'K8S-IMG-001 Deployment/ml/kept k8s/alias.yaml']);
  });

  it.each([
    ['package.json', { name: 'platform', version: '1.0.0', scripts: {} }, /^not Terraform JSON: none of the top-level keys resource, data, .* \(found "name", "version", "scripts"\)$/],
    ['dev-data.plan.json', { format_version: '1.2', terraform_version: '1.9.5', planned_values: {}, resource_changes: [] }, /^not Terraform JSON: this is `terraform show -json` output/],
    ['list.json', [{ resource: {} }], /^not Terraform JSON: the root is an array, not an object$/],
    ['scalar.tf.json', 'null', /^not Terraform JSON: the root is null, not an object$/],
    ['empty.tf.json', {}, /\(the object is empty\)$/],
  ])('reports %s, named explicitly, as POLICY-002 "not Terraform JSON"', (name, content, message) => {
    const file = write(name, typeof content === 'string' ? content : JSON.stringify(content));
    const report = runPolicy([file], { cwd: dir });
    expect(report.findings).toEqual([expect.objectContaining({ ruleId: 'POLICY-002', address: '-', file: name, severity: 'error', suppressed: false })]);
    expect(report.findings[0].message).toMatch(message);
    expect(report.ok).toBe(false);
  });

  it('accepts Terraform JSON with any of the top-level blocks, not only resources', () => {
    for (const [i, key] of ['resource', 'data', 'terraform', 'provider', 'module', 'locals', 'output', 'variable'].entries()) {
      write(`f${i}.tf.json`, { [key]: {} });
    }
    const report = runPolicy([dir], { cwd: dir });
    expect(report.files).toHaveLength(8);
    expect(report.findings).toEqual([]);
  });

  it('skips the staging and previous directories of an interrupted synth when walking, but reads one named explicitly', () => {
    write('project/cdktf.out/stacks/dev-data/cdk.tf.json', secureStack());
    write('project/.cdktf.out.staging-4242-abc123/stacks/dev-data/cdk.tf.json', '{ half-written');
    write('project/cdktf.out.previous-4242/stacks/dev-data/cdk.tf.json', tf({ aws_vpc: { old: {} } }));
    write('project/dist/k8s/dev/app.yaml', [workload()]);
    write('project/dist/.k8s.staging-4242-def456/dev/app.yaml', 'kind: [');
    write('project/dist/k8s.previous-4242/dev/app.yaml', [workload({ name: 'old', replicas: 3 })]);
    // Not staging directories: a visible name containing "staging-", and a hidden one without it.
    write('project/dist/k8s/staging-overlay/app.yaml', [workload({ name: 'overlay' })]);
    const report = runPolicy([path.join(dir, 'project')], { cwd: path.join(dir, 'project') });
    expect(report.files).toEqual(['cdktf.out/stacks/dev-data/cdk.tf.json', 'dist/k8s/dev/app.yaml', 'dist/k8s/staging-overlay/app.yaml']);
    expect(report.findings).toEqual([]);

    // The synth entry point checks its own staging directory by naming it.
    const staging = write('stage/.cdktf.out.staging-1-x/stacks/s/cdk.tf.json', tf({ aws_vpc: { main: {} } }));
    expect(brief(runPolicy([path.dirname(path.dirname(staging))], { cwd: dir }))).toEqual(['AWS-VPC-001 aws_vpc.main stage/.cdktf.out.staging-1-x/stacks/s/cdk.tf.json']);
  });
});

describe('runPolicy: one Kubernetes object read from several files', () => {
  const unpinned = (): Json => modified(workload({ name: 'server' }), (w) => { firstContainer(w).image = 'nginx'; delete firstContainer(w).livenessProbe; });

  it('reports a finding once, naming the YAML and the kubernetes_manifest holding the object', () => {
    write('dist/k8s/dev/server.yaml', [unpinned()]);
    write('cdktf.out/stacks/dev-workloads/cdk.tf.json', tf({ kubernetes_manifest: { server: { manifest: unpinned() } } }));
    const report = runPolicy([path.join(dir, 'cdktf.out'), path.join(dir, 'dist')], { cwd: dir });
    const files = ['cdktf.out/stacks/dev-workloads/cdk.tf.json', 'dist/k8s/dev/server.yaml'];
    expect(report.findings).toEqual([
      expect.objectContaining({ ruleId: 'K8S-IMG-001', address: 'Deployment/ml/server', file: files.join(', '), files, resource: 'kubernetes_manifest.server', severity: 'error' }),
      expect.objectContaining({ ruleId: 'K8S-PRB-002', address: 'Deployment/ml/server', file: files.join(', '), files, severity: 'warning' }),
    ]);
    expect(report.summary).toEqual({ findings: 2, errors: 1, warnings: 1, suppressed: 0, files: 2 });
    expect(formatText(report)).toContain(
      'K8S-IMG-001  Deployment/ml/server  container "app" image "nginx" has no tag (cdktf.out/stacks/dev-workloads/cdk.tf.json, dist/k8s/dev/server.yaml)\n',
    );
    expect(JSON.parse(formatJson(report)).findings[0].files).toEqual(files);
  });

  it('keeps findings apart when their messages or suppressions differ, and does not merge Terraform addresses', () => {
    const suppressedInTerraform = { manifest: unpinned(), '//': { policy_suppressions: { 'K8S-IMG-001': 'mirrored image, pinned by the registry' } } };
    write('dist/k8s/dev/server.yaml', [modified(unpinned(), (w) => { firstContainer(w).image = 'httpd'; })]);
    write('stacks/dev-workloads/cdk.tf.json', tf({ kubernetes_manifest: { server: suppressedInTerraform } }));
    const report = runPolicy([dir], { cwd: dir });
    expect(brief(report).filter((line) => line.startsWith('K8S-IMG-001'))).toEqual([
      'K8S-IMG-001 Deployment/ml/server dist/k8s/dev/server.yaml',
      'K8S-IMG-001 Deployment/ml/server stacks/dev-workloads/cdk.tf.json (suppressed)',
    ]);
    expect(report.findings.filter((f) => f.ruleId === 'K8S-PRB-002').map((f) => f.file)).toEqual(['dist/k8s/dev/server.yaml, stacks/dev-workloads/cdk.tf.json']);
    expect(report.findings.every((f) => f.files === undefined || f.files.length === 2)).toBe(true);
  });
});

describe('formatSummary', () => {
  it('says 1 finding, 1 error, 1 warning, 1 file in the singular', () => {
    const summary = (findings: number, errors: number, warnings: number, suppressed: number, files: number) =>
      formatSummary({ files: [], findings: [], ok: findings === 0, summary: { findings, errors, warnings, suppressed, files } });
    expect(summary(1, 0, 1, 0, 1)).toBe('1 finding (0 errors, 1 warning), 0 suppressed in 1 file');
    expect(summary(2, 1, 1, 1, 1)).toBe('2 findings (1 error, 1 warning), 1 suppressed in 1 file');
    expect(summary(0, 0, 0, 0, 2)).toBe('0 findings (0 errors, 0 warnings), 0 suppressed in 2 files');
  });
});

describe('checkTerraform cross-resource details', () => {
  it('matches S3 companions by literal bucket name, and only in the same file', () => {
    const bucket = { aws_s3_bucket: { data: { bucket: 'mlops-raw' } } };
    const byName = tf({
      ...bucket,
      aws_s3_bucket_public_access_block: { data: { bucket: 'mlops-raw', block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true } },
      aws_s3_bucket_server_side_encryption_configuration: { data: { bucket: 'mlops-raw', rule: { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' } } } },
      aws_s3_bucket_versioning: { data: { bucket: 'mlops-raw', versioning_configuration: { status: 'Enabled' } } },
    });
    expect(checkTerraform(byName, 'a.tf.json')).toEqual([]);
    expect(checkTerraform(tf(bucket), 'a.tf.json').map((f) => f.ruleId)).toEqual(['AWS-S3-001', 'AWS-S3-002', 'AWS-S3-003']);
  });

  it('a flow log of another VPC does not count', () => {
    const doc = tf({ aws_vpc: { a: {}, b: {} }, aws_flow_log: { a: { vpc_id: ref('aws_vpc', 'a') } } });
    expect(checkTerraform(doc, 'x.tf.json').map((f) => f.address)).toEqual(['aws_vpc.b']);
  });

  it('explains why HTTPS from anywhere failed on an untagged group', () => {
    const doc = tf({ aws_security_group: { web: { ingress: [{ from_port: 443, to_port: 443, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }] } } });
    expect(checkTerraform(doc, 'x.tf.json')[0].message).toBe(
      'ingress[0] allows ingress from 0.0.0.0/0 on tcp 443 (only groups tagged platform:role=load-balancer may take 80/443 from anywhere)',
    );
  });
});
