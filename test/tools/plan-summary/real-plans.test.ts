import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { fingerprintPlan } from '../../../tools/plan-summary/fingerprint';
import { renderMarkdown } from '../../../tools/plan-summary/markdown';
import { decodePlanBytes, formatVersionProblem, parsePlan, PlanError } from '../../../tools/plan-summary/plan';
import { REDACTED, redactPlanDocument } from '../../../tools/plan-summary/redact';
import { DATA_HOLDING_RESOURCES, doesSomething, summarizePlan } from '../../../tools/plan-summary/summary';
import { FIXTURES } from './helpers';

// Plans Terraform wrote (fixtures/real/SOURCES.md names each repository, path and commit) and documents shaped
// key for key as hashicorp/terraform internal/command/jsonplan (v1.15.9) writes them.
const REAL = path.join(FIXTURES, 'real');
const bytes = (name: string) => readFileSync(path.join(REAL, name));
const read = (name: string) => parsePlan(bytes(name), name);
const summary = (name: string) => summarizePlan(name.replace(/\.json$/, ''), read(name));

function planError(input: string | Uint8Array): PlanError {
  try {
    parsePlan(input, 'plan.json');
  } catch (error) {
    if (error instanceof PlanError) return error;
    throw error;
  }
  throw new Error('expected a PlanError');
}

describe('plans written by Terraform', () => {
  test.each(readdirSync(REAL).filter((f) => f.endsWith('.json')))('%s is read', (name) => {
    expect(() => read(name)).not.toThrow();
  });

  test('Terraform 1.7.5: a create without complete/applyable keys', () => {
    const s = summary('tf-1.7.5-create.json');
    expect(s.counts).toMatchObject({ add: 1, change: 0, destroy: 0 });
    expect(s.entries.map((e) => [e.address, e.group])).toEqual([['random_pet.example', 'create']]);
  });

  test('Terraform 1.7.5: a replace of sensitive attributes shows no value and names what forces it', () => {
    const s = summary('tf-1.7.5-sensitive-replace.json');
    expect(s.counts).toMatchObject({ add: 1, destroy: 1 });
    const entry = s.entries[0];
    expect(entry).toMatchObject({ group: 'replace', replaceOrder: 'destroy before create' });
    expect(entry.attributes.find((a) => a.name === 'length')).toMatchObject({ forcesReplacement: true });
    const md = renderMarkdown([s]);
    expect(md).not.toContain('hxk5iA==');
    expect(md).not.toContain('87193988');
  });
});

describe('what Terraform omits', () => {
  test('a wholly unknown output has no "after" key: read as known after apply, and fingerprinted', () => {
    const plan = read('shaped-new-environment-1.13.json');
    const endpoint = plan.outputChanges.find((o) => o.name === 'cluster_endpoint');
    expect(endpoint).toMatchObject({ kind: 'create', after: null, afterUnknown: true });
    expect(fingerprintPlan(plan)).toMatch(/^[0-9a-f]{64}$/);
    const md = renderMarkdown([summarizePlan('dev-cluster', plan)]);
    expect(md).toContain('Outputs that change: `cluster_endpoint`, `cluster_name`, `database_password`.');
  });

  test('the fingerprint tells an unknown output from a known one', () => {
    const doc = JSON.parse(bytes('shaped-new-environment-1.13.json').toString('utf8'));
    const known = structuredClone(doc);
    known.output_changes.cluster_endpoint = { ...known.output_changes.cluster_endpoint, after: 'https://x', after_unknown: false };
    expect(fingerprintPlan(parsePlan(JSON.stringify(doc), 'a'))).not.toBe(fingerprintPlan(parsePlan(JSON.stringify(known), 'b')));
  });

  test('an import by resource identity (no id) is marked as such', () => {
    const s = summary('shaped-new-environment-1.13.json');
    const entry = s.entries.find((e) => e.address === 'aws_vpc.imported');
    expect(entry).toMatchObject({ group: 'import', importByIdentity: true, importId: undefined });
    expect(s.counts.import).toBe(1);
    expect(renderMarkdown([s])).toContain('import by resource identity');
  });
});

describe('drift, actions and deferred changes', () => {
  test('resource_drift is summarised with Terraform\'s words', () => {
    const s = summary('shaped-drift-actions-1.14.json');
    expect(s.drift).toEqual([
      { address: 'aws_s3_bucket.logs', type: 'aws_s3_bucket', change: 'changed outside Terraform' },
      { address: 'aws_sqs_queue.gone', type: 'aws_sqs_queue', change: 'deleted outside Terraform' },
    ]);
    const md = renderMarkdown([s]);
    expect(md).toContain('**Changed outside of Terraform** (2)');
    expect(md).toContain('- `aws_sqs_queue.gone`: deleted outside Terraform');
  });

  test('a plan that only invokes actions is not "No changes"', () => {
    const s = summary('shaped-drift-actions-1.14.json');
    expect(s.entries).toEqual([]);
    expect(doesSomething(s)).toBe(true);
    const md = renderMarkdown([s]);
    expect(md).not.toContain('No changes. Your infrastructure matches the configuration.');
    expect(md).toContain('**Actions to invoke** (1): applying this plan runs them.');
    expect(md).toContain('- `action.aws_lambda_invoke.warm_cache`: after_update of aws_s3_bucket.logs');
    // The overview line of a multi-stack comment says so too.
    expect(renderMarkdown([s, summary('tf-1.7.5-create.json')])).toContain('No resource changes. 1 action to invoke. 2 changed outside Terraform.');
  });

  test('the fingerprint covers the actions a plan invokes, and is unchanged for plans without any', () => {
    const doc = JSON.parse(bytes('shaped-drift-actions-1.14.json').toString('utf8'));
    const other = structuredClone(doc);
    other.action_invocations[0].lifecycle_action_trigger.triggering_resource_address = 'aws_s3_bucket.other';
    const none = { ...structuredClone(doc), action_invocations: undefined };
    const fp = (d: unknown) => fingerprintPlan(parsePlan(JSON.stringify(d), 'x'));
    expect(fp(doc)).not.toBe(fp(other));
    expect(fp(doc)).not.toBe(fp(none));
    expect(fp(none)).toBe(fp({ ...none, action_invocations: [] }));
  });

  test('deferred changes are counted in the partial-plan note', () => {
    const doc = JSON.parse(bytes('tf-1.7.5-create.json').toString('utf8'));
    doc.complete = false;
    doc.deferred_changes = [{ reason: 'instance_count_unknown', resource_change: doc.resource_changes[0] }];
    const md = renderMarkdown([summarizePlan('x', parsePlan(JSON.stringify(doc), 'x'))]);
    expect(md).toContain('some changes are deferred until another plan has been applied (1 resource change deferred)');
  });
});

describe('format_version', () => {
  test('0.2 (Terraform 1.0.1 to 1.0.11) is read, and its replaced ElastiCache cluster is data loss', () => {
    const s = summary('shaped-format-0.2-1.0.11.json');
    expect(s.entries[0]).toMatchObject({ group: 'replace', dataLoss: 'cache cluster' });
  });

  test.each(['0.2', '1.0', '1.1', '1.2', '1.9'])('%s is read', (v) => expect(formatVersionProblem(v)).toBeUndefined());

  test('0.1 and unknown majors are refused before any other check, naming what is read', () => {
    // No resource_changes at all: still the version is what is reported.
    expect(planError('{"format_version":"0.1","terraform_version":"0.12.31","planned_values":{}}').reason).toMatch(
      /format_version "0.1" is written by Terraform 0.12 to 1.0.0.*reads 0.2 \(Terraform 1.0.1 to 1.0.11\) and 1.x/,
    );
    expect(planError('{"format_version":"2.0","terraform_version":"2.0.0","resource_changes":"not even a list"}').reason).toMatch(
      /^unsupported plan format_version "2.0"; this tool reads 0.2/,
    );
    expect(planError('{"format_version":1.2,"terraform_version":"1.9.0","planned_values":{}}').reason).toBe('format_version must be a string, got a number');
  });
});

describe('encodings', () => {
  const text = bytes('tf-1.7.5-create.json').toString('utf8');

  test('a UTF-8 byte-order mark (PowerShell Out-File -Encoding utf8) is read', () => {
    expect(parsePlan(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]), 'bom.json').resourceChanges).toHaveLength(1);
    expect(parsePlan(`\uFEFF${text}`, 'bom.json').resourceChanges).toHaveLength(1);
  });

  test('UTF-16 LE with a BOM (Windows PowerShell `>`) and UTF-16 BE with a BOM are read', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(parsePlan(le, 'le.json').resourceChanges).toHaveLength(1);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    expect(decodePlanBytes(be, 'be.json')).toBe(text);
  });

  test('UTF-16 without a BOM and invalid UTF-8 are named, not misread', () => {
    expect(planError(Buffer.from(text, 'utf16le')).reason).toMatch(/looks like UTF-16 LE without a byte-order mark; write the plan as UTF-8/);
    expect(planError(Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x20])).reason).toMatch(/not UTF-8 text/);
  });

  test('a value that really contains U+FFFD is valid UTF-8 and read', () => {
    const withReplacementChar = text.replace('"separator": "-"', '"separator": "\uFFFD"');
    expect(parsePlan(Buffer.from(withReplacementChar, 'utf8'), 'x.json').resourceChanges).toHaveLength(1);
  });
});

describe('redaction', () => {
  test('no sensitive value, state, configuration or variable survives; what the summary reads does', () => {
    for (const name of ['shaped-new-environment-1.13.json', 'tf-1.7.5-sensitive-replace.json', 'shaped-drift-actions-1.14.json']) {
      const doc = JSON.parse(bytes(name).toString('utf8'));
      const redacted = JSON.stringify(redactPlanDocument(doc));
      for (const secret of ['Old-Pl4intext-Pass', 'New-Pl4intext-Pass', 'hxk5iA==', '87193988', 'Act10n-S3cret', 'platform-planner']) {
        expect(redacted).not.toContain(secret);
      }
      expect(redacted).not.toMatch(/"prior_state"|"configuration"|"variables"/);
      // The redacted copy summarises exactly like the original.
      const again = summarizePlan('x', parsePlan(redacted, name));
      const original = summarizePlan('x', parsePlan(bytes(name), name));
      expect(again.counts).toEqual(original.counts);
      expect(again.entries.map((e) => e.address)).toEqual(original.entries.map((e) => e.address));
      expect(again.outputChanges).toEqual(original.outputChanges);
      expect(again.drift).toEqual(original.drift);
    }
    const doc = redactPlanDocument(JSON.parse(bytes('shaped-new-environment-1.13.json').toString('utf8')));
    expect((doc.output_changes as Record<string, { after: unknown }>).database_password.after).toBe(REDACTED);
    expect((doc.output_changes as Record<string, { after?: unknown }>).cluster_endpoint).not.toHaveProperty('after');
  });
});

describe('data-holding resources', () => {
  test('every listed type is a real resource of the pinned AWS provider', () => {
    const lib = path.dirname(path.dirname(require.resolve('@cdktf/provider-aws/lib/db-instance')));
    for (const type of Object.keys(DATA_HOLDING_RESOURCES.types).filter((t) => t.startsWith('aws_'))) {
      expect({ type, exists: readdirSync(lib).includes(type.slice(4).replace(/_/g, '-')) }).toEqual({ type, exists: true });
    }
  });

  test.each(['aws_elasticache_cluster', 'aws_elasticache_serverless_cache', 'aws_memorydb_cluster', 'aws_sqs_queue', 'aws_docdbelastic_cluster'])('%s is listed', (type) => {
    expect(DATA_HOLDING_RESOURCES.types[type]).toBeDefined();
  });
});
