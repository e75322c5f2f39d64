/**
 * Suppressing a policy finding from code, with a mandatory reason:
 * - cdktf: `suppress(resourceOrScope, 'AWS-RDS-005', 'why')` records it in the synthesized JSON
 *   under the block's `//` metadata key: `"//": { "policy_suppressions": { "AWS-RDS-005": "why" } }`;
 * - cdk8s: `suppressK8s(apiObject, 'K8S-SEC-003', 'why')` adds the annotation
 *   `policy.mlops-platform.dev/suppress: "K8S-SEC-003=why"`.
 */
import type { IConstruct } from 'constructs';
import { PolicySuppressionAspect, recordSuppression } from '../../constructs/core/policy-suppression';
import { ruleOf } from './rules';
import { suppressionProblem } from './suppressions';
import { recordK8sSuppression } from '../../k8s/policy-suppression';

// The recording itself is the library's (`constructs/core/policy-suppression.ts`); this adds the rule-table check.
export { PolicySuppressionAspect };

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
  recordSuppression(construct, id, why);
}

/**
 * Suppresses a Kubernetes rule on a cdk8s object (an `ApiObject`, or a construct whose default
 * child is one, such as a cdk8s-plus `Deployment`). Repeated calls merge into one annotation.
 * Throws on an empty reason, an unknown or non-Kubernetes rule id, or a reason containing `;`.
 */
export function suppressK8s(apiObject: IConstruct, ruleId: string, reason: string): void {
  const { id, why } = validated(apiObject, ruleId, reason);
  if (ruleOf(id).target !== 'kubernetes' && !id.startsWith('CKV_K8S_')) {
    throw new Error(`policy suppression on ${apiObject.node.path}: rule ${id} does not apply to Kubernetes objects`);
  }
  // The recording is the library's (k8s/policy-suppression.ts), which also refuses a reason with ";".
  recordK8sSuppression(apiObject, id, why);
}
