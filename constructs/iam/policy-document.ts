import { Token } from 'cdktf';

/** One statement of an IAM policy, in IAM's own JSON shape (what `aws iam get-role-policy` shows). */
export interface IamPolicyStatement {
  /**
   * Statement id, shown in access-denied explanations.
   * @default - none
   */
  readonly Sid?: string;
  /** `Allow`, or `Deny` (which wins over any allow). */
  readonly Effect: 'Allow' | 'Deny';
  /**
   * Who the statement applies to; only in trust (assume-role) policies.
   * @default - none (identity policy)
   */
  readonly Principal?: Record<string, string | string[]>;
  /** Actions, each named exactly (`s3:GetObject`); wildcards are rejected. */
  readonly Action: string[];
  /**
   * ARNs the actions apply to; required in identity policies, absent in trust policies.
   * @default - none (trust policy)
   */
  readonly Resource?: string[];
  /**
   * Condition operator -> condition key -> value(s).
   * @default - unconditional
   */
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** A whole IAM policy document. */
export interface IamPolicyDocument {
  /** Policy language version. */
  readonly Version: '2012-10-17';
  /** The statements. */
  readonly Statement: IamPolicyStatement[];
}

/**
 * Actions IAM cannot scope to a resource, so they must name `Resource: "*"`. Every other action the
 * CI roles hold is limited to ARNs; validation rejects `*` with anything not in this list.
 * - `ecr:GetAuthorizationToken`: a registry login token, needed by any image push.
 * - `kms:ListAliases`: how the AWS provider reads `aws_kms_alias` (only the `shared` target's own roles).
 * - `kms:CreateKey`: creating a key in the `shared` stack (only the `shared` apply role, limited to symmetric keys).
 */
export const ACCOUNT_LEVEL_ACTIONS = ['ecr:GetAuthorizationToken', 'kms:ListAliases', 'kms:CreateKey'] as const;

/** Serializes a policy document; tokens (ARNs of resources in the stack) stay embedded and resolve at synth. */
export function policyJson(statements: IamPolicyStatement[]): string {
  const document: IamPolicyDocument = { Version: '2012-10-17', Statement: statements };
  return JSON.stringify(document);
}

/**
 * Problems with a statement's least privilege: wildcard actions, or `*` resources for actions that can be
 * scoped. Returns one message per problem; empty when the statement is acceptable.
 */
export function leastPrivilegeProblems(statement: IamPolicyStatement, label: string): string[] {
  const problems: string[] = [];
  const where = statement.Sid ? `${label} statement "${statement.Sid}"` : `${label} statement`;
  for (const action of statement.Action) {
    if (!Token.isUnresolved(action) && action.includes('*')) {
      problems.push(`${where}: action "${action}" is a wildcard; list the actions it needs`);
    }
  }
  if (statement.Effect === 'Allow' && (statement.Resource ?? []).includes('*')) {
    const unscoped = statement.Action.filter((a) => !(ACCOUNT_LEVEL_ACTIONS as readonly string[]).includes(a));
    if (unscoped.length > 0) {
      problems.push(`${where}: Resource "*" with ${unscoped.join(', ')}; only ${ACCOUNT_LEVEL_ACTIONS.join(', ')} may use "*"`);
    }
  }
  return problems;
}
