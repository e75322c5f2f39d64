/**
 * Suppressing a policy finding from code, with a mandatory reason:
 * - cdktf: `suppress(resourceOrScope, 'AWS-RDS-005', 'why')` records it in the synthesized JSON
 *   under the block's `//` metadata key: `"//": { "policy_suppressions": { "AWS-RDS-005": "why" } }`;
 * - cdk8s: `suppressK8s(apiObject, 'K8S-SEC-003', 'why')` adds the annotation
 *   `policy.mlops-platform.dev/suppress: "K8S-SEC-003=why"`.
 */
import { ApiObject } from 'cdk8s';
import { Aspects, TerraformDataSource, TerraformResource, TerraformStack, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { ruleOf } from './rules';
import {
  SUPPRESSION_ANNOTATION,
  SUPPRESSION_METADATA_KEY,
  formatSuppressionAnnotation,
  parseSuppressionAnnotation,
  suppressionProblem,
} from './suppressions';

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

function validated(construct: IConstruct, ruleId: string, reason: string): { id: string; why: string } {
  const problem = suppressionProblem(ruleId, reason);
  if (problem) throw new Error(`policy suppression on ${construct.node.path}: ${problem}`);
  return { id: ruleId.trim(), why: reason.trim() };
}

/**
 * Suppresses `ruleId` on a Terraform resource or data source, or (through an Aspect) on every
 * resource and data source under `construct`. Throws on an empty reason or an unknown rule id.
 */
export function suppress(construct: IConstruct, ruleId: string, reason: string): void {
  const { id, why } = validated(construct, ruleId, reason);
  if (construct instanceof TerraformResource) record(construct, id, why);
  else Aspects.of(construct).add(new PolicySuppressionAspect(id, why));
}

/**
 * Suppresses a Kubernetes rule on a cdk8s object (an `ApiObject`, or a construct whose default
 * child is one, such as a cdk8s-plus `Deployment`). Repeated calls merge into one annotation.
 * Throws on an empty reason, an unknown or non-Kubernetes rule id, or a reason containing `;`.
 */
export function suppressK8s(apiObject: IConstruct, ruleId: string, reason: string): void {
  const { id, why } = validated(apiObject, ruleId, reason);
  const target = ruleOf(id).target;
  if (target !== 'kubernetes' && !id.startsWith('CKV_K8S_')) {
    throw new Error(`policy suppression on ${apiObject.node.path}: rule ${id} does not apply to Kubernetes objects`);
  }
  if (why.includes(';')) {
    throw new Error(`policy suppression on ${apiObject.node.path}: the reason must not contain ";" (it separates suppressions)`);
  }
  const object = ApiObject.of(apiObject);
  const annotations = (object.metadata.toJson() as { annotations?: Record<string, string> }).annotations ?? {};
  const current = parseSuppressionAnnotation(annotations[SUPPRESSION_ANNOTATION]);
  const merged = new Map(current.valid);
  merged.set(id, why);
  object.metadata.addAnnotation(SUPPRESSION_ANNOTATION, formatSuppressionAnnotation(merged));
}
