import { parsePlan } from '../../../tools/plan-summary/plan';
import { DATA_HOLDING_RESOURCES, dataHeldBy, naturalCompare, planLine, summarizePlan, type StackSummary, type SummaryEntry } from '../../../tools/plan-summary/summary';
import { fixtureJson, fixtureText } from './helpers';

function summarize(fixture: string, name = 'stack'): StackSummary {
  return summarizePlan(name, parsePlan(fixtureText(fixture), fixture));
}

function entry(summary: StackSummary, address: string): SummaryEntry {
  const found = summary.entries.find((e) => e.address === address);
  if (!found) throw new Error(`no entry ${address}`);
  return found;
}

describe('summarizePlan', () => {
  const network = summarize('dev-network.json', 'dev-network');
  const data = summarize('dev-data.plan.json', 'dev-data');

  test('counts the way Terraform does: a replace is one add and one destroy', () => {
    // 2 creates + 2 replaces = 4 to add; 3 updates (one of them also moved); 1 delete + 2 replaces = 3 to destroy.
    expect(network.counts).toEqual({ import: 1, add: 4, change: 3, destroy: 3, forget: 0, move: 2 });
    expect(data.counts).toEqual({ import: 0, add: 3, change: 2, destroy: 5, forget: 0, move: 0 });
  });

  test('groups changes destructive first, then by address, leaving out no-op and read', () => {
    expect(network.entries.map((e) => [e.group, e.address])).toEqual([
      ['delete', 'aws_route.legacy_peering'],
      ['replace', 'aws_launch_template.general'],
      ['replace', 'aws_route_table_association.private_a'],
      ['update', 'aws_flow_log.vpc'],
      ['update', 'aws_vpc.main'],
      ['update', 'module.endpoints.aws_vpc_endpoint.ecr_api'],
      ['create', 'aws_nat_gateway.this["eu-west-1a"]'],
      ['create', 'aws_subnet.private_a'],
      ['import', 'aws_eip.nat_a'],
      ['move', 'module.endpoints.aws_vpc_endpoint.s3'],
    ]);
    const addresses = network.entries.map((e) => e.address);
    expect(addresses).not.toContain('aws_internet_gateway.main');
    expect(addresses).not.toContain('data.aws_availability_zones.available');
  });

  test('records the replacement order and what forces it', () => {
    expect(entry(network, 'aws_launch_template.general').replaceOrder).toBe('create before destroy');
    const association = entry(network, 'aws_route_table_association.private_a');
    expect(association.replaceOrder).toBe('destroy before create');
    // Only the forcing attribute: computed attributes that become unknown (id) are noise in a replace.
    expect(association.attributes).toEqual([{ name: 'subnet_id', sensitive: false, forcesReplacement: true, before: undefined, after: undefined }]);
  });

  test('lists the names of changed top-level attributes of an update, values only for the safe set', () => {
    expect(entry(network, 'aws_flow_log.vpc').attributes.map((a) => a.name)).toEqual(['max_aggregation_interval', 'traffic_type']);
    expect(entry(network, 'aws_flow_log.vpc').attributes.every((a) => a.before === undefined && a.after === undefined)).toBe(true);
    const db = entry(data, 'module.database.aws_db_instance.this');
    expect(db.attributes.find((a) => a.name === 'engine_version')).toMatchObject({
      before: { kind: 'value', json: '"15.7"' },
      after: { kind: 'value', json: '"16.4"' },
    });
    expect(db.attributes.find((a) => a.name === 'engine')?.forcesReplacement).toBe(true);
  });

  test('marks sensitive attributes, including nested ones and ones in the safe set', () => {
    expect(entry(data, 'aws_secretsmanager_secret_version.mlflow_db_url').attributes).toContainEqual(
      expect.objectContaining({ name: 'secret_string', sensitive: true }),
    );
    expect(entry(data, 'helm_release.airflow').attributes).toContainEqual(expect.objectContaining({ name: 'set_sensitive', sensitive: true }));
    expect(entry(data, 'aws_db_instance.analytics').attributes.find((a) => a.name === 'instance_class')).toMatchObject({
      sensitive: true,
      after: { kind: 'sensitive' },
    });
  });

  test('shows unknown safe values as unknown', () => {
    const doc = fixtureJson('dev-data.plan.json');
    const change = doc.resource_changes.find((rc) => rc.address === 'aws_db_instance.analytics')?.change as Record<string, Record<string, unknown>>;
    delete change.after.engine_version;
    change.after_unknown.engine_version = true;
    const summary = summarizePlan('dev-data', parsePlan(JSON.stringify(doc), 'x.json'));
    expect(entry(summary, 'aws_db_instance.analytics').attributes.find((a) => a.name === 'engine_version')?.after).toEqual({ kind: 'unknown' });
  });

  test('keeps move and import details', () => {
    expect(entry(network, 'module.endpoints.aws_vpc_endpoint.s3')).toMatchObject({ group: 'move', previousAddress: 'aws_vpc_endpoint.s3' });
    expect(entry(network, 'module.endpoints.aws_vpc_endpoint.ecr_api')).toMatchObject({ group: 'update', previousAddress: 'aws_vpc_endpoint.ecr_api' });
    expect(entry(network, 'aws_eip.nat_a')).toMatchObject({ group: 'import', importId: 'eipalloc-0123456789abcdef0' });
  });

  test('flags deletes and replaces of data-holding resources, not creates or ordinary deletes', () => {
    expect(data.entries.filter((e) => e.dataLoss !== undefined).map((e) => [e.address, e.dataLoss])).toEqual([
      ['aws_kms_key.data', 'KMS key'],
      ['aws_s3_bucket.raw', 'bucket'],
      ['kubernetes_manifest.mlflow_pvc', 'persistent volume claim'],
      ['aws_s3_bucket.artifacts', 'bucket'],
      ['module.database.aws_db_instance.this', 'database'],
    ]);
    expect(entry(data, 'aws_db_instance.analytics').dataLoss).toBeUndefined();
    expect(network.entries.some((e) => e.dataLoss !== undefined)).toBe(false);
  });

  test('lists changed outputs by name only, leaving out no-op outputs', () => {
    expect(network.outputChanges).toEqual(['private_subnet_ids']);
    expect(data.outputChanges).toEqual(['database_url']);
  });

  test('an empty plan has no entries', () => {
    const empty = summarize('dev-workloads.tfplan.json');
    expect(empty.entries).toEqual([]);
    expect(empty.counts).toEqual({ import: 0, add: 0, change: 0, destroy: 0, forget: 0, move: 0 });
  });

  test('a deleted data source is not counted', () => {
    const doc = fixtureJson('dev-network.json');
    doc.resource_changes = doc.resource_changes.filter((rc) => rc.mode === 'data');
    (doc.resource_changes[0].change as { actions: string[] }).actions = ['delete'];
    expect(summarizePlan('x', parsePlan(JSON.stringify(doc), 'x.json')).entries).toEqual([]);
  });
});

describe('dataHeldBy', () => {
  test('covers the required data-holding types', () => {
    for (const type of [
      'aws_db_instance',
      'aws_rds_cluster',
      'aws_s3_bucket',
      'aws_ecr_repository',
      'aws_kms_key',
      'aws_eks_cluster',
      'aws_cloudwatch_log_group',
      'aws_dynamodb_table',
      'aws_ebs_volume',
      'aws_efs_file_system',
      'aws_secretsmanager_secret',
      'kubernetes_persistent_volume_v1',
    ]) {
      expect(DATA_HOLDING_RESOURCES.types[type]).toBeDefined();
      expect(dataHeldBy({ type, mode: 'managed', before: {} })).toBe(DATA_HOLDING_RESOURCES.types[type]);
    }
  });

  test('ignores data sources and ordinary resources', () => {
    expect(dataHeldBy({ type: 'aws_s3_bucket', mode: 'data', before: {} })).toBeUndefined();
    expect(dataHeldBy({ type: 'aws_security_group', mode: 'managed', before: {} })).toBeUndefined();
    expect(dataHeldBy({ type: 'kubernetes_manifest', mode: 'managed', before: { manifest: { kind: 'Deployment' } } })).toBeUndefined();
    expect(dataHeldBy({ type: 'kubernetes_manifest', mode: 'managed', before: { manifest: { kind: 'PersistentVolume' } } })).toBe('persistent volume');
  });
});

describe('planLine', () => {
  const zero = { import: 0, add: 0, change: 0, destroy: 0, forget: 0, move: 0 };

  test('reads exactly as Terraform prints it', () => {
    expect(planLine({ ...zero, add: 1, change: 2, destroy: 3 })).toBe('Plan: 1 to add, 2 to change, 3 to destroy.');
  });

  test('puts imports first and forgets last, only when present', () => {
    expect(planLine({ ...zero, import: 1 })).toBe('Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.');
    expect(planLine({ ...zero, forget: 2 })).toBe('Plan: 0 to add, 0 to change, 0 to destroy, 2 to forget.');
    expect(planLine({ ...zero, move: 4 })).toBe('Plan: 0 to add, 0 to change, 0 to destroy.');
  });
});

describe('naturalCompare', () => {
  test('orders runs of digits by value, the rest by code point', () => {
    const addresses = ['aws_s3_bucket.b10', 'aws_s3_bucket.b2', 'aws_s3_bucket.b[10]', 'aws_s3_bucket.b[2]', 'aws_s3_bucket.a', 'aws_s3_bucket.B1', 'aws_s3_bucket.b1'];
    expect([...addresses].sort(naturalCompare)).toEqual([
      'aws_s3_bucket.B1',
      'aws_s3_bucket.a',
      'aws_s3_bucket.b1',
      'aws_s3_bucket.b2',
      'aws_s3_bucket.b10',
      'aws_s3_bucket.b[2]',
      'aws_s3_bucket.b[10]',
    ]);
    expect(naturalCompare('x[99999999999999999999]', 'x[100000000000000000000]')).toBeLessThan(0);
    expect(naturalCompare('x.b2', 'x.b2')).toBe(0);
  });

  test('summarizePlan lists addresses in natural order', () => {
    const doc = fixtureJson('dev-data.plan.json');
    const bucket = doc.resource_changes.find((rc) => rc.address === 'aws_s3_bucket.raw')!;
    doc.resource_changes = ['b10', 'b2', 'b1'].map((name) => ({ ...bucket, address: `aws_s3_bucket.${name}`, name }));
    expect(summarizePlan('s', parsePlan(JSON.stringify(doc), 'x.json')).entries.map((e) => e.address)).toEqual(['aws_s3_bucket.b1', 'aws_s3_bucket.b2', 'aws_s3_bucket.b10']);
  });
});
