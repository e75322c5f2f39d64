import * as fs from 'fs';
import * as path from 'path';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ApiObject, Testing as K8sTesting, type ApiObjectProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import {
  SUPPRESSION_ANNOTATION,
  checkKubernetes,
  checkTerraform,
  formatText,
  runPolicy,
  suppress,
  suppressK8s,
  type Finding,
} from '../../../tools/policy';
import { workload, type Json } from './fixtures';

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Synthesizes with metadata (Testing.synth strips every "//" key) and returns the stack's JSON. */
function fullSynth(stack: TerraformStack): { outdir: string; json: Json } {
  const outdir = Testing.fullSynth(stack);
  outdirs.push(outdir);
  const file = path.join(outdir, 'stacks', stack.node.id, 'cdk.tf.json');
  return { outdir, json: JSON.parse(fs.readFileSync(file, 'utf8')) as Json };
}

function dataStack(): { stack: TerraformStack; db: DbInstance; logs: Construct } {
  const stack = new TerraformStack(Testing.app(), 'dev-data');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const db = new DbInstance(stack, 'Database', {
    engine: 'postgres',
    instanceClass: 'db.t4g.micro',
    allocatedStorage: 20,
    username: 'mlflow',
    storageEncrypted: true,
    manageMasterUserPassword: true,
    backupRetentionPeriod: 7,
    deletionProtection: false,
    iamDatabaseAuthenticationEnabled: true,
  });
  const logs = new Construct(stack, 'Logs');
  new CloudwatchLogGroup(logs, 'Airflow', { name: '/mlops/airflow', retentionInDays: 30 });
  new CloudwatchLogGroup(logs, 'Mlflow', { name: '/mlops/mlflow', retentionInDays: 30 });
  return { stack, db, logs };
}

const brief = (findings: readonly Finding[]): string[] =>
  findings.map((f) => `${f.ruleId} ${f.address} ${f.suppressed ? `suppressed: ${f.suppressionReason}` : 'active'}`).sort();

describe('suppress() for cdktf', () => {
  it('records the suppression under "//" next to the metadata cdktf writes', () => {
    const { stack, db } = dataStack();
    suppress(db, 'AWS-RDS-005', 'dev database is recreated nightly');
    const { json } = fullSynth(stack);
    const body = ((json.resource as Json).aws_db_instance as Json)[db.friendlyUniqueId] as Json;
    expect(body['//']).toEqual({
      metadata: { path: 'dev-data/Database', uniqueId: db.friendlyUniqueId },
      policy_suppressions: { 'AWS-RDS-005': 'dev database is recreated nightly' },
    });
    expect(body.deletion_protection).toBe(false);
  });

  it('suppresses a resource, and every resource under a construct through an Aspect', () => {
    const { stack, db, logs } = dataStack();
    suppress(db, 'AWS-RDS-005', 'dev database is recreated nightly');
    suppress(db, 'AWS-RDS-004', 'second suppression on the same resource merges');
    suppress(logs, 'AWS-LOG-002', 'AWS-owned key is enough for these logs');
    const { json } = fullSynth(stack);
    const findings = checkTerraform(json, 'cdk.tf.json');
    expect(brief(findings)).toEqual([
      `AWS-LOG-002 aws_cloudwatch_log_group.${(logs.node.findChild('Airflow') as CloudwatchLogGroup).friendlyUniqueId} suppressed: AWS-owned key is enough for these logs`,
      `AWS-LOG-002 aws_cloudwatch_log_group.${(logs.node.findChild('Mlflow') as CloudwatchLogGroup).friendlyUniqueId} suppressed: AWS-owned key is enough for these logs`,
      `AWS-RDS-005 aws_db_instance.${db.friendlyUniqueId} suppressed: dev database is recreated nightly`,
    ]);
    const body = ((json.resource as Json).aws_db_instance as Json)[db.friendlyUniqueId] as Json;
    expect(Object.keys((body['//'] as Json).policy_suppressions as Json).sort()).toEqual(['AWS-RDS-004', 'AWS-RDS-005']);
  });

  it('a fully suppressed stack passes runPolicy, and the text output shows the reasons', () => {
    const { stack, db, logs } = dataStack();
    suppress(db, 'AWS-RDS-005', 'dev database is recreated nightly');
    suppress(logs, 'AWS-LOG-002', 'AWS-owned key is enough for these logs');
    const { outdir } = fullSynth(stack);
    const report = runPolicy([path.join(outdir, 'stacks')]);
    expect(report.ok).toBe(true);
    expect(report.summary).toEqual({ findings: 0, errors: 0, warnings: 0, suppressed: 3, files: 1 });
    expect(formatText(report)).toContain(`AWS-RDS-005  aws_db_instance.${db.friendlyUniqueId}  [suppressed: dev database is recreated nightly]`);
  });

  it('works on data sources (the IAM policy document address)', () => {
    const stack = new TerraformStack(Testing.app(), 'shared');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    const admin = new DataAwsIamPolicyDocument(stack, 'BreakGlass', { statement: [{ actions: ['*'], resources: ['*'] }] });
    const { json: before } = fullSynth(stack);
    expect(brief(checkTerraform(before, 'cdk.tf.json'))).toEqual([`AWS-IAM-001 data.aws_iam_policy_document.${admin.friendlyUniqueId} active`]);
    suppress(stack, 'AWS-IAM-001', 'break-glass role, assumable only with MFA by the security team');
    const { json } = fullSynth(stack);
    // cdktf replaces a data source's own "//" key; the suppression arrives through the stack's overrides.
    const body = ((json.data as Json).aws_iam_policy_document as Json)[admin.friendlyUniqueId] as Json;
    expect(body['//']).toEqual({
      metadata: { path: 'shared/BreakGlass', uniqueId: admin.friendlyUniqueId },
      policy_suppressions: { 'AWS-IAM-001': 'break-glass role, assumable only with MFA by the security team' },
    });
    expect(brief(checkTerraform(json, 'cdk.tf.json'))).toEqual([
      `AWS-IAM-001 data.aws_iam_policy_document.${admin.friendlyUniqueId} suppressed: break-glass role, assumable only with MFA by the security team`,
    ]);
  });

  it('a direct suppression on a data source uses its final logical id', () => {
    const stack = new TerraformStack(Testing.app(), 'shared');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    const admin = new DataAwsIamPolicyDocument(stack, 'BreakGlass', { statement: [{ actions: ['*'], resources: ['*'] }] });
    suppress(admin, 'AWS-IAM-001', 'break-glass role');
    admin.overrideLogicalId('break_glass');
    const { json } = fullSynth(stack);
    expect(brief(checkTerraform(json, 'cdk.tf.json'))).toEqual(['AWS-IAM-001 data.aws_iam_policy_document.break_glass suppressed: break-glass role']);
  });

  it('suppressing a kubernetes_manifest suppresses the embedded object', () => {
    const stack = new TerraformStack(Testing.app(), 'dev-workloads');
    new KubernetesProvider(stack, 'kubernetes', {});
    const object = workload();
    delete ((((object.spec as Json).template as Json).spec as Json).containers as Json[])[0].livenessProbe;
    const manifest = new Manifest(stack, 'Server', { manifest: object });
    const { json: before } = fullSynth(stack);
    expect(brief(checkTerraform(before, 'cdk.tf.json'))).toEqual(['K8S-PRB-002 Deployment/ml/server active']);
    suppress(manifest, 'K8S-PRB-002', 'the server restarts itself on a failed health check');
    const { json } = fullSynth(stack);
    const found = checkTerraform(json, 'cdk.tf.json');
    expect(found).toEqual([
      expect.objectContaining({
        ruleId: 'K8S-PRB-002',
        address: 'Deployment/ml/server',
        resource: `kubernetes_manifest.${manifest.friendlyUniqueId}`,
        suppressed: true,
        suppressionReason: 'the server restarts itself on a failed health check',
      }),
    ]);
  });

  it('throws on an empty reason or an unknown rule id', () => {
    const { db, logs } = dataStack();
    expect(() => suppress(db, 'AWS-RDS-005', '')).toThrow(/dev-data\/Database: suppression of AWS-RDS-005 gives no reason/);
    expect(() => suppress(logs, 'AWS-LOG-002', '   ')).toThrow(/gives no reason/);
    expect(() => suppress(db, 'AWS-RDS-999', 'typo')).toThrow(/unknown rule id "AWS-RDS-999"/);
    expect(() => suppress(db, 'POLICY-001', 'no')).toThrow(/cannot be suppressed/);
  });
});

describe('suppressK8s() and the annotation', () => {
  it('adds and merges the annotation on an ApiObject; the checker honours it', () => {
    const chart = K8sTesting.chart();
    const object = new ApiObject(chart, 'Server', workload() as unknown as ApiObjectProps);
    suppressK8s(object, 'K8S-SEC-003', 'unpacks model weights into its working directory');
    suppressK8s(object, 'K8S-PRB-002', 'restarts itself');
    const [synthesized] = K8sTesting.synth(chart) as Json[];
    expect(((synthesized.metadata as Json).annotations as Json)[SUPPRESSION_ANNOTATION]).toBe(
      'K8S-SEC-003=unpacks model weights into its working directory; K8S-PRB-002=restarts itself',
    );

    const writable = structuredClone(synthesized);
    const c = (((writable.spec as Json).template as Json).spec as Json).containers as Json[];
    (c[0].securityContext as Json).readOnlyRootFilesystem = false;
    const found = checkKubernetes([writable], 'app.yaml');
    expect(brief(found)).toEqual(['K8S-SEC-003 Deployment/ml/server suppressed: unpacks model weights into its working directory']);
  });

  it('works on cdk8s-plus constructs through their default child', () => {
    const chart = K8sTesting.chart();
    const deployment = new kplus.Deployment(chart, 'Server', {
      containers: [{ image: 'ghcr.io/org/server:1.0.0', portNumber: 8080 }],
    });
    suppressK8s(deployment, 'K8S-PRB-001', 'the server has no HTTP endpoint');
    const objects = K8sTesting.synth(chart) as Json[];
    const found = checkKubernetes(objects, 'app.yaml').filter((f) => f.ruleId === 'K8S-PRB-001');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => f.suppressed && f.suppressionReason === 'the server has no HTTP endpoint')).toBe(true);
  });

  it('throws on an empty reason, an unknown or non-Kubernetes rule, or a ";" in the reason', () => {
    const chart = K8sTesting.chart();
    const object = new ApiObject(chart, 'Server', workload() as unknown as ApiObjectProps);
    expect(() => suppressK8s(object, 'K8S-SEC-003', ' ')).toThrow(/gives no reason/);
    expect(() => suppressK8s(object, 'K8S-NOPE-001', 'x')).toThrow(/unknown rule id/);
    expect(() => suppressK8s(object, 'AWS-RDS-001', 'x')).toThrow(/does not apply to Kubernetes objects/);
    expect(() => suppressK8s(object, 'K8S-SEC-003', 'a; b')).toThrow(/must not contain ";"/);
  });

  it('reports malformed hand-written annotations as POLICY-001 and keeps the rest', () => {
    const object = workload({ kind: 'StatefulSet' });
    (object.metadata as Json).annotations = { [SUPPRESSION_ANNOTATION]: 'K8S-PRB-002=restarts itself; K8S-SEC-003; K8S-XYZ-001=typo; POLICY-002=nope' };
    const container = (((object.spec as Json).template as Json).spec as Json).containers as Json[];
    delete container[0].livenessProbe;
    expect(brief(checkKubernetes([object], 'app.yaml'))).toEqual([
      'K8S-PRB-002 StatefulSet/ml/server suppressed: restarts itself',
      'POLICY-001 StatefulSet/ml/server active',
      'POLICY-001 StatefulSet/ml/server active',
      'POLICY-001 StatefulSet/ml/server active',
    ]);
  });

  it('suppressions are per object: the same rule on another object still fires', () => {
    const a = workload({ name: 'a' });
    const b = workload({ name: 'b' });
    for (const object of [a, b]) {
      ((((object.spec as Json).template as Json).spec as Json).containers as Json[])[0].image = 'nginx';
    }
    (a.metadata as Json).annotations = { [SUPPRESSION_ANNOTATION]: 'K8S-IMG-001=vendor image, pinned by the mirror' };
    expect(brief(checkKubernetes([a, b], 'app.yaml'))).toEqual([
      'K8S-IMG-001 Deployment/ml/a suppressed: vendor image, pinned by the mirror',
      'K8S-IMG-001 Deployment/ml/b active',
    ]);
  });
});
