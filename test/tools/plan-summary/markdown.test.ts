import { code, DEFAULT_MAX_LENGTH, inlineCode, renderMarkdown } from '../../../tools/plan-summary/markdown';
import { parsePlan } from '../../../tools/plan-summary/plan';
import { summarizePlan, type StackSummary } from '../../../tools/plan-summary/summary';
import { fixtureText, generatePlan, SECRETS } from './helpers';

function stack(name: string, fixture: string): StackSummary {
  return summarizePlan(name, parsePlan(fixtureText(fixture), fixture));
}

function generated(name: string, count: number, dataDeletes = 0): StackSummary {
  return summarizePlan(name, parsePlan(JSON.stringify(generatePlan(count, dataDeletes)), `${name}.json`));
}

describe('renderMarkdown', () => {
  const network = stack('dev-network', 'dev-network.json');
  const data = stack('dev-data', 'dev-data.plan.json');
  const workloads = stack('dev-workloads', 'dev-workloads.tfplan.json');
  const all = renderMarkdown([network, data, workloads]);

  test('puts the data-loss warning first, listing every delete and replace of data by address', () => {
    const caution = all.indexOf('> [!CAUTION]');
    expect(caution).toBeGreaterThan(0);
    expect(caution).toBeLessThan(all.indexOf('### `dev-network`'));
    expect(all).toContain('> **5 data-holding resources will be destroyed or replaced.**');
    expect(all).toContain('> - `module.database.aws_db_instance.this` in `dev-data`: database will be **replaced (destroy before create)**');
    expect(all).toContain('> - `aws_s3_bucket.artifacts` in `dev-data`: bucket will be **replaced (create before destroy)**');
    expect(all).toContain('> - `aws_s3_bucket.raw` in `dev-data`: bucket will be **destroyed**');
    expect(all).toContain('> - `aws_kms_key.data` in `dev-data`: KMS key will be **destroyed**');
    expect(all).toContain('> - `kubernetes_manifest.mlflow_pvc` in `dev-data`: persistent volume claim will be **destroyed**');
  });

  test('has no warning when nothing holding data is destroyed', () => {
    expect(renderMarkdown([network])).not.toContain('[!CAUTION]');
  });

  test('prints each stack with Terraform’s plan line, moves and output names', () => {
    expect(all).toContain('### `dev-network`\n\nPlan: 1 to import, 4 to add, 3 to change, 3 to destroy.\n');
    expect(all).toContain('2 resources move to a new address (state only; the objects are kept).');
    expect(all).toContain('Outputs that change: `private_subnet_ids`.');
    expect(all).toContain('### `dev-data`\n\nPlan: 3 to add, 2 to change, 5 to destroy.\n');
    expect(all).toContain('### `dev-workloads`\n\nNo changes. Your infrastructure matches the configuration.');
    expect(all).toContain('| `dev-data` | Plan: 3 to add, 2 to change, 5 to destroy. :warning: data loss |');
    expect(all).toContain('| `dev-workloads` | No changes. |');
  });

  test('wraps each stack’s tables in details, grouped by action', () => {
    expect(all).toContain('<details open><summary>10 changed resources</summary>');
    expect(all.match(/<details/g)).toHaveLength(2);
    expect(all.match(/<\/details>/g)).toHaveLength(2);
    const networkSection = all.slice(all.indexOf('### `dev-network`'), all.indexOf('### `dev-data`'));
    const headings = [...networkSection.matchAll(/^\*\*(.+?)\*\* \((\d+)\)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(headings).toEqual(['Destroy 1', 'Replace 2', 'Update in place 3', 'Create 2', 'Import 1', 'Move 1']);
  });

  test('shows the rows each action needs', () => {
    expect(all).toContain('| `aws_route.legacy_peering` | `aws_route` | not in configuration |');
    expect(all).toContain(
      '| `aws_launch_template.general` | `aws_launch_template` | **create before destroy**; replacement requested (`-replace`); changed: `instance_type` `"m6i.large"` -> `"m7i.large"`, `name_prefix` **forces replacement** |',
    );
    expect(all).toContain('| `aws_route_table_association.private_a` | `aws_route_table_association` | **destroy before create**; changed: `subnet_id` **forces replacement** |');
    expect(all).toContain('| `aws_flow_log.vpc` | `aws_flow_log` | changed: `max_aggregation_interval`, `traffic_type` |');
    expect(all).toContain('| `module.endpoints.aws_vpc_endpoint.ecr_api` | `aws_vpc_endpoint` | moved from `aws_vpc_endpoint.ecr_api`; changed: `private_dns_enabled` |');
    expect(all).toContain('| `aws_subnet.private_a` | `aws_subnet` | `cidr_block` = `"10.20.32.0/19"` |');
    expect(all).toContain('| `aws_eip.nat_a` | `aws_eip` | import id `eipalloc-0123456789abcdef0` |');
    expect(all).toContain('| `module.endpoints.aws_vpc_endpoint.s3` | `aws_vpc_endpoint` | `aws_vpc_endpoint.s3` -> `module.endpoints.aws_vpc_endpoint.s3` |');
    expect(all).toContain('**destroys data: database**; **destroy before create**; changed: `engine` `"postgres"` -> `"aurora-postgresql"` **forces replacement**');
  });

  test('leaves out no-op and read entries and attribute values outside the safe set', () => {
    expect(all).not.toContain('aws_internet_gateway.main');
    expect(all).not.toContain('data.aws_availability_zones');
    expect(all).not.toContain('vpc_id');
    expect(all).not.toContain('REJECT');
    expect(all).not.toContain('mlops-dev-raw-data');
    expect(all).not.toContain('platform');
  });

  test('never prints a sensitive value, even of a safe attribute', () => {
    for (const secret of SECRETS) expect(all).not.toContain(secret);
    expect(all).toContain('changed: `secret_string` (sensitive), `version_id`');
    expect(all).toContain('`set_sensitive` (sensitive)');
    expect(all).toContain('`instance_class` (sensitive)');
    expect(all).toContain('Outputs that change: `database_url`.');
  });

  test('shows unknown values as known after apply', () => {
    const summary: StackSummary = {
      ...data,
      entries: [
        {
          address: 'aws_db_instance.x',
          type: 'aws_db_instance',
          group: 'create',
          attributes: [{ name: 'engine_version', sensitive: false, forcesReplacement: false, after: { kind: 'unknown' } }],
        },
      ],
    };
    expect(renderMarkdown([summary])).toContain('| `aws_db_instance.x` | `aws_db_instance` | `engine_version` = (known after apply) |');
  });

  test('an empty plan says there are no changes and has no table', () => {
    const out = renderMarkdown([workloads]);
    expect(out).toBe('## Terraform plan\n\n### `dev-workloads`\n\nNo changes. Your infrastructure matches the configuration.\n');
  });

  test('says when planning failed', () => {
    const out = renderMarkdown([{ ...network, errored: true }]);
    expect(out).toContain('> [!WARNING]\n> Planning failed for this stack: the plan is incomplete and cannot be applied.');
    expect(out).toContain('**Planning failed**. Changes planned before the error (incomplete):\n\nPlan: 1 to import, 4 to add, 3 to change, 3 to destroy.');
  });

  test('an errored plan with no changes never says "No changes", in its section or the overview', () => {
    const failed: StackSummary = { ...workloads, errored: true };
    const alone = renderMarkdown([failed]);
    expect(alone).not.toMatch(/No changes/);
    expect(alone).toBe(
      "## Terraform plan\n\n### `dev-workloads`\n\n> [!WARNING]\n> Planning failed for this stack: the plan is incomplete and cannot be applied.\n\n**Planning failed**. See the plan job's log for the error.\n",
    );
    const out = renderMarkdown([network, failed, { ...data, name: 'dev-data', errored: true }]);
    expect(out).toContain('| `dev-workloads` | **Planning failed** |');
    expect(out).toContain('| `dev-data` | **Planning failed** (incomplete: Plan: 3 to add, 2 to change, 5 to destroy.) :warning: data loss |');
    expect(out).not.toContain('No changes');
  });

  test('lists data-loss addresses in natural order', () => {
    const bucket = data.entries.find((e) => e.address === 'aws_s3_bucket.raw')!;
    const entries = ['b10', 'b2', 'b[10]', 'b[2]'].map((name) => ({ ...bucket, address: `aws_s3_bucket.${name}` }));
    const out = renderMarkdown([{ ...data, entries }]);
    const listed = [...out.matchAll(/^> - `(aws_s3_bucket\.[^`]+)`/gm)].map((m) => m[1]);
    expect(listed).toEqual(['aws_s3_bucket.b2', 'aws_s3_bucket.b10', 'aws_s3_bucket.b[2]', 'aws_s3_bucket.b[10]']);
  });

  test('escapes | only inside table rows', () => {
    const bucket = data.entries.find((e) => e.address === 'aws_s3_bucket.raw')!;
    const address = 'aws_s3_bucket.this["a|b"]';
    const out = renderMarkdown([{ ...data, name: 'dev|data', entries: [{ ...bucket, address }], outputChanges: ['x|y'] }, network]);
    expect(out).toContain('> - `aws_s3_bucket.this["a|b"]` in `dev|data`: bucket will be **destroyed**');
    expect(out).toContain('### `dev|data`');
    expect(out).toContain('Outputs that change: `x|y`.');
    expect(out).toContain('| `aws_s3_bucket.this["a\\|b"]` | `aws_s3_bucket` | **destroys data: bucket**; not in configuration |');
    expect(out).toContain('| `dev\\|data` | Plan:');
  });

  test('keeps a 5,000-change plan under the comment limit, with full counts and a note of what was cut', () => {
    const big = generated('prod-platform', 5_000, 3);
    const out = renderMarkdown([network, big]);
    expect(out.length).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH);
    expect(out.length).toBeLessThan(65_536);
    // Terraform prints plain integers in its plan line.
    expect(out).toContain('### `prod-platform`\n\nPlan: 1667 to add, 1667 to change, 1669 to destroy.\n');
    const shownRows = (out.match(/^\| `module\.tenant/gm) ?? []).length;
    expect(shownRows).toBeGreaterThan(100);
    const hidden = 5_003 - 3 - shownRows;
    expect(out).toContain(`… and ${hidden.toLocaleString('en-US')} more changes not shown; see the plan artifact.`);
    // Every data-holding delete is in the warning and in the table; the small stack is complete.
    for (let i = 0; i < 3; i++) {
      expect(out).toContain(`> - \`aws_s3_bucket.tenant_data[${i}]\` in \`prod-platform\`: bucket will be **destroyed**`);
      expect(out).toContain(`| \`aws_s3_bucket.tenant_data[${i}]\` | \`aws_s3_bucket\` | **destroys data: bucket** |`);
    }
    expect(out).toContain('| `aws_eip.nat_a` | `aws_eip` | import id `eipalloc-0123456789abcdef0` |');
    expect(out).toContain('<details><summary>5,003 changed resources</summary>');
  });

  test('shares the room between stacks, destructive rows first, so no stack is pushed out', () => {
    const out = renderMarkdown([generated('a', 3_000), generated('b', 3_000)], { maxLength: 20_000 });
    expect(out.length).toBeLessThanOrEqual(20_000);
    const a = out.slice(out.indexOf('### `a`'), out.indexOf('### `b`'));
    const b = out.slice(out.indexOf('### `b`'));
    for (const section of [a, b]) {
      expect(section).toContain('**Destroy** (1,000)');
      expect(section).not.toContain('**Create**');
      expect(section).toMatch(/… and [\d,]+ more changes not shown; see the plan artifact\./);
    }
    const rows = (section: string) => (section.match(/^\| `module/gm) ?? []).length;
    expect(Math.abs(rows(a) - rows(b))).toBeLessThanOrEqual(1);
  });

  test('lists what fits of a huge data-loss warning but always keeps its count and every plan line', () => {
    const out = renderMarkdown([generated('prod-data', 30, 2_000)], { maxLength: 20_000 });
    expect(out.length).toBeLessThanOrEqual(20_000);
    expect(out).toContain('> **2,000 data-holding resources will be destroyed or replaced.**');
    expect(out).toMatch(/> - … and [\d,]+ more; see the plan artifact\./);
    expect(out).toContain('Plan: 10 to add, 10 to change, 2010 to destroy.');
  });
});

describe('code', () => {
  test('escapes pipes and backticks so a cell cannot break the table', () => {
    expect(code('aws_x.y["a|b"]')).toBe('`aws_x.y["a\\|b"]`');
    expect(code('a`b')).toBe('`` a`b ``');
    expect(code('line1\nline2')).toBe('`line1 line2`');
  });

  test('inlineCode keeps pipes, for text outside tables', () => {
    expect(inlineCode('aws_x.y["a|b"]')).toBe('`aws_x.y["a|b"]`');
    expect(inlineCode('a`b\nc')).toBe('`` a`b c ``');
  });
});
