import { uiMessages } from '../../../tools/verify-terraform/diagnostics';
import { applyOutcome, emulatorGap, missingActions, operationOf, plannedChanges, record, recordKept, tallyLines, typeOfAddress, type Tallies } from '../../../tools/verify-terraform/results';
import { fixture } from './helpers';

// Real -json UI streams of Terraform 1.11.4 with random 3.7.2 (fixtures/README.md says how they were made).
const plan = uiMessages(fixture('plan.terraform-1.11.4.jsonl'));
const apply = uiMessages(fixture('apply.terraform-1.11.4.jsonl'));
const destroy = uiMessages(fixture('destroy.terraform-1.11.4.jsonl'));
const errored = uiMessages(fixture('apply-errored.terraform-1.11.4.jsonl'));

describe('plan and apply streams', () => {
  it('reads the planned changes and the completed applies by resource type', () => {
    expect(plannedChanges(plan).map((h) => `${h.action} ${h.type}`)).toEqual(['create random_id', 'create random_pet']);
    expect(applyOutcome(apply).completed.map((h) => h.addr).sort()).toEqual(['random_id.b', 'random_pet.a']);
    expect(applyOutcome(destroy).completed.map((h) => h.action)).toEqual(['delete', 'delete']);
  });

  it('reads an errored apply: which resource, and the error with its address', () => {
    const outcome = applyOutcome(errored);
    expect(outcome.completed.map((h) => h.addr)).toEqual(['random_pet.a']);
    expect(outcome.errored.map((h) => h.addr)).toEqual(['terraform_data.broken']);
    expect(outcome.diagnostics.map((d) => d.address)).toEqual(['terraform_data.broken']);
  });
});

describe('per resource type', () => {
  it('counts planned, applied and destroyed per type', () => {
    const tallies: Tallies = new Map();
    expect(record(tallies, 'plan', plan, new Set())).toEqual([]);
    record(tallies, 'apply', apply, new Set());
    record(tallies, 'destroy', destroy, new Set());
    expect(tallyLines(tallies, ['plan', 'apply', 'destroy'])).toEqual([
      '    ok   random_id   planned 1, applied 1/1, destroyed 1/1',
      '    ok   random_pet  planned 1, applied 1/1, destroyed 1/1',
    ]);
  });

  it('marks the failed type with the error, and the one never applied because it depended on it', () => {
    const tallies: Tallies = new Map();
    const errorPlan = uiMessages(fixture('apply-errored.terraform-1.11.4.jsonl').split('\n').filter((l) => l.includes('"planned_change"')).join('\n'));
    record(tallies, 'plan', errorPlan, new Set());
    const lines = record(tallies, 'apply', errored, new Set());
    expect(lines).toEqual([expect.stringMatching(/^apply: local-exec provisioner error: .*\(terraform_data\.broken\)$/)]);
    const text = tallyLines(tallies, ['plan', 'apply']).join('\n');
    expect(text).toContain('    FAIL terraform_data  planned 1, applied 0/1 (1 failed)\n           apply: local-exec provisioner error');
    expect(text).toContain('    SKIP random_id       planned 1, applied 0/1');
    expect(text).toContain('    ok   random_pet      planned 1, applied 1/1');
  });

  it('counts what prevent_destroy keeps, by type', () => {
    const tallies: Tallies = new Map();
    recordKept(tallies, ['aws_s3_bucket.StateBucket_446E0578', 'aws_kms_key.StateKey_1A488514']);
    expect(tallies.get('aws_s3_bucket')?.kept).toBe(1);
    expect(typeOfAddress('provider["registry.terraform.io/hashicorp/aws"]')).toBeUndefined();
    expect(typeOfAddress('data.aws_iam_policy_document.Key_Policy')).toBe('aws_iam_policy_document');
    expect(typeOfAddress('module.a.aws_vpc.main["x"]')).toBe('aws_vpc');
  });
});

describe('emulator gaps', () => {
  // serve.py's line for a request moto 5.2.5 lacks (captured by calling it); the error in the shape the AWS SDK for
  // Go v2 gives (a real run printed `operation error S3: ListObjectsV2, https response error StatusCode: 404, ...`).
  const log = 'moto-not-implemented: ec2 DescribeCapacityBlockOfferings\n127.0.0.1 - - [04/Dec/2026 02:39:01] "POST / HTTP/1.1" 500 -\n';
  const sdkError = 'operation error EC2: DescribeCapacityBlockOfferings, https response error StatusCode: 500, RequestID: , api error UnknownError: UnknownError';

  it('names the service and operation of an error the emulator caused', () => {
    expect(missingActions(log)).toEqual(new Set(['DescribeCapacityBlockOfferings']));
    expect(operationOf(sdkError)).toEqual({ service: 'EC2', operation: 'DescribeCapacityBlockOfferings' });
    expect(emulatorGap({ severity: 'error', summary: 'reading capacity', detail: sdkError }, missingActions(log))).toBe('EC2 DescribeCapacityBlockOfferings');
  });

  it('does not blame the emulator for an error on an API it implements', () => {
    const detail = 'operation error EC2: CreateVpc, https response error StatusCode: 400, RequestID: x, api error InvalidParameterValue: bad CIDR';
    expect(emulatorGap({ severity: 'error', summary: 'creating VPC', detail }, missingActions(log))).toBeUndefined();
  });

  it('shows a type whose only errors are emulator gaps as GAP, not FAIL', () => {
    const tallies: Tallies = new Map();
    const stream = [
      { type: 'planned_change', change: { resource: { addr: 'aws_flow_log.f', resource_type: 'aws_flow_log' }, action: 'create' } },
      { type: 'apply_errored', hook: { resource: { addr: 'aws_flow_log.f', resource_type: 'aws_flow_log' }, action: 'create' } },
      { type: 'diagnostic', diagnostic: { severity: 'error', summary: 'creating Flow Log', detail: sdkError, address: 'aws_flow_log.f' } },
    ];
    record(tallies, 'plan', stream, missingActions(log));
    expect(record(tallies, 'apply', stream, missingActions(log))).toEqual([`apply: emulator lacks EC2 DescribeCapacityBlockOfferings: creating Flow Log: ${sdkError} (aws_flow_log.f)`]);
    expect(tallyLines(tallies, ['plan', 'apply'])[0]).toMatch(/^ {4}GAP {2}aws_flow_log {2}planned 1, applied 0\/1 \(1 failed\)/);
  });
});
