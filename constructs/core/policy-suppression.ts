/**
 * Records a policy suppression in the synthesized Terraform JSON, for constructs whose design makes
 * a rule or scanner check inapplicable (a KMS key policy's `Resource: "*"` means "this key"):
 * `"//": { "policy_suppressions": { "RULE-ID": "reason" } }` on the block, the key `npm run policy`
 * (tools/policy) reads. The checker validates the id and reason; an unknown id or an empty reason is
 * a POLICY-001 finding there. The repository's stacks call `suppress()` from tools/policy, which
 * validates first and then records through this.
 */
import { Aspects, TerraformDataSource, TerraformResource, TerraformStack, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';

/** Key under a Terraform block's `//` metadata that holds `{ "RULE-ID": "reason" }`. */
export const POLICY_SUPPRESSIONS_KEY = 'policy_suppressions';

type TerraformBlock = TerraformResource | TerraformDataSource;

function isTerraformBlock(node: IConstruct): node is TerraformBlock {
  return node instanceof TerraformResource || node instanceof TerraformDataSource;
}

function record(block: TerraformBlock, ruleId: string, reason: string): void {
  // One key per rule: repeated calls and several aspects merge instead of overwriting each other.
  if (block instanceof TerraformResource) {
    block.addOverride(`//.${POLICY_SUPPRESSIONS_KEY}.${ruleId}`, reason);
  } else {
    // A data source replaces its whole "//" key with the construct metadata (cdktf 0.21), so its own
    // overrides of "//" are lost; the stack's overrides are merged last. Called at synth (from an
    // Aspect) so that the logical id is final.
    const address = `data.${block.terraformResourceType}.${block.friendlyUniqueId}`;
    TerraformStack.of(block).addOverride(`${address}.//.${POLICY_SUPPRESSIONS_KEY}.${ruleId}`, reason);
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

/**
 * Suppresses `ruleId` (a policy rule, `AWS-S3-002`, or a checkov id, `CKV_AWS_111`) on a resource,
 * or through an Aspect on every resource and data source under `construct`; `reason` says why.
 * Data sources are always recorded at synth, when their logical ids are final.
 */
export function recordPolicySuppression(construct: IConstruct, ruleId: string, reason: string): void {
  if (ruleId.trim() === '' || reason.trim() === '') throw new Error(`policy suppression on ${construct.node.path}: a rule id and a reason are required`);
  if (construct instanceof TerraformResource) record(construct, ruleId.trim(), reason.trim());
  else Aspects.of(construct).add(new PolicySuppressionAspect(ruleId.trim(), reason.trim()));
}

/** checkov's CKV_AWS_338 asks for a year; shorter retention is a per-environment decision here. */
const CHECKOV_LOG_RETENTION_DAYS = 365;

/**
 * Accepts a log group's retention below a year (checkov CKV_AWS_338) when it comes from
 * configuration: `setting` names where it is chosen, and appears in the reason.
 */
export function acceptLogRetention(logGroup: TerraformResource, days: number, setting: string): void {
  if (days >= CHECKOV_LOG_RETENTION_DAYS) return;
  recordPolicySuppression(logGroup, 'CKV_AWS_338', `retention is ${days} days, chosen per environment by ${setting} (operational logs, not an audit trail; AWS-LOG-001 requires it to be set)`);
}
