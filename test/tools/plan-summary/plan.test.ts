import { actionKind, parsePlan, PlanError } from '../../../tools/plan-summary/plan';
import { fixtureJson, fixtureText } from './helpers';

function parseError(text: string, source = 'plans/dev-data.json'): PlanError {
  try {
    parsePlan(text, source);
  } catch (err) {
    if (err instanceof PlanError) return err;
    throw err;
  }
  throw new Error('expected a PlanError');
}

describe('parsePlan', () => {
  test('reads every resource change of a real-shaped plan', () => {
    const plan = parsePlan(fixtureText('dev-network.json'), 'dev-network.json');
    expect(plan.formatVersion).toBe('1.2');
    expect(plan.terraformVersion).toBe('1.9.5');
    expect(plan.resourceChanges).toHaveLength(12);
    expect(plan.errored).toBe(false);
    expect(plan.complete).toBe(true);
    const byAddress = new Map(plan.resourceChanges.map((rc) => [rc.address, rc]));
    expect(byAddress.get('aws_launch_template.general')).toMatchObject({ kind: 'create-then-delete', replacePaths: [['name_prefix']], actionReason: 'replace_by_request' });
    expect(byAddress.get('aws_route_table_association.private_a')?.kind).toBe('delete-then-create');
    expect(byAddress.get('data.aws_availability_zones.available')).toMatchObject({ mode: 'data', kind: 'read' });
    expect(byAddress.get('module.endpoints.aws_vpc_endpoint.s3')).toMatchObject({ kind: 'no-op', previousAddress: 'aws_vpc_endpoint.s3' });
    expect(byAddress.get('aws_eip.nat_a')?.importing).toEqual({ id: 'eipalloc-0123456789abcdef0' });
    expect(plan.outputChanges.map((o) => [o.name, o.kind])).toEqual([
      ['vpc_id', 'no-op'],
      ['private_subnet_ids', 'update'],
    ]);
  });

  test('an empty plan has no resource changes', () => {
    const plan = parsePlan(fixtureText('dev-workloads.tfplan.json'), 'dev-workloads.tfplan.json');
    expect(plan.resourceChanges).toEqual([]);
    expect(plan.outputChanges).toEqual([]);
  });

  test('a previous_address equal to the address is not a move', () => {
    const doc = fixtureJson('dev-network.json');
    doc.resource_changes = [{ ...doc.resource_changes[0], previous_address: doc.resource_changes[0].address }];
    expect(parsePlan(JSON.stringify(doc), 'x.json').resourceChanges[0].previousAddress).toBeUndefined();
  });

  test('reads errored and partial plans', () => {
    const doc = { ...fixtureJson('dev-workloads.tfplan.json'), errored: true, complete: false };
    expect(parsePlan(JSON.stringify(doc), 'x.json')).toMatchObject({ errored: true, complete: false });
  });

  test('fails when the text is not JSON, naming the file', () => {
    const err = parseError(fixtureText('not-json.json'));
    expect(err.source).toBe('plans/dev-data.json');
    expect(err.message).toMatch(/^plans\/dev-data\.json: not valid JSON/);
  });

  test('fails when the JSON is not a plan', () => {
    expect(parseError(fixtureText('not-a-plan.json')).reason).toMatch(/not a Terraform plan: no "format_version"\/"terraform_version"/);
    expect(parseError('[1, 2]').reason).toMatch(/expected a JSON object, got an array/);
    expect(parseError('null').reason).toMatch(/got null/);
  });

  test('fails when given a state file', () => {
    expect(parseError(fixtureText('terraform.tfstate.json')).reason).toMatch(/is a Terraform state file, not a plan/);
  });

  test('fails when given `terraform show -json` of a state', () => {
    expect(parseError(fixtureText('shown-state.json')).reason).toMatch(/output of a state, not a plan \(no "planned_values" or "resource_changes"\)/);
  });

  test('fails on an unsupported format version', () => {
    const doc = { ...fixtureJson('dev-workloads.tfplan.json'), format_version: '2.0' };
    expect(parseError(JSON.stringify(doc)).reason).toMatch(/unsupported plan format_version "2.0"/);
  });

  test('fails on a malformed resource change, saying where', () => {
    const doc = fixtureJson('dev-network.json');
    delete (doc.resource_changes[3] as { address?: string }).address;
    expect(parseError(JSON.stringify(doc)).reason).toBe('not a valid Terraform plan: resource_changes[3].address is missing');

    const bad = fixtureJson('dev-network.json');
    (bad.resource_changes[0].change as { actions: string[] }).actions = ['update', 'delete'];
    expect(parseError(JSON.stringify(bad)).reason).toMatch(/resource_changes\[0\] \(aws_subnet\.private_a\): unknown actions \["update","delete"\]/);

    const unknownAction = fixtureJson('dev-network.json');
    (unknownAction.resource_changes[0].change as { actions: string[] }).actions = ['explode'];
    expect(parseError(JSON.stringify(unknownAction)).reason).toMatch(/resource_changes\[0\]\.change\.actions\[0\] must be one of "no-op", "create", .*, got "explode"$/);
  });

  test('says plainly that change.actions is missing, not what zod calls it', () => {
    const doc = fixtureJson('dev-network.json');
    delete (doc.resource_changes[3].change as Record<string, unknown>).actions;
    const reason = parseError(JSON.stringify(doc)).reason;
    expect(reason).toBe('not a valid Terraform plan: resource_changes[3].change.actions is missing');
    expect(reason).not.toMatch(/nonoptional|Invalid input|received undefined/);
  });

  // jsonplan tags before/after `omitempty`: Terraform leaves the key out (it never writes null for unknown).
  test.each(['before', 'after'])('reads a change whose %s key Terraform omitted as null', (key) => {
    const doc = fixtureJson('dev-network.json');
    delete (doc.resource_changes[3].change as Record<string, unknown>)[key];
    const rc = parsePlan(JSON.stringify(doc), 'x.json').resourceChanges[3];
    expect(rc[key as 'before' | 'after']).toBeNull();
  });

  test('names the expected and the found type of a wrong value', () => {
    const doc = fixtureJson('dev-network.json');
    (doc.resource_changes[1] as Record<string, unknown>).change = 'create';
    expect(parseError(JSON.stringify(doc)).reason).toBe('not a valid Terraform plan: resource_changes[1].change must be an object, got a string');
    const empty = fixtureJson('dev-network.json');
    (empty.resource_changes[0].change as { actions: string[] }).actions = [];
    expect(parseError(JSON.stringify(empty)).reason).toBe('not a valid Terraform plan: resource_changes[0].change.actions must not be empty');
  });
});

describe('actionKind', () => {
  test('normalizes both replacement orders and rejects combinations Terraform never writes', () => {
    expect(actionKind(['delete', 'create'])).toBe('delete-then-create');
    expect(actionKind(['create', 'delete'])).toBe('create-then-delete');
    expect(actionKind(['create', 'forget'])).toBe('create-then-forget');
    expect(actionKind(['no-op'])).toBe('no-op');
    expect(actionKind(['delete', 'update'])).toBeUndefined();
  });
});
