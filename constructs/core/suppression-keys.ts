// Where suppressions are written; no imports, so the policy command line can read these without cdktf.

/** Key under a Terraform block's `//` metadata that holds `{ "RULE-ID": "reason" }`. */
export const SUPPRESSION_METADATA_KEY = 'policy_suppressions';

/** Annotation on a Kubernetes object: `RULE-ID=reason; RULE-ID=reason`. */
export const SUPPRESSION_ANNOTATION = 'policy.mlops-platform.dev/suppress';
