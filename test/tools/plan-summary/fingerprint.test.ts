import { canonicalJson, fingerprintPlan } from '../../../tools/plan-summary/fingerprint';
import { parsePlan } from '../../../tools/plan-summary/plan';
import { fixtureJson, generatePlan } from './helpers';

type PlanDoc = ReturnType<typeof fixtureJson>;
type Change = { actions: string[]; after: Record<string, unknown> | null; after_unknown: Record<string, unknown> | boolean; importing?: { id: string } };

function fingerprint(doc: unknown): string {
  return fingerprintPlan(parsePlan(JSON.stringify(doc), 'plan.json'));
}

function changeOf(doc: PlanDoc, address: string): Change {
  const rc = doc.resource_changes.find((r) => r.address === address);
  if (!rc) throw new Error(`no resource change ${address}`);
  return rc.change as Change;
}

describe('fingerprintPlan', () => {
  const reviewed = fixtureJson('dev-network.json');
  const reviewedPrint = fingerprint(reviewed);

  test('is a SHA-256 in hex', () => {
    expect(reviewedPrint).toMatch(/^[0-9a-f]{64}$/);
  });

  test('is the same for the same changes in another order, with other volatile fields', () => {
    const again = fixtureJson('dev-network.json');
    again.resource_changes.reverse();
    again.terraform_version = '1.10.2';
    again.timestamp = '2025-06-03T17:00:00Z';
    again.prior_state = { format_version: '1.0', terraform_version: '1.10.2', values: { root_module: {} } };
    again.configuration = {};
    again.planned_values = { root_module: {} };
    // Key order inside values does not matter either.
    const vpc = changeOf(again, 'aws_vpc.main');
    vpc.after = Object.fromEntries(Object.entries(vpc.after ?? {}).reverse());
    // Before values (prior state) do not matter: the plan is about where the resource ends up.
    (again.resource_changes.find((r) => r.address === 'aws_flow_log.vpc')?.change as { before: Record<string, unknown> }).before.traffic_type = 'ACCEPT';
    expect(fingerprint(again)).toBe(reviewedPrint);
  });

  test('ignores no-op and read changes that do nothing', () => {
    const fewer = fixtureJson('dev-network.json');
    fewer.resource_changes = fewer.resource_changes.filter((r) => r.address !== 'aws_internet_gateway.main' && r.mode !== 'data');
    expect(fingerprint(fewer)).toBe(reviewedPrint);
  });

  test('changes when an action changes', () => {
    const other = fixtureJson('dev-network.json');
    changeOf(other, 'aws_launch_template.general').actions = ['delete', 'create'];
    expect(fingerprint(other)).not.toBe(reviewedPrint);
  });

  test('changes when a planned value changes, however deep', () => {
    const other = fixtureJson('dev-network.json');
    (changeOf(other, 'aws_vpc.main').after as { tags: Record<string, string> }).tags.owner = 'data-science';
    expect(fingerprint(other)).not.toBe(reviewedPrint);
  });

  test('changes when a known value becomes unknown', () => {
    const other = fixtureJson('dev-network.json');
    const change = changeOf(other, 'aws_subnet.private_a');
    delete change.after?.cidr_block;
    (change.after_unknown as Record<string, unknown>).cidr_block = true;
    expect(fingerprint(other)).not.toBe(reviewedPrint);
  });

  test('changes when a resource change is added or removed, moved or imported differently', () => {
    const removed = fixtureJson('dev-network.json');
    removed.resource_changes = removed.resource_changes.filter((r) => r.address !== 'aws_route.legacy_peering');
    const moved = fixtureJson('dev-network.json');
    (moved.resource_changes.find((r) => r.address === 'module.endpoints.aws_vpc_endpoint.s3') as { previous_address: string }).previous_address = 'aws_vpc_endpoint.s3_old';
    const imported = fixtureJson('dev-network.json');
    changeOf(imported, 'aws_eip.nat_a').importing = { id: 'eipalloc-0fffffffffffffff0' };
    const prints = [removed, moved, imported].map(fingerprint);
    expect(new Set([reviewedPrint, ...prints]).size).toBe(4);
  });

  test('changes when an output changes', () => {
    const other = fixtureJson('dev-network.json');
    (other.output_changes as Record<string, Change>).private_subnet_ids.after_unknown = false;
    expect(fingerprint(other)).not.toBe(reviewedPrint);
  });

  test('an empty plan has a fingerprint of its own', () => {
    const empty = fingerprint(fixtureJson('dev-workloads.tfplan.json'));
    expect(empty).toMatch(/^[0-9a-f]{64}$/);
    expect(empty).not.toBe(reviewedPrint);
  });

  test('is stable for a large plan in any order', () => {
    const plan = generatePlan(2_000, 5) as { resource_changes: unknown[] };
    // A deterministic reordering: every seventh change first, then the rest reversed.
    const everySeventh = plan.resource_changes.filter((_, i) => i % 7 === 0);
    const rest = plan.resource_changes.filter((_, i) => i % 7 !== 0).reverse();
    const shuffled = { ...plan, resource_changes: [...everySeventh, ...rest] };
    expect(fingerprint(shuffled)).toBe(fingerprint(plan));
  });
});

describe('canonicalJson', () => {
  test('sorts object keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });
});
