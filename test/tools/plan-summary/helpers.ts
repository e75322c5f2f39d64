import { readFileSync } from 'fs';
import * as path from 'path';

export const FIXTURES = path.join(__dirname, 'fixtures');

export function fixturePath(name: string): string {
  return path.join(FIXTURES, name);
}

export function fixtureText(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

/** A fixture as a mutable JSON object, for tests that derive variants of a real-shaped plan. */
export function fixtureJson(name: string): Record<string, unknown> & { resource_changes: Record<string, unknown>[] } {
  return JSON.parse(fixtureText(name));
}

/** Secrets planted in dev-data.plan.json; none may ever appear in output. */
export const SECRETS = ['Hunter2-Sup3r-S3cret!', 'postgresql://old', 'OldNested-S3cret', 'NewNested-S3cret', 'db.x2g.classified-size'];

/**
 * A large plan shaped like `terraform show -json` output: `count` creates, updates and deletes of
 * ordinary resources, plus `dataDeletes` deletes of S3 buckets.
 */
export function generatePlan(count: number, dataDeletes = 0): Record<string, unknown> {
  const resourceChanges: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    const address = `module.tenant["team-${i}"].aws_iam_role_policy_attachment.this[${i}]`;
    const before = kind === 0 ? null : { id: `role-${i}-20240101`, role: `team-${i}`, policy_arn: `arn:aws:iam::aws:policy/ReadOnly${i}` };
    const after = kind === 2 ? null : { role: `team-${i}`, policy_arn: `arn:aws:iam::aws:policy/PowerUser${i}` };
    resourceChanges.push({
      address,
      module_address: `module.tenant["team-${i}"]`,
      mode: 'managed',
      type: 'aws_iam_role_policy_attachment',
      name: 'this',
      index: i,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: {
        actions: [['create'], ['update'], ['delete']][kind],
        before,
        after,
        after_unknown: after === null ? false : { id: kind === 0 },
        before_sensitive: before === null ? false : {},
        after_sensitive: after === null ? false : {},
      },
    });
  }
  for (let i = 0; i < dataDeletes; i++) {
    resourceChanges.push({
      address: `aws_s3_bucket.tenant_data[${i}]`,
      mode: 'managed',
      type: 'aws_s3_bucket',
      name: 'tenant_data',
      index: i,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: ['delete'], before: { bucket: `tenant-data-${i}`, id: `tenant-data-${i}` }, after: null, after_unknown: false, before_sensitive: {}, after_sensitive: false },
    });
  }
  return {
    format_version: '1.2',
    terraform_version: '1.9.5',
    planned_values: { root_module: {} },
    resource_changes: resourceChanges,
    configuration: { root_module: {} },
    timestamp: '2025-06-02T09:14:27Z',
    applyable: true,
    complete: true,
    errored: false,
  };
}
