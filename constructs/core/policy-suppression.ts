/**
 * Recording a policy-check suppression on a Terraform block, with a mandatory reason. The library and
 * the stacks both need this; the policy check (`tools/policy`) reads what it writes, and reports an
 * unknown or unsuppressible rule id as a POLICY-001 finding, so synth still fails on a typo.
 */
import { Aspects, TerraformDataSource, TerraformResource, TerraformStack, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';

import { SUPPRESSION_METADATA_KEY } from './suppression-keys';

export { SUPPRESSION_ANNOTATION, SUPPRESSION_METADATA_KEY } from './suppression-keys';

/**
 * Rule ids look like `AWS-RDS-005`, `K8S-SEC-003`, `POLICY-001`; the scanners' like `CKV_AWS_111`,
 * `CKV2_AWS_62` (checkov) and `zizmor/cache-poisoning`.
 */
const RULE_ID = /^(?:[A-Z0-9]+(-[A-Z0-9]+)+|CKV2?_[A-Z0-9]+_\d+|zizmor\/[a-z0-9-]+)$/;

type TerraformBlock = TerraformResource | TerraformDataSource;

function isTerraformBlock(node: IConstruct): node is TerraformBlock {
  return node instanceof TerraformResource || node instanceof TerraformDataSource;
}

/** Writes `"//": { "policy_suppressions": { RULE: reason } }` into the block's synthesized JSON. */
function record(block: TerraformBlock, ruleId: string, reason: string): void {
  // One key per rule: repeated calls and several aspects merge instead of overwriting each other.
  if (block instanceof TerraformResource) {
    block.addOverride(`//.${SUPPRESSION_METADATA_KEY}.${ruleId}`, reason);
  } else {
    // A data source replaces its whole "//" key with the construct metadata (cdktf 0.21), so its own
    // overrides of "//" are lost; the stack's overrides are merged last. Called at synth (from an
    // Aspect) so that the logical id is final.
    const address = `data.${block.terraformResourceType}.${block.friendlyUniqueId}`;
    TerraformStack.of(block).addOverride(`${address}.//.${SUPPRESSION_METADATA_KEY}.${ruleId}`, reason);
  }
}

/** Records one suppression on every Terraform resource and data source under a construct, at synth. */
export class PolicySuppressionAspect implements IAspect {
  constructor(
    readonly ruleId: string,
    readonly reason: string,
  ) {}

  visit(node: IConstruct): void {
    if (isTerraformBlock(node)) record(node, this.ruleId, this.reason);
  }
}

/** Why a suppression is malformed on its face (the rule table is the policy check's), or undefined. */
export function suppressionShapeProblem(ruleId: string, reason: unknown): string | undefined {
  const id = ruleId.trim();
  if (id === '') return 'suppression names no rule id';
  if (!RULE_ID.test(id)) return `suppression names "${id}", which is not a rule id such as AWS-RDS-005 or CKV_AWS_111`;
  if (typeof reason !== 'string' || reason.trim() === '') return `suppression of ${id} gives no reason`;
  return undefined;
}

/**
 * Records a suppression of `ruleId` on a Terraform resource or data source, or (through an Aspect) on
 * every resource and data source under `construct`, without checking the id against the rule table
 * (`tools/policy`'s `suppress` does; the policy check reports unknown ids either way).
 */
export function recordSuppression(construct: IConstruct, ruleId: string, reason: string): void {
  const problem = suppressionShapeProblem(ruleId, reason);
  if (problem) throw new Error(`policy suppression on ${construct.node.path}: ${problem}`);
  const id = ruleId.trim();
  const why = reason.trim();
  if (construct instanceof TerraformResource) record(construct, id, why);
  else Aspects.of(construct).add(new PolicySuppressionAspect(id, why));
}

/** checkov's CKV_AWS_338 asks for a year; shorter retention is a per-environment decision here. */
const CHECKOV_LOG_RETENTION_DAYS = 365;

/**
 * Accepts a log group's retention below a year (checkov CKV_AWS_338) when it comes from
 * configuration: `setting` names where it is chosen, and appears in the reason.
 */
export function acceptLogRetention(logGroup: TerraformResource, days: number, setting: string): void {
  if (days >= CHECKOV_LOG_RETENTION_DAYS) return;
  recordSuppression(logGroup, 'CKV_AWS_338', `retention is ${days} days, chosen by ${setting} (operational logs, not an audit trail; AWS-LOG-001 requires it to be set)`);
}
