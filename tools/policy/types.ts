/** Types shared by the policy checker, its formatters and its command line. */

/**
 * How serious a rule is. Both fail the run (and synth) unless suppressed; the severity orders the
 * output (errors first) and marks warnings `[warning]`.
 */
export type Severity = 'error' | 'warning';

/**
 * What a rule reads: synthesized Terraform JSON, Kubernetes objects, the policy inputs themselves,
 * or (for checkov and zizmor ids) whatever that scanner reads.
 */
export type RuleTarget = 'terraform' | 'kubernetes' | 'policy' | 'scanner';

export interface PolicyRule {
  /** Stable id, e.g. `AWS-RDS-001`; suppressions name it, so never reuse or renumber one. */
  readonly id: string;
  readonly severity: Severity;
  readonly target: RuleTarget;
  /** What the rule checks, in a few words. */
  readonly title: string;
  /** Generic description of a violation; findings carry a more specific message. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /** AWS or Kubernetes documentation of what the rule protects. */
  readonly link: string;
  /** Matching checkov check ids; empty when none matches. */
  readonly checkov: readonly string[];
  /** Matching kube-linter check names; empty when none matches. */
  readonly kubeLinter: readonly string[];
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** Terraform address (`aws_db_instance.NAME`, `data.aws_iam_policy_document.NAME`) or `Kind/namespace/name`. */
  readonly address: string;
  /**
   * The file the finding came from (several stacks can hold the same address). When the same
   * Kubernetes object was found in several files of one run (its YAML under `dist/k8s` and its
   * `kubernetes_manifest` in Terraform JSON), the one finding names them all: `"a.yaml, b.tf.json"`.
   */
  readonly file: string;
  /** Present only when the finding was found in more than one file: each file, sorted (`file` joins them with `, `). */
  readonly files?: readonly string[];
  readonly message: string;
  readonly suppressed: boolean;
  /** Present when `suppressed` is true. */
  readonly suppressionReason?: string;
  /** For Kubernetes objects embedded in Terraform JSON: the `kubernetes_manifest.NAME` holding them. */
  readonly resource?: string;
}

export interface PolicySummary {
  /** Unsuppressed findings (`errors + warnings`). */
  readonly findings: number;
  /** Unsuppressed error-severity findings. */
  readonly errors: number;
  /** Unsuppressed warning-severity findings. */
  readonly warnings: number;
  readonly suppressed: number;
  /** Input files read. */
  readonly files: number;
}

export interface PolicyReport {
  /** Every input file read, in the order checked. */
  readonly files: readonly string[];
  /** Unsuppressed errors, then unsuppressed warnings, then suppressed findings; each group sorted by file, address, rule. */
  readonly findings: readonly Finding[];
  readonly summary: PolicySummary;
  /** True when there is no unsuppressed finding at all (errors and warnings both fail the run). */
  readonly ok: boolean;
}

/** A finding before its file, severity and suppressions are known. */
export interface RawFinding {
  readonly ruleId: string;
  readonly address: string;
  readonly message: string;
}
