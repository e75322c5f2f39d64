import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Token } from 'cdktf';
import { Construct, type Node } from 'constructs';

/** Anything that names an IAM role; `IamRole` from the provider satisfies it. */
export interface IRoleReference {
  /** The role's name (not its ARN). */
  readonly name: string;
  /** Present when the role is a construct; its id names the grant. */
  readonly node?: Node;
}

/** A stable construct id for a grant to `role`: its construct id, or its name when that is a literal. */
export function grantId(prefix: string, role: IRoleReference): string {
  if (role.node) return `${prefix}${role.node.id}`;
  if (!Token.isUnresolved(role.name)) return `${prefix}${role.name}`;
  throw new Error(`${prefix}: the grantee's name is only known at deploy time; pass the IamRole construct itself`);
}

/** What a `grant*` method created, so callers can depend on it or inspect it. */
export interface Grant {
  readonly policy: IamRolePolicy;
  readonly document: DataAwsIamPolicyDocument;
}

/**
 * Attaches an inline policy to a role. Inline, not managed: the permission lives and dies with the
 * grant, and `terraform plan` shows it next to the role it widens.
 */
export function grantStatements(
  scope: Construct,
  id: string,
  role: IRoleReference,
  statements: DataAwsIamPolicyDocumentStatement[],
): Grant {
  const holder = new Construct(scope, id);
  const document = new DataAwsIamPolicyDocument(holder, 'Document', { statement: statements });
  const policy = new IamRolePolicy(holder, 'Resource', { role: role.name, policy: document.json });
  return { policy, document };
}

/**
 * Use of one KMS key only when an AWS service calls KMS on the principal's behalf
 * (`kms:ViaService`, e.g. `s3.eu-west-1.amazonaws.com`): the key cannot be used directly.
 */
export function kmsViaService(sid: string, actions: string[], keyArn: string | readonly string[], service: string): DataAwsIamPolicyDocumentStatement {
  return { sid, actions, resources: typeof keyArn === 'string' ? [keyArn] : [...keyArn], condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [service] }] };
}

/**
 * Key-policy statement letting CloudWatch Logs in `region` use the key for one log group only (the
 * `kms:EncryptionContext:aws:logs:arn` condition CloudWatch Logs documents for encrypted log groups).
 */
export function logsMayUseKeyFor(sid: string, region: string, logGroupArn: string): DataAwsIamPolicyDocumentStatement {
  return {
    sid,
    principals: [{ type: 'Service', identifiers: [`logs.${region}.amazonaws.com`] }],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    condition: [{ test: 'ArnEquals', variable: 'kms:EncryptionContext:aws:logs:arn', values: [logGroupArn] }],
  };
}
