/**
 * Records a policy suppression on a Kubernetes object, for workloads whose design makes a rule or
 * scanner check inapplicable: the annotation `policy.mlops-platform.dev/suppress: "ID=reason; ID=reason"`
 * that `npm run policy` (tools/policy) reads, for its own rules (`K8S-SEC-003`) and checkov's
 * (`CKV_K8S_15`). The checker validates ids and reasons (POLICY-001); `suppressK8s()` in tools/policy
 * validates first and then records through this.
 */
import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { SUPPRESSION_ANNOTATION } from '../constructs/core/suppression-keys';

/** Adds (or replaces) `ruleId=reason` in the object's suppression annotation; other entries are kept. */
export function recordK8sSuppression(apiObject: IConstruct, ruleId: string, reason: string): void {
  const id = ruleId.trim();
  const why = reason.trim();
  if (id === '' || why === '') throw new Error(`policy suppression on ${apiObject.node.path}: a rule id and a reason are required`);
  if (why.includes(';')) throw new Error(`policy suppression on ${apiObject.node.path}: the reason must not contain ";" (it separates suppressions)`);
  const object = ApiObject.of(apiObject);
  const annotations = (object.metadata.toJson() as { annotations?: Record<string, string> }).annotations ?? {};
  const entries = new Map<string, string>();
  for (const part of (annotations[SUPPRESSION_ANNOTATION] ?? '').split(';')) {
    const equals = part.indexOf('=');
    if (part.trim() !== '') entries.set((equals < 0 ? part : part.slice(0, equals)).trim(), equals < 0 ? '' : part.slice(equals + 1).trim());
  }
  entries.set(id, why);
  object.metadata.addAnnotation(SUPPRESSION_ANNOTATION, [...entries].map(([key, value]) => `${key}=${value}`).join('; '));
}

/**
 * The image decisions of every workload here (k8s/container.ts), which checkov's CKV_K8S_15 (pull
 * Always) and CKV_K8S_43 (a digest) do not know: images come from the shared ECR, whose tags are
 * IMMUTABLE (AWS-ECR-001), so a tag names one image and `IfNotPresent` runs exactly that image.
 */
export function acceptImmutableImageTags(apiObject: IConstruct): void {
  recordK8sSuppression(apiObject, 'CKV_K8S_15', 'images are pulled IfNotPresent: their ECR tags are immutable, so pulling again on every start changes nothing and adds a registry dependency');
  recordK8sSuppression(apiObject, 'CKV_K8S_43', 'images are named by immutable ECR tags (environments/*.ts, promoted by reviewed pull requests), which name one image as a digest would');
}
