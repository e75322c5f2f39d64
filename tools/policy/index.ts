/** Policy as code for the synthesized Terraform JSON and Kubernetes YAML (see docs/policy.md). */
export {
  runPolicy,
  collectInputs,
  PolicyInputError,
  notTerraformJsonReason,
  isInterruptedSynthDirectory,
  TERRAFORM_JSON_KEYS,
  type PolicyOptions,
  type PolicyInput,
} from './run';
export { checkTerraform, readTerraform, checkTerraformDocument, type TerraformDocument, type TerraformBlock } from './terraform';
export {
  checkKubernetes,
  buildKubernetesIndex,
  checkKubernetesEntries,
  mergeDuplicateFindings,
  type KubernetesEntry,
  type KubernetesIndex,
} from './kubernetes';
export { formatText, formatJson, formatSummary, buildReport } from './report';
export { rules, findRule, LOAD_BALANCER_TAG_KEY, LOAD_BALANCER_TAG_VALUE } from './rules';
export { suppress, suppressK8s, PolicySuppressionAspect } from './suppress';
export { SUPPRESSION_ANNOTATION, SUPPRESSION_METADATA_KEY } from './suppressions';
export type { Finding, PolicyReport, PolicyRule, PolicySummary, Severity, RuleTarget } from './types';
