import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  ScannerError,
  checkovCopy,
  checkovKubernetesAddress,
  runCheckov,
  runZizmor,
  scannerPaths,
  scannersReady,
  zizmorSuppressions,
  type ScannerPaths,
} from '../../../tools/policy/scanners';
import { findRule, isSuppressible } from '../../../tools/policy/rules';
import { suppressionProblem } from '../../../tools/policy/suppressions';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-scanners-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** cdktf's shape: `required_version` is a string under `terraform`, which checkov 3.3.30's parser rejects. */
const stack = {
  terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' } }, required_version: '>= 1.11.0' },
  resource: {
    aws_s3_bucket: {
      logs: { bucket: 'mlops-logs', '//': { policy_suppressions: { CKV_AWS_144: 'one region by design' } } },
      raw: { bucket: 'mlops-raw' },
    },
  },
  data: { aws_iam_policy_document: { key: { statement: [{ actions: ['kms:*'], resources: ['*'] }] } } },
};

/**
 * A stand-in for checkov that prints what checkov 3.3.30 prints with `-o json` for these files (the
 * shape of a real run over cdktf.out: a list of reports, resource ids as checkov writes them for
 * terraform_json, `Kind.namespace.name` for Kubernetes), at the lines of the staged copy.
 */
function fakeScanners(): ScannerPaths {
  const bin = path.join(dir, 'venv', 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const checkov = path.join(bin, 'checkov');
  fs.writeFileSync(
    checkov,
    `#!${process.execPath}
const fs = require('fs'); const path = require('path');
const root = process.argv[process.argv.indexOf('-d') + 1];
const tf = [], k8s = [];
for (const name of fs.readdirSync(root)) {
  const lines = fs.readFileSync(path.join(root, name), 'utf8').split('\\n');
  if (name.endsWith('.tf.json')) {
    const at = (key) => lines.findIndex((line) => line === '      "' + key + '": {') + 1;
    tf.push({ check_id: 'CKV_AWS_144', check_name: 'Ensure that S3 bucket has cross-region replication enabled', resource: 'aws_s3_bucket.logs', file_path: '/' + name, file_line_range: [at('logs'), at('logs') + 6] });
    tf.push({ check_id: 'CKV_AWS_144', check_name: 'Ensure that S3 bucket has cross-region replication enabled', resource: 'aws_s3_bucket.raw', file_path: '/' + name, file_line_range: [at('raw'), at('raw') + 3] });
    tf.push({ check_id: 'CKV_AWS_111', check_name: 'Ensure IAM policies does not allow write access without constraints', resource: 'data.key', file_path: '/' + name, file_line_range: [at('key'), at('key') + 12] });
  } else {
    k8s.push({ check_id: 'CKV_K8S_15', check_name: 'Image Pull Policy should be Always', resource: 'Deployment.ml.model.server', file_path: '/' + name, file_line_range: [1, 20] });
  }
}
const report = (check_type, failed) => ({ check_type, results: { failed_checks: failed, parsing_errors: [] }, summary: { failed: failed.length, parsing_errors: 0, checkov_version: '3.3.30' } });
process.stdout.write(JSON.stringify([report('terraform_json', tf), report('kubernetes', k8s)]));
process.exit(1);
`,
  );
  fs.chmodSync(checkov, 0o755);
  return { ...scannerPaths(dir), venv: path.join(dir, 'venv'), checkov, zizmor: path.join(bin, 'zizmor') };
}

describe('checkovCopy', () => {
  it('drops non-object values under terraform and maps block lines to addresses', () => {
    const { text, addressAtLine } = checkovCopy(stack);
    const copy = JSON.parse(text);
    expect(copy.terraform).toEqual({ required_providers: stack.terraform.required_providers });
    expect(copy.resource).toEqual(stack.resource);
    const lines = text.split('\n');
    for (const [line, address] of addressAtLine) {
      expect(lines[line - 1]).toMatch(new RegExp(`^ {6}"${address.split('.').pop()}": \\{$`));
    }
    expect([...addressAtLine.values()].sort()).toEqual(['aws_s3_bucket.logs', 'aws_s3_bucket.raw', 'data.aws_iam_policy_document.key']);
  });
});

describe('scanner ids', () => {
  it('are known, suppressible rule ids', () => {
    for (const id of ['CKV_AWS_144', 'CKV2_AWS_62', 'CKV_K8S_15', 'zizmor/cache-poisoning']) {
      expect(findRule(id)?.target).toBe('scanner');
      expect(isSuppressible(id)).toBe(true);
      expect(suppressionProblem(id, 'a reason')).toBeUndefined();
    }
    expect(suppressionProblem('CKV_AWS_144', ' ')).toMatch(/gives no reason/);
    expect(findRule('CKV_NOPE')).toBeUndefined();
  });

  it('reads checkov Kubernetes resource ids, names with dots included', () => {
    expect(checkovKubernetesAddress('Deployment.mlflow.mlflow')).toBe('Deployment/mlflow/mlflow');
    expect(checkovKubernetesAddress('CronJob.data.validate.v2')).toBe('CronJob/data/validate.v2');
  });

  it('reads zizmor ignore comments, and a missing reason is a problem', () => {
    expect(zizmorSuppressions(['# zizmor: ignore[cache-poisoning, self-repository] no cache input']).valid).toEqual(
      new Map([
        ['zizmor/cache-poisoning', 'no cache input'],
        ['zizmor/self-repository', 'no cache input'],
      ]),
    );
    expect(zizmorSuppressions(['# zizmor: ignore[template-injection]']).problems).toEqual(['suppression of zizmor/template-injection gives no reason (write it after the bracket)']);
    expect(zizmorSuppressions(['# v4.4.0']).valid.size).toBe(0);
  });
});

describe('runCheckov (checkov stand-in)', () => {
  it('maps results to Terraform addresses by line, to Kubernetes addresses, and applies suppressions in code', () => {
    const tfFile = path.join(dir, 'cdk.tf.json');
    fs.writeFileSync(tfFile, JSON.stringify(stack));
    const yamlFile = path.join(dir, 'app.yaml');
    fs.writeFileSync(yamlFile, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: model.server\n  namespace: ml\n  annotations:\n    policy.mlops-platform.dev/suppress: "CKV_K8S_15=tags are immutable"\n');
    const findings = runCheckov(
      [
        { path: tfFile, file: 'cdktf.out/stacks/dev-data/cdk.tf.json', kind: 'terraform' },
        { path: yamlFile, file: 'dist/k8s/dev/app.yaml', kind: 'kubernetes' },
      ],
      fakeScanners(),
    );
    expect(findings.map((f) => `${f.ruleId} ${f.address} ${f.file} ${f.suppressed ? `[${f.suppressionReason}]` : 'active'}`).sort()).toEqual([
      'CKV_AWS_111 data.aws_iam_policy_document.key cdktf.out/stacks/dev-data/cdk.tf.json active',
      'CKV_AWS_144 aws_s3_bucket.logs cdktf.out/stacks/dev-data/cdk.tf.json [one region by design]',
      'CKV_AWS_144 aws_s3_bucket.raw cdktf.out/stacks/dev-data/cdk.tf.json active',
      'CKV_K8S_15 Deployment/ml/model.server dist/k8s/dev/app.yaml [tags are immutable]',
    ]);
    expect(findings.every((f) => f.severity === 'error' && f.message.startsWith('checkov: '))).toBe(true);
  });

  it('fails clearly when checkov prints no JSON report', () => {
    const paths = fakeScanners();
    fs.writeFileSync(paths.checkov, '#!/bin/sh\necho "Traceback: boom" >&2\nexit 2\n');
    const file = path.join(dir, 'a.tf.json');
    fs.writeFileSync(file, JSON.stringify(stack));
    expect(() => runCheckov([{ path: file, file: 'a.tf.json', kind: 'terraform' }], paths)).toThrow(ScannerError);
    expect(() => runCheckov([{ path: file, file: 'a.tf.json', kind: 'terraform' }], paths)).toThrow(/checkov did not print a JSON report \(exit 2\): Traceback: boom/);
  });
});

// The real scanners, when their environment exists (`npm run scan` creates it; CI runs it).
const real = scannersReady() ? describe : describe.skip;
real('the real scanners (checkov 3.3.30, zizmor 1.33.1 from tools/scanners/uv.lock)', () => {
  it('checkov flags SSE-S3 as CKV_AWS_145 at the bucket, and honours a suppression recorded in code', () => {
    const bucket = (name: string, extra: object) => ({
      [name]: { bucket: `mlops-${name}`, ...extra },
    });
    const json = {
      terraform: { required_version: '>= 1.11.0' },
      resource: {
        aws_s3_bucket: { ...bucket('plain', {}), ...bucket('accepted', { '//': { policy_suppressions: { CKV_AWS_145: 'receives S3 access logs' } } }) },
        aws_s3_bucket_server_side_encryption_configuration: {
          plain: { bucket: '${aws_s3_bucket.plain.id}', rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] },
          accepted: { bucket: '${aws_s3_bucket.accepted.id}', rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] },
        },
      },
    };
    const file = path.join(dir, 'cdk.tf.json');
    fs.writeFileSync(file, JSON.stringify(json));
    const findings = runCheckov([{ path: file, file: 'cdk.tf.json', kind: 'terraform' }]).filter((f) => f.ruleId === 'CKV_AWS_145');
    expect(findings.map((f) => `${f.address} ${f.suppressed}`).sort()).toEqual(['aws_s3_bucket.accepted true', 'aws_s3_bucket.plain false']);
  }, 120_000);

  it('zizmor findings carry the workflow route, and an ignore comment without a reason is POLICY-001', () => {
    const workflows = path.join(dir, '.github', 'workflows');
    fs.mkdirSync(workflows, { recursive: true });
    fs.writeFileSync(
      path.join(workflows, 'ci.yml'),
      [
        'name: ci',
        'on: pull_request',
        'permissions: {}',
        'jobs:',
        '  test:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: echo "${{ github.event.pull_request.title }}" # zizmor: ignore[template-injection]',
        '',
      ].join('\n'),
    );
    const findings = runZizmor(['.github/workflows'], dir);
    const injection = findings.filter((f) => f.ruleId === 'zizmor/template-injection');
    expect(injection.length).toBeGreaterThan(0);
    expect(injection[0].address).toMatch(/^jobs\.test\.steps\[0\]/);
    expect(injection[0].file).toBe('.github/workflows/ci.yml');
    expect(findings.some((f) => f.ruleId === 'POLICY-001' && /zizmor\/template-injection gives no reason/.test(f.message))).toBe(true);
  }, 60_000);
});
